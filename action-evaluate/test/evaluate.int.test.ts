import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control, world } from "../../test/harness/emulator.js";
import { prComments, prEvent } from "../../test/harness/pull-request.js";
import {
  expectEchoedKeyRedacted,
  leaks,
  markdownKey,
  runAction,
  type ActionRun,
} from "../../test/harness/run-action.js";

const ACTION = "action-evaluate";
const METRICS = ["f1", "rouge1", "rouge2", "rougeL", "bleu", "gleu"];

/** A repository checkout with the evaluation files the inputs name. */
function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "phi3-eval-repo-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const conversations = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: "system", content: "You answer questions about Azure ML." },
        { role: "user", content: `How do I scale online endpoint number ${i}?` },
        { role: "assistant", content: `Set the instance count of deployment ${i} and update it.` },
      ],
    }),
  ).join("\n") + "\n";

async function endpoint(w: { workspace: string }, name: string) {
  return control<{ keys: { primaryKey: string; secondaryKey: string } }>("POST", "/endpoints", {
    workspace: w.workspace,
    name,
    deployments: [
      { name: "blue", traffic: 100 },
      { name: "green", traffic: 0 },
    ],
    tags: { "managed-by": "phi3-aml-actions" },
  });
}

function resultsOf(run: ActionRun): Record<string, unknown>[] {
  return readFileSync(run.outputs["results-file"]!, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("action-evaluate (bundled, as the runner runs it)", () => {
  it("scores given pairs with no Azure settings at all, and applies floors", async () => {
    const pairs =
      Array.from({ length: 12 }, (_, i) =>
        JSON.stringify({
          response: `Tokyo is the capital of Japan ${i}.`,
          reference: "The capital of Japan is Tokyo.",
        }),
      ).join("\n") + "\nnot json\n";
    const cwd = checkout({ "pairs.jsonl": pairs });
    const run = await runAction(ACTION, { env: {}, cwd, inputs: { pairs: "pairs.jsonl" }, keepFiles: true });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ "gate-result": "report-only", examples: "12" });
    const rows = resultsOf(run);
    expect(rows).toHaveLength(12);
    for (const r of rows) for (const m of METRICS) expect(typeof r[m]).toBe("number");
    expect(rows[0]!.deployment).toBeUndefined();
    // "tokyo is capital of japan 0" against "capital of japan is tokyo": P 5/6, R 1.
    expect(rows[0]!.f1).toBeCloseTo(10 / 11, 6);
    expect(run.summary).toContain("| Metric |");
    expect(run.summary).toContain("not JSON × 1");

    const floor = await runAction(ACTION, { env: {}, cwd, inputs: { pairs: "pairs.jsonl", "min-f1": "0.95" } });
    expect(floor.code).not.toBe(0);
    expect(floor.outputs["gate-result"]).toBe("failed");
    expect(floor.summary).toContain("below its floor 0.95");
  });

  it("reports every input problem together before any call", async () => {
    const run = await runAction(ACTION, {
      env: {},
      inputs: { deployment: "Bad_Name!", "baseline-deployment": "", "gate-metric": "bleu", "gate-tolerance": "2" },
    });
    expect(run.code).not.toBe(0);
    const errors = run.annotations
      .filter((a) => a.level === "error")
      .map((a) => a.message)
      .join("\n");
    for (const input of ["endpoint", "deployment", "eval-data", "gate-metric", "gate-tolerance"])
      expect(errors).toContain(input);
  });

  it("compares two deployments of an endpoint by header: identical models pass, the table goes on the PR once", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    const { keys } = await endpoint(w, name);
    const cwd = checkout({ "eval.jsonl": conversations(14) });
    const env = { ...w.env, ...prEvent(11) };
    const inputs = {
      endpoint: name,
      deployment: "green",
      "baseline-deployment": "blue",
      "eval-data": "eval.jsonl",
      "github-token": "ghs_fake_token_for_the_emulator",
    };
    const run = await runAction(ACTION, { env, cwd, inputs, keepFiles: true });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ "gate-result": "passed", examples: "14" });
    const sent = await control<Array<{ deployment: string; header?: string; parameters: Record<string, unknown> }>>(
      "GET",
      `/scoring/requests?endpoint=${name}`,
    );
    expect(sent.filter((r) => r.header === "green" && r.deployment === "green")).toHaveLength(14);
    expect(sent.filter((r) => r.header === "blue" && r.deployment === "blue")).toHaveLength(14);
    expect(new Set(sent.map((r) => JSON.stringify(r.parameters))).size).toBe(1);
    expect(sent[0]!.parameters).toMatchObject({ temperature: 0, do_sample: false });
    const rows = resultsOf(run);
    expect(rows).toHaveLength(14);
    for (const r of rows) {
      for (const m of METRICS) expect(typeof r[m]).toBe("number");
      expect(r.deployment).toBe("green");
      expect((r.baseline as Record<string, unknown>).deployment).toBe("blue");
    }
    expect(run.summary).toContain("| Metric | Production (blue) | Candidate (green) | Δ | 95 % interval | Verdict |");
    expect(run.summary).toContain("### Deployments");

    const again = await runAction(ACTION, { env, cwd, inputs, keepFiles: true });
    expect(again.code).toBe(0);
    const comments = await prComments(11);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(`<!-- phi3-evaluate:endpoint=${name} -->`)).toBe(true);
    // No secret anywhere: log, outputs, summary, results file, comment.
    const secrets = [keys.primaryKey, keys.secondaryKey, w.requestToken, "ghs_fake_token_for_the_emulator"];
    expect(leaks(run, secrets)).toEqual([]);
    const files = [readFileSync(run.outputs["results-file"]!, "utf8"), comments[0]!.body];
    for (const s of secrets) for (const f of files) expect(f).not.toContain(s);
  });

  it("reads action-dataset's validation data asset (its validation-data output) from the workspace datastore", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    const cwd = checkout({ "train.jsonl": conversations(60) });
    const dataset = await runAction("action-dataset", { env: w.env, cwd, inputs: { source: "train.jsonl" } });
    expect(dataset.code).toBe(0);
    const validation = dataset.outputs["validation-data"]!;
    expect(validation).toMatch(/\/data\/phi3-chat-validation\/versions\//);
    const inputs = { endpoint: name, deployment: "green", "baseline-deployment": "blue", "eval-data": validation };
    const run = await runAction(ACTION, { env: w.env, cwd, inputs });
    expect(run.code).toBe(0);
    expect(run.outputs["gate-result"]).toBe("passed");
    expect(Number(run.outputs.examples)).toBe(Number(dataset.outputs["validation-rows"]));
  });

  it("fails a degraded candidate with the table and its worst regressions", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    await control("POST", "/scoring/rules", {
      workspace: w.workspace,
      endpoint: name,
      deployment: "green",
      answer: "No idea.",
    });
    const cwd = checkout({ "eval.jsonl": conversations(12) });
    const inputs = { endpoint: name, deployment: "green", "baseline-deployment": "blue", "eval-data": "eval.jsonl" };
    const run = await runAction(ACTION, { env: w.env, cwd, inputs });
    expect(run.code).not.toBe(0);
    expect(run.outputs["gate-result"]).toBe("failed");
    expect(run.summary).toContain("worst regressions");
    expect(run.summary).toContain("No idea.");
    expect(run.annotations.some((a) => a.level === "error" && a.message.includes("The evaluation gate failed"))).toBe(
      true,
    );
  });

  it("is inconclusive with fewer than 10 usable examples, and fails closed", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    const cwd = checkout({ "eval.jsonl": conversations(6) + "{}\n" });
    const inputs = { endpoint: name, deployment: "green", "baseline-deployment": "blue", "eval-data": "eval.jsonl" };
    const run = await runAction(ACTION, { env: w.env, cwd, inputs });
    expect(run.code).not.toBe(0);
    expect(run.outputs).toMatchObject({ "gate-result": "inconclusive", examples: "6" });
    expect(run.summary).toContain("only 6 usable example");
  });

  it("rides out a 429 storm within the budget", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    await control("POST", "/scoring/rules", {
      workspace: w.workspace,
      endpoint: name,
      status: 429,
      body: { message: "Too many requests" },
      count: 6,
    });
    const cwd = checkout({ "eval.jsonl": conversations(10) });
    const inputs = { endpoint: name, deployment: "green", "baseline-deployment": "blue", "eval-data": "eval.jsonl" };
    const run = await runAction(ACTION, { env: w.env, cwd, inputs });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ "gate-result": "passed", examples: "10" });
    expect(run.stdout).toContain("HTTP 429; trying again");
  });

  it("fails closed when the time budget runs out", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    await control("POST", "/scoring/rules", { workspace: w.workspace, endpoint: name, latencyMs: 1500 });
    const cwd = checkout({ "eval.jsonl": conversations(20) });
    const inputs = {
      endpoint: name,
      deployment: "green",
      "baseline-deployment": "blue",
      "eval-data": "eval.jsonl",
      "eval-timeout-minutes": "0.05",
    };
    const t0 = Date.now();
    const run = await runAction(ACTION, { env: w.env, cwd, inputs });
    expect(run.code).not.toBe(0);
    expect(run.outputs["gate-result"]).toBe("inconclusive");
    expect(run.summary).toContain("The time budget ran out");
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});

