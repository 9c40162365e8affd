import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { control, world } from "../../test/harness/emulator.js";
import { leaks, runAction } from "../../test/harness/run-action.js";

const ACTION = "action-chat-smoke";

async function endpoint(w: { workspace: string }) {
  const name = `ep-${w.workspace.slice(3)}`;
  const { keys } = await control<{ keys: { primaryKey: string; secondaryKey: string } }>("POST", "/endpoints", {
    workspace: w.workspace,
    name,
    deployments: [{ name: "blue", traffic: 100 }],
    tags: { "managed-by": "phi3-aml-actions" },
  });
  return { name, keys };
}

/** A checked-out repository holding prompts files, with a secret file beside it. */
function repository(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), "phi3-smoke-limits-"));
  const repo = join(root, "repo");
  mkdirSync(repo);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
  writeFileSync(join(root, "secret.jsonl"), '{"prompt": "the secret prompt"}\n');
  return { root, repo };
}

const jsonl = (...cases: object[]) => cases.map((c) => JSON.stringify(c)).join("\n") + "\n";
const requestsTo = (name: string) => control<unknown[]>("GET", `/scoring/requests?endpoint=${name}`);

/** Every file under a folder, with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  return readdirSync(dir).flatMap((n): Array<[string, string]> => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [[p, readFileSync(p, "utf8")]];
  });
}

describe("action-chat-smoke limits (bundled, as the runner runs it)", () => {
  it("decides ^(a+)+$ against a 35-character answer at once (linear-time regex)", async () => {
    const w = await world();
    const { name } = await endpoint(w);
    await control("POST", "/scoring/rules", { endpoint: name, answer: `${"a".repeat(34)}!` });
    const { repo } = repository({ "cases.jsonl": jsonl({ prompt: "Say a lot of a.", expect: { regex: "^(a+)+$" } }) });
    const started = Date.now();
    const run = await runAction(ACTION, {
      env: w.env,
      cwd: repo,
      timeoutMs: 60_000,
      inputs: { endpoint: name, prompts: "cases.jsonl", comment: "never", "timeout-minutes": "1" },
    });
    expect(run.signal).toBeNull();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.code).toBe(1);
    expect(run.summary).toContain("does not match regex");
  });

  it("ends the whole run when timeout-minutes runs out, reporting what was cut off and not sent", async () => {
    const w = await world();
    const { name } = await endpoint(w);
    await control("POST", "/scoring/rules", { endpoint: name, latencyMs: 120_000 });
    const prompts = Array.from({ length: 4 }, (_, i) => `Question ${i}?`).join("\n");
    const started = Date.now();
    const run = await runAction(ACTION, {
      env: w.env,
      timeoutMs: 60_000,
      inputs: {
        endpoint: name,
        prompts,
        comment: "never",
        concurrency: "1",
        "timeout-seconds": "600",
        "timeout-minutes": "0.1",
      },
    });
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(run.code).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")!.message).toContain(
      "The run's time budget (timeout-minutes: 0.1) ran out",
    );
    expect(run.outputs).toMatchObject({ cases: "4", failed: "4" });
    expect(run.summary).toContain("not sent");
    // Only the first case was sent, and it was cut off (the emulator saw the client go: status 0).
    expect(await requestsTo(name)).toEqual([expect.objectContaining({ prompt: "Question 0?", status: 0 })]);
  });

  it("refuses a prompt set larger than max-cases before any request, and before logging in", async () => {
    const w = await world();
    const { name } = await endpoint(w);
    const prompts = Array.from({ length: 201 }, (_, i) => `Question ${i}?`).join("\n");
    const run = await runAction(ACTION, { env: w.env, inputs: { endpoint: name, prompts, comment: "never" } });
    expect(run.code).toBe(1);
    expect(run.annotations.find((a) => a.title === "Input max-cases")!.message).toContain(
      '"200" is less than the 201 cases in prompts: nothing was sent',
    );
    expect(await requestsTo(name)).toHaveLength(0);
    expect(await w.idTokensIssued()).toBe(0);
    expect(await w.armCalls()).toEqual([]);
  });

  it("refuses a prompts path that leaves the repository, through .. or a symlink, without reading it", async () => {
    const w = await world();
    const { name } = await endpoint(w);
    const { root, repo } = repository({});
    symlinkSync(join(root, "secret.jsonl"), join(repo, "innocent.jsonl"));
    for (const prompts of ["../secret.jsonl", "innocent.jsonl"]) {
      const run = await runAction(ACTION, { env: w.env, cwd: repo, inputs: { endpoint: name, prompts } });
      expect(run.code).toBe(1);
      expect(run.annotations.find((a) => a.title === "Input prompts")!.message).toMatch(
        /resolves to .*secret\.jsonl, outside the repository \(GITHUB_WORKSPACE\)/,
      );
      expect(run.visibleLog + run.summary).not.toContain("the secret prompt");
    }
    expect(await requestsTo(name)).toHaveLength(0);
  });

  it("keeps a key the endpoint echoes out of every file the step writes", async () => {
    const w = await world();
    const { name, keys } = await endpoint(w);
    await control("POST", "/scoring/rules", {
      endpoint: name,
      match: "error",
      status: 400,
      body: { message: `Bad request for key ${keys.primaryKey}`, echo: { key: keys.primaryKey } },
    });
    await control("POST", "/scoring/rules", {
      endpoint: name,
      match: "answer",
      answer: `Your key: ${keys.primaryKey}`,
    });
    const run = await runAction(ACTION, {
      env: w.env,
      keepFiles: true,
      inputs: { endpoint: name, prompts: "Cause an error.\nGive an answer.", comment: "never" },
    });
    expect(run.code).toBe(1);
    const file = run.outputs["results-file"]!;
    // The step's RUNNER_TEMP, as the runner gives it (test/harness/run-action.ts).
    expect([basename(dirname(file)), basename(file)]).toEqual(["runner-temp", "chat-smoke-results.json"]);
    const results = readFileSync(file, "utf8");
    const record = JSON.parse(results) as { cases: Array<{ status: string; answer?: string; httpStatus?: number }> };
    expect(record.cases.map((c) => [c.status, c.httpStatus, c.answer])).toEqual([
      ["error", 400, undefined],
      ["passed", 200, "Your key: ***"],
    ]);
    expect(leaks(run, [keys.primaryKey])).toEqual([]);
    // Everything under the step's folder: RUNNER_TEMP (the results file), the workspace, the file commands.
    const written = filesUnder(dirname(dirname(run.outputs["results-file"]!)));
    expect(written.length).toBeGreaterThan(3);
    expect(written.filter(([, text]) => text.includes(keys.primaryKey)).map(([p]) => p)).toEqual([]);
  });

  it("redacts a key holding every Markdown-special character before escaping: results file, summary, log (issue 25)", async () => {
    const w = await world();
    const { name } = await endpoint(w);
    const [head, tail] = [randomBytes(9).toString("hex"), randomBytes(9).toString("hex")];
    const key = `${head}\\\`*_{}[]()#+-.!|<>~${tail}`;
    await control("PUT", "/endpoints/keys", { workspace: w.workspace, name, primaryKey: key });
    await control("POST", "/scoring/rules", { endpoint: name, answer: `Your header: Bearer ${key}` });
    const run = await runAction(ACTION, {
      env: w.env,
      keepFiles: true,
      inputs: { endpoint: name, prompts: "Echo my header.", comment: "never" },
    });
    expect(run.code).toBe(0);
    expect(run.summary).toContain("Bearer \\*\\*\\*");
    const results = readFileSync(run.outputs["results-file"]!, "utf8");
    expect(results).toContain("Your header: Bearer ***");
    expect(leaks(run, [head, tail, key])).toEqual([]);
    const written = filesUnder(dirname(dirname(run.outputs["results-file"]!)));
    expect(written.filter(([, text]) => text.includes(head) || text.includes(tail)).map(([p]) => p)).toEqual([]);
  });
});
