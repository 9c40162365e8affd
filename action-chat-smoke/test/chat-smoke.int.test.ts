import { readFileSync } from "node:fs";
import { join } from "node:path";
import { control, world } from "../../test/harness/emulator.js";
import { prComments, prEvent } from "../../test/harness/pull-request.js";
import { expectEchoedKeyRedacted, leaks, markdownKey, runAction } from "../../test/harness/run-action.js";
import { REPO_ROOT } from "../../test/harness/paths.js";

const ACTION = "action-chat-smoke";
const FIXTURES = join(REPO_ROOT, "action-chat-smoke", "test", "fixtures");

async function endpoint(w: { workspace: string }, name: string, deployments = [{ name: "blue", traffic: 100 }]) {
  return control<{ keys: { primaryKey: string; secondaryKey: string } }>("POST", "/endpoints", {
    workspace: w.workspace,
    name,
    deployments,
    tags: { "managed-by": "phi3-aml-actions" },
  });
}

describe("action-chat-smoke (bundled, as the runner runs it)", () => {
  it("chats with a named endpoint, checks the answers, reports them, and comments once on the pull request", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    const { keys } = await endpoint(w, name);
    // Each case answers after its own delay, so the median latency is the tides case's: at least 200 ms.
    for (const [match, latencyMs] of [
      ["France", 300],
      ["tides", 200],
      ["2 + 2", 100],
    ] as const)
      await control("POST", "/scoring/rules", { endpoint: name, match, latencyMs });
    const env = { ...w.env, ...prEvent(7) };
    const inputs = { endpoint: name, prompts: "smoke.jsonl", "github-token": "ghs_fake_token_for_the_emulator" };
    const run = await runAction(ACTION, { env, cwd: FIXTURES, inputs, keepFiles: true });

    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ passed: "true", cases: "3", failed: "0" });
    const results = JSON.parse(readFileSync(run.outputs["results-file"]!, "utf8")) as {
      cases: Array<{ answer: string; status: string; latencyMs: number }>;
    };
    expect(results.cases.map((c) => c.status)).toEqual(["passed", "passed", "passed"]);
    const latencies = results.cases.map((c) => c.latencyMs);
    const byDelay = [...latencies].sort((a, b) => a - b);
    expect(byDelay[0]).toBeGreaterThanOrEqual(100);
    expect(byDelay[1]).toBeGreaterThanOrEqual(200);
    expect(byDelay[2]).toBeGreaterThanOrEqual(300);
    expect(run.outputs["p50-ms"]).toBe(String(Math.round(byDelay[1]!)));
    expect(results.cases[0]!.answer).toBe("The capital of France is Paris.");
    expect(run.summary).toContain("The capital of France is Paris.");
    // The request is the one the managed endpoint expects, with the parameters.
    const sent = await control<Array<{ prompt: string; parameters: unknown; deployment: string }>>(
      "GET",
      `/scoring/requests?endpoint=${name}`,
    );
    expect(sent.map((r) => r.prompt).sort()).toEqual([
      "Tell me about tides.",
      "What is 2 + 2?",
      "What is the capital of France?",
    ]);
    expect(sent[0]!.parameters).toEqual({ temperature: 0.7, max_new_tokens: 128 });
    // The key: read through Azure ML, masked, and nowhere a reader could see it.
    expect(run.stdout).toContain(`::add-mask::${keys.primaryKey}`);
    expect(leaks(run, [keys.primaryKey, keys.secondaryKey, w.requestToken])).toEqual([]);

    const again = await runAction(ACTION, { env, cwd: FIXTURES, inputs });
    expect(again.code).toBe(0);
    const comments = await prComments(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(`<!-- phi3-chat-smoke:endpoint=${name} -->`)).toBe(true);
    expect(comments[0]!.body).not.toContain(keys.primaryKey);
  });

  it("fails the step on a broken expectation, and escapes model text that tries to mention or inject", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    await control("POST", "/scoring/rules", {
      endpoint: name,
      match: "capital",
      answer: "@octocat <img src=x onerror=alert(1)> [click](https://evil.example) Lyon",
    });
    const run = await runAction(ACTION, {
      env: { ...w.env, ...prEvent(8) },
      cwd: FIXTURES,
      inputs: { endpoint: name, prompts: "smoke.jsonl", "github-token": "ghs_x" },
    });

    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ passed: "false", failed: "1" });
    expect(run.annotations.find((a) => a.level === "error")!.message).toContain("1 of 3 chat case(s) did not pass");
    const [comment] = await prComments(8);
    expect(comment!.body).toMatch(/does not contain.*Paris/);
    expect(comment!.body).not.toContain("<img");
    expect(comment!.body).not.toContain("[click](https://evil.example)");
    expect(comment!.body).not.toMatch(/@octocat/);
  });

  it("retries a cold endpoint's 503s, explains a model error (424), and routes to the named deployment", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name, [
      { name: "blue", traffic: 100 },
      { name: "green", traffic: 0 },
    ]);
    await control("POST", "/scoring/rules", { endpoint: name, match: "capital", status: 503, count: 2 });
    await control("POST", "/scoring/rules", {
      endpoint: name,
      match: "tides",
      status: 424,
      body: { message: "CUDA out of memory in the scoring script" },
    });
    const run = await runAction(ACTION, {
      env: w.env,
      cwd: FIXTURES,
      inputs: { endpoint: name, deployment: "green", prompts: "smoke.jsonl", retries: "3", comment: "never" },
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Case capital: .*503.*trying again/);
    const sent = await control<Array<{ header?: string; deployment?: string; status: number; prompt: string }>>(
      "GET",
      `/scoring/requests?endpoint=${name}`,
    );
    expect(sent.every((r) => r.header === "green" && r.deployment === "green")).toBe(true);
    expect(sent.filter((r) => r.prompt.includes("capital")).map((r) => r.status)).toEqual([503, 503, 200]);
    expect(run.summary).toMatch(/424/);
    expect(run.summary).toContain("CUDA out of memory");
  });

  it("names a wrong key (401) plainly with scoring-uri and api-key, and sends nothing more", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    const ep = await control<Array<{ properties: { scoringUri: string } }>>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}/onlineEndpoints/${name}`)}`,
    );
    const run = await runAction(ACTION, {
      env: { NODE_EXTRA_CA_CERTS: w.env.NODE_EXTRA_CA_CERTS! },
      cwd: FIXTURES,
      inputs: {
        "scoring-uri": ep[0]!.properties.scoringUri,
        "api-key": "wrong-key-123456",
        prompts: "smoke.jsonl",
        comment: "never",
      },
    });

    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/401/);
    expect(run.summary).toMatch(/key/i);
    expect(leaks(run, ["wrong-key-123456"])).toEqual([]);
    const sent = await control<unknown[]>("GET", `/scoring/requests?endpoint=${name}`);
    expect(sent.length).toBeLessThanOrEqual(2);
  });

  it("skips with a notice on a fork's pull request, which has no ID token", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: { ...w.env, ...prEvent(9, true) },
      noIdToken: true,
      cwd: FIXTURES,
      inputs: { endpoint: "phi3-chat", prompts: "smoke.jsonl" },
    });

    expect(run.code).toBe(0);
    expect(run.outputs.passed).toBe("");
    expect(run.annotations.find((a) => a.level === "notice")!.message).toContain(
      "pull request from the fork someone/phi3-demo",
    );
    expect(await w.tokenEvents()).toEqual([]);
  });

  it("on a fork's pull request an empty endpoint (GitHub passed no variables) is explained as such", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: { ...w.env, ...prEvent(10, true) },
      noIdToken: true,
      cwd: FIXTURES,
      inputs: { endpoint: "", prompts: "smoke.jsonl" },
    });

    expect(run.code).toBe(1);
    const problem = run.annotations.find((a) => a.title === "Input endpoint")!.message;
    expect(problem).toMatch(/fork someone\/phi3-demo: GitHub gives it no variables, no secrets and no ID token/);
    expect(problem).toMatch(/vars\.AZUREML_ENDPOINT is empty here even when it is set/);
    expect(await w.tokenEvents()).toEqual([]);
  });

  it("reports bad input on its line before any request: invalid JSON, an invalid regex, both targets, a non-numeric temperature", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: w.env,
      cwd: FIXTURES,
      inputs: {
        endpoint: "phi3-chat",
        "scoring-uri": "https://example.invalid/score",
        "api-key": "k",
        prompts: "broken.jsonl",
        temperature: "warm",
      },
    });

    expect(run.code).toBe(1);
    const located = run.annotations.filter((a) => a.file === "broken.jsonl").map((a) => a.line);
    expect(located).toEqual([2, 3]);
    const titles = run.annotations.filter((a) => a.title?.startsWith("Input ")).map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(["Input scoring-uri", "Input temperature", "Input prompts"]));
    expect(await w.idTokensIssued()).toBe(0);

    const missing = await runAction(ACTION, {
      env: w.env,
      cwd: FIXTURES,
      inputs: { endpoint: "phi3-chat", prompts: "no-such-file.jsonl" },
    });
    expect(missing.code).toBe(1);
    expect(missing.annotations.find((a) => a.title === "Input prompts")!.message).toContain("no-such-file.jsonl");

    const neither = await runAction(ACTION, { env: w.env, cwd: FIXTURES, inputs: { prompts: "What is 2 + 2?" } });
    expect(neither.code).toBe(1);
    expect(neither.annotations.find((a) => a.title === "Input endpoint")!.message).toContain(
      "give endpoint, or scoring-uri with api-key",
    );
    expect(await w.idTokensIssued()).toBe(0);
  });

  it("gives up on a request that takes longer than timeout-seconds, and says so", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    await control("POST", "/scoring/rules", { endpoint: name, latencyMs: 2500 });
    const run = await runAction(ACTION, {
      env: w.env,
      cwd: FIXTURES,
      inputs: { endpoint: name, prompts: "Are you awake?", "timeout-seconds": "1", retries: "0", comment: "never" },
    });

    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ passed: "false", cases: "1", failed: "1" });
    expect(run.summary).toMatch(/timed out|no answer within/i);
  });
});

describe("action-chat-smoke: the endpoint key, echoed by a model, reaches no reader (redacted before escaping)", () => {
  it("a key holding every Markdown-special character is in no form in the comment, summary, results, log or outputs", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    const { key, forms } = markdownKey();
    await control("PUT", "/endpoints/keys", { workspace: w.workspace, name, primaryKey: key });
    await control("POST", "/scoring/rules", { endpoint: name, answer: `Your header was Bearer ${key} (key ${key}).` });
    const run = await runAction(ACTION, {
      env: { ...w.env, ...prEvent(32) },
      inputs: { endpoint: name, prompts: "Echo my header.", "github-token": "ghs_fake_token_for_the_emulator" },
      keepFiles: true,
    });

    expect(run.code).toBe(0);
    const [comment] = await prComments(32);
    expectEchoedKeyRedacted(run, comment!.body, forms);
  });
});