describe("action-evaluate: the endpoint key, echoed by a model, reaches no reader (redacted before escaping)", () => {
  it("a key holding every Markdown-special character is in no form in the comment, summary, results, log or outputs", async () => {
    const w = await world();
    const name = `ep-${w.workspace.slice(3)}`;
    await endpoint(w, name);
    const { key, forms } = markdownKey();
    await control("PUT", "/endpoints/keys", { workspace: w.workspace, name, primaryKey: key });
    // Production answers well; the candidate echoes the key, so every example is a regression the table shows.
    // The second echo straddles the table's 200-character cut: a cut key must not survive as its head.
    await control("POST", "/scoring/rules", {
      endpoint: name,
      deployment: "blue",
      answer: "Set the instance count of the deployment and update it.",
    });
    await control("POST", "/scoring/rules", {
      endpoint: name,
      deployment: "green",
      answer: `Your header was Bearer ${key}. ${"Padding. ".repeat(11)}${key}`,
    });
    const inputs = {
      endpoint: name,
      deployment: "green",
      "baseline-deployment": "blue",
      "eval-data": "eval.jsonl",
      gate: "report",
      "github-token": "ghs_fake_token_for_the_emulator",
    };
    const cwd = checkout({ "eval.jsonl": conversations(12) });
    const run = await runAction(ACTION, { env: { ...w.env, ...prEvent(31) }, cwd, inputs, keepFiles: true });

    expect(run.code).toBe(0);
    expect(run.outputs["gate-result"]).toBe("report-only");
    const [comment] = await prComments(31);
    // The answers are there, with the key replaced before their escaping.
    expectEchoedKeyRedacted(run, comment!.body, forms);
  });
});
