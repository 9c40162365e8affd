// The evaluation gate between the smoke prompt and the traffic move, bundled as the runner runs it, against the
// emulator's models: a fine-tuned deployment answers held-out prompts with its nearest training reply, a base
// model generically, a degraded one worse (emulator/src/model-answers.ts).
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control, world } from "../../test/harness/emulator.js";
import { REPO_ROOT } from "../../test/harness/paths.js";
import { leaks, runAction, type ActionRun } from "../../test/harness/run-action.js";

const ACTION = "action-deploy";
const A100 = "standardNCADSA100v4Family";
/** A region of this file's own, with room for every deployment its tests leave running. */
const REGION = "centralus";
const SAMPLE = readFileSync(join(REPO_ROOT, "data/ultrachat-sample.jsonl"), "utf8").trim().split("\n");
/** Trained on the first 200 conversations; evaluated on the 100 after them (held out). */
const TRAIN = SAMPLE.slice(0, 200).join("\n") + "\n";
const HELD_OUT = SAMPLE.slice(200).join("\n") + "\n";

const repos: string[] = [];
beforeAll(async () => {
  await control("POST", "/quotas", { family: A100, limit: 2400, current: 0, location: REGION });
  // The regional total too (a new subscription gets 100 vCPUs: four A100 deployments).
  await control("POST", "/quotas", { regional: true, limit: 2400, current: 0, location: REGION });
});
afterAll(() => repos.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A repository checkout holding the held-out data (eval.jsonl) and a small file (few.jsonl). */
function repository(): string {
  const repo = mkdtempSync(join(tmpdir(), "gate-repo-"));
  repos.push(repo);
  writeFileSync(join(repo, "eval.jsonl"), HELD_OUT);
  writeFileSync(join(repo, "few.jsonl"), SAMPLE.slice(200, 205).join("\n") + "\n");
  return repo;
}

async function setup() {
  const workspace = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace });
  await control("POST", "/workspaces", { name: workspace, location: REGION });
  const endpoint = `gate-${workspace.slice(3)}`;
  const wsPath = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}`;
  const job = (name: string) => control("POST", "/jobs", { workspace, name, trainData: TRAIN });
  const resources = () =>
    control<Array<{ type: string; name: string; properties: { traffic?: Record<string, number> } }>>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`${wsPath}/onlineEndpoints/${endpoint}`)}`,
    );
  const traffic = async () => (await resources()).find((r) => r.type.endsWith("/onlineEndpoints"))!.properties.traffic;
  const deployments = async () =>
    (await resources())
      .filter((r) => r.type.endsWith("/deployments"))
      .map((r) => r.name)
      .sort();
  const key = async () =>
    (await control<{ keys: { primaryKey: string } }>("POST", "/endpoints/keys", { workspace, name: endpoint })).keys
      .primaryKey;
  const deploy = (jobName: string, inputs: Record<string, string> = {}, cwd = repository()) =>
    runAction(ACTION, {
      env: w.env,
      cwd,
      keepFiles: true,
      inputs: { "job-name": jobName, endpoint, "max-examples": "40", ...inputs },
    });
  return { w, workspace, endpoint, job, traffic, deployments, key, deploy };
}

/** Every file the step wrote (RUNNER_TEMP and the workspace), with its text. */
function filesOf(run: ActionRun): string[] {
  const file = run.outputs["eval-results-file"];
  if (!file) return [];
  const dir = join(file, "..", "..");
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(dir).map((f) => readFileSync(f, "utf8"));
}

function expectNoSecret(run: ActionRun, secrets: string[]) {
  expect(leaks(run, secrets)).toEqual([]);
  for (const text of filesOf(run)) for (const s of secrets) expect(text).not.toContain(s);
}

describe("action-deploy's evaluation gate (bundled, against the emulator's models)", () => {
  it("passes a fine-tuned candidate against the base model in production, and moves the traffic", async () => {
    const { w, workspace, endpoint, job, traffic, key, deploy } = await setup();
    await control("POST", "/endpoints", {
      workspace,
      name: endpoint,
      location: REGION,
      deployments: [
        {
          name: "base",
          traffic: 100,
          model: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15",
          instanceType: "Standard_NC24ads_A100_v4",
        },
      ],
    });
    await job("ft-1");
    const run = await deploy("ft-1", { "eval-data": "eval.jsonl" });

    expect(run.code).toBe(0);
    expect(run.outputs["gate-result"]).toBe("passed");
    expect(await traffic()).toEqual({ base: 0, v01: 100 });
    expect(run.summary).toContain("Evaluation: passed");
    expect(run.summary).toMatch(/\| \*\*f1\*\* \(gate\) \|/);
    const lines = readFileSync(run.outputs["eval-results-file"]!, "utf8").trim().split("\n");
    expect(lines).toHaveLength(40);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(JSON.stringify(first)).toMatch(/"f1"/);
    const requests = await control<Array<{ header?: string }>>("GET", `/scoring/requests?endpoint=${endpoint}`);
    expect(requests.filter((r) => r.header === "v01")).toHaveLength(40);
    expect(requests.filter((r) => r.header === "base")).toHaveLength(40);
    expectNoSecret(run, [await key(), w.requestToken]);
  });

  it("refuses a degraded candidate: traffic unchanged, candidate removed, step failed with the table", async () => {
    const { w, endpoint, job, traffic, deployments, key, deploy } = await setup();
    await job("ft-1");
    await job("ft-2");
    expect((await deploy("ft-1")).code).toBe(0);
    await control("POST", "/scoring/degrade", { endpoint, deployment: "v02", mode: "truncate" });
    const run = await deploy("ft-2", { "eval-data": "eval.jsonl" });

    expect(run.code).toBe(1);
    expect(run.outputs["gate-result"]).toBe("failed");
    expect(await traffic()).toEqual({ v01: 100 });
    expect(await deployments()).toEqual(["v01"]);
    expect(run.summary).toContain("Evaluation: failed");
    expect(run.summary).toMatch(/\| \*\*f1\*\* \(gate\) \| [\d.]+ \| [\d.]+ \| -[\d.]+ \|.*\| failed \|/);
    expect(run.annotations.find((a) => a.level === "error")!.message).toContain("refused deployment v02");
    expectNoSecret(run, [await key(), w.requestToken]);
  });

  it("is inconclusive with fewer than 10 examples, and fails closed", async () => {
    const { endpoint, job, traffic, deployments, deploy } = await setup();
    await job("ft-1");
    await job("ft-2");
    expect((await deploy("ft-1")).code).toBe(0);
    const run = await deploy("ft-2", { "eval-data": "few.jsonl" });

    expect(run.code).toBe(1);
    expect(run.outputs["gate-result"]).toBe("inconclusive");
    expect(await traffic()).toEqual({ v01: 100 });
    expect(await deployments()).toEqual(["v01"]);
    expect(endpoint).toBeTruthy();
  });

  it("rides out a 429 storm within the budget", async () => {
    const { endpoint, job, traffic, deploy } = await setup();
    await job("ft-1");
    await job("ft-2");
    expect((await deploy("ft-1")).code).toBe(0);
    await control("POST", "/scoring/rules", {
      endpoint,
      status: 429,
      count: 4,
      body: { message: "Too many pending requests." },
    });
    const run = await deploy("ft-2", { "eval-data": "eval.jsonl", "eval-timeout-minutes": "2" });

    expect(run.code).toBe(0);
    expect(run.outputs["gate-result"]).toBe("passed");
    expect(await traffic()).toEqual({ v02: 100 });
    const requests = await control<Array<{ status: number }>>("GET", `/scoring/requests?endpoint=${endpoint}`);
    expect(requests.filter((r) => r.status === 429)).toHaveLength(4);
  });

  it("fails closed when the evaluation outruns its time budget", async () => {
    const { endpoint, job, traffic, deployments, deploy } = await setup();
    await job("ft-1");
    await job("ft-2");
    expect((await deploy("ft-1")).code).toBe(0);
    await control("POST", "/scoring/rules", { endpoint, deployment: "v02", latencyMs: 2000 });
    const started = Date.now();
    const run = await deploy("ft-2", { "eval-data": "eval.jsonl", "eval-timeout-minutes": "0.05" });

    expect(run.code).toBe(1);
    expect(run.outputs["gate-result"]).toBe("inconclusive");
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await traffic()).toEqual({ v01: 100 });
    expect(await deployments()).toEqual(["v01"]);
  });

  it("checks the gate's inputs before any cloud call", async () => {
    const { w, deploy } = await setup();
    const run = await deploy("ft-1", {
      gate: "on",
      "gate-metric": "bleu",
      "gate-tolerance": "2",
      "eval-data": "../x.jsonl",
    });

    expect(run.code).toBe(1);
    const titles = run.annotations.map((a) => a.title);
    for (const input of ["gate-metric", "gate-tolerance", "eval-data"]) expect(titles).toContain(`Input ${input}`);
    expect(await w.idTokensIssued()).toBe(0);
  });
});
