/**
 * Issue 25, reproduced against the bundles and fixed: ownership, secrets before escaping, cancel, the truth
 * after a failure, and refusals that come before any write.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control, type Exchange, world } from "../../test/harness/emulator.js";
import { REPO_ROOT } from "../../test/harness/paths.js";
import { leaks, runAction, type ActionRun } from "../../test/harness/run-action.js";

const ACTION = "action-deploy";
const A100 = "standardNCADSA100v4Family";
const REGION = "westus3";
// The tests leave their deployments running (24 vCPUs each): no family or regional limit in westus3, as in
// deploy.int.test.ts, so that the order of the tests (and of the files, on one emulator) holds none back.
beforeAll(async () => {
  await control("POST", "/quotas", { family: A100, limit: -1, current: 0, location: REGION });
  await control("POST", "/quotas", { regional: true, limit: -1, current: 0, location: REGION });
});

const uniq = (p: string) => `${p}-${randomUUID().slice(0, 6)}`;

async function setup() {
  const name = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace: name });
  await control("POST", "/workspaces", { name, location: REGION });
  const wsPath = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;
  await control("POST", "/jobs", { workspace: w.workspace, name: "ft-1" });
  await control("POST", "/jobs", { workspace: w.workspace, name: "ft-2" });
  type R = {
    type: string;
    name: string;
    tags: Record<string, string>;
    properties: { traffic?: Record<string, number>; provisioningState?: string };
  };
  const resources = (ep: string) =>
    control<R[]>("GET", `/resources?prefix=${encodeURIComponent(`${wsPath}/onlineEndpoints/${ep}`)}`);
  const endpoint = async (ep: string) => (await resources(ep)).find((r) => r.type.endsWith("/onlineEndpoints"));
  /** Deployments that exist and are not being deleted. */
  const deploymentsOf = async (ep: string) =>
    (await resources(ep))
      .filter((r) => r.type.endsWith("/deployments") && r.properties.provisioningState !== "Deleting")
      .map((r) => r.name)
      .sort();
  const deploy = (ep: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}, more = {}) =>
    runAction(ACTION, { env: { ...w.env, ...env }, inputs: { "job-name": "ft-1", endpoint: ep, ...inputs }, ...more });
  const post = (main: ActionRun, env: Record<string, string> = {}) =>
    runAction(ACTION, { env: { ...w.env, ...env }, post: { state: main.state }, timeoutMs: 120_000 });
  const writesSince = async (seq: number) =>
    (await control<Exchange[]>("GET", `/exchanges?service=arm&since=${seq}`)).filter(
      (x) => x.path.includes(`/workspaces/${w.workspace}/`) && ["PUT", "PATCH", "DELETE"].includes(x.method),
    );
  return { w, wsPath, endpoint, deploymentsOf, deploy, post, writesSince };
}

const lastSeq = async () =>
  Math.max(0, ...(await control<Exchange[]>("GET", "/exchanges?service=arm")).map((x) => x.seq));
const errorOf = (r: ActionRun) =>
  r.annotations
    .filter((a) => a.level === "error")
    .map((a) => a.message)
    .join("\n");
/** A repository checkout holding held-out conversations (eval.jsonl) for the evaluation gate. */
const repos: string[] = [];
afterAll(() => repos.forEach((r) => rmSync(r, { recursive: true, force: true })));
function repositoryWithEvalData(): string {
  const repo = mkdtempSync(join(tmpdir(), "safety-repo-"));
  repos.push(repo);
  const sample = readFileSync(join(REPO_ROOT, "data/ultrachat-sample.jsonl"), "utf8").trim().split("\n");
  writeFileSync(join(repo, "eval.jsonl"), sample.slice(200, 260).join("\n") + "\n");
  return repo;
}

const fault = (f: Record<string, unknown>) => control<{ id: number }>("POST", "/faults", { service: "arm", ...f });

describe("deploy: one ownership rule (issue 25, item 1)", () => {
  it("refuses, before any write, an endpoint another repository deployed to, naming the owner", async () => {
    const { endpoint, deploymentsOf, deploy, writesSince } = await setup();
    const ep = uniq("shared");
    const a = await deploy(ep, {}, { GITHUB_REPOSITORY: "octo-org/repo-a" });
    expect(a.code).toBe(0);
    const seq = await lastSeq();

    const b = await deploy(ep, { "job-name": "ft-2" }, { GITHUB_REPOSITORY: "octo-org/repo-b" });
    expect(b.code).toBe(1);
    expect(errorOf(b)).toContain(`Endpoint ${ep} belongs to repository octo-org/repo-a`);
    expect(await writesSince(seq)).toEqual([]);
    const e = await endpoint(ep);
    expect(e!.tags.repository).toBe("octo-org/repo-a");
    expect(e!.properties.traffic).toEqual({ v01: 100 });
    expect(await deploymentsOf(ep)).toEqual(["v01"]);
  });
});

describe("deploy: secrets redacted before any escaping (item 2)", () => {
  it("a smoke answer that echoes a key holding every Markdown-special character reaches no summary, log or output", async () => {
    const { w, deploy } = await setup();
    const ep = uniq("md-key");
    expect((await deploy(ep)).code).toBe(0);
    const [head, tail] = [randomBytes(9).toString("hex"), randomBytes(9).toString("hex")];
    const key = `${head}\\\`*_{}[]()#+-.!|<>~${tail}`;
    await control("PUT", "/endpoints/keys", { workspace: w.workspace, name: ep, primaryKey: key });
    await control("POST", "/scoring/rules", {
      workspace: w.workspace,
      endpoint: ep,
      answer: `Your header was Bearer ${key} (key ${key}).`,
    });

    const run = await deploy(ep, { "job-name": "ft-2", "smoke-prompt": "Echo my header." });
    expect(run.code).toBe(0);
    expect(run.summary).toContain("Your header was Bearer \\*\\*\\*");
    expect(leaks(run, [head, tail, key])).toEqual([]);
  });
});

describe("deploy: cancel (item 3), through the runner's protocol: SIGINT, SIGTERM 7.5 s later, then post", () => {
  it("during the model registration: nothing else is created", async () => {
    const { w, endpoint, deploy, post } = await setup();
    const ep = uniq("c-reg");
    await fault({ method: "PUT", path: `/workspaces/${w.workspace}/models/`, kind: "delay", delayMs: 3000 });
    const main = await deploy(ep, {}, {}, { cancelWhen: "Registering model" });
    expect(main.code).not.toBe(0);
    expect(main.stdout).toContain("nothing to remove");
    expect((await post(main)).code).toBe(0);
    expect(await endpoint(ep)).toBeUndefined();
  });

  it("during the endpoint's creation: the post step waits for it and removes it", async () => {
    const { endpoint, deploy, post } = await setup();
    const ep = uniq("c-ep");
    await fault({ method: "PUT", path: `/onlineEndpoints/${ep}$`, kind: "delay", delayMs: 3000 });
    const main = await deploy(ep, {}, {}, { cancelWhen: "Creating endpoint" });
    expect(main.code).not.toBe(0);
    expect(main.state["created-endpoint"]).toBe("true");
    const p = await post(main);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain(`Removing endpoint ${ep}`);
    expect(await endpoint(ep)).toBeUndefined();
  });

  it("during provisioning on a serving endpoint: the new deployment goes, the old one serves on", async () => {
    const { wsPath, endpoint, deploymentsOf, deploy, post } = await setup();
    const ep = uniq("c-prov");
    expect((await deploy(ep)).code).toBe(0);
    await control("PUT", "/endpoints/failure", {
      endpointId: `${wsPath}/onlineEndpoints/${ep}`,
      code: "",
      message: "",
      hang: true,
    });
    const main = await deploy(ep, { "job-name": "ft-2" }, {}, { cancelWhen: "deployment v02: " });
    expect(main.code).not.toBe(0);
    expect(main.stdout).toContain("SIGINT: the workflow run was cancelled");
    expect((await post(main)).code).toBe(0);
    expect(await deploymentsOf(ep)).toEqual(["v01"]);
    expect((await endpoint(ep))!.properties.traffic).toEqual({ v01: 100 });
  });

  it("during the smoke prompt of a first deploy: the endpoint this run created goes with its deployment", async () => {
    const { w, endpoint, deploy, post } = await setup();
    const ep = uniq("c-smoke");
    await control("POST", "/scoring/rules", { workspace: w.workspace, endpoint: ep, answer: "late", latencyMs: 8000 });
    const main = await deploy(ep, { "smoke-prompt": "Hi" }, {}, { cancelWhen: "Sending the smoke prompt" });
    expect(main.code).not.toBe(0);
    expect(main.stdout).toContain(`Removing endpoint ${ep}, which this run created and which serves no traffic`);
    expect((await post(main)).code).toBe(0);
    expect(await endpoint(ep)).toBeUndefined();
  });

  it("during the evaluation gate: its scoring stops, the candidate goes, the traffic stays", async () => {
    const { w, endpoint, deploymentsOf, deploy, post } = await setup();
    const ep = uniq("c-gate");
    expect((await deploy(ep)).code).toBe(0);
    // The first 50 answers come at once, every later one takes 20 s: the cancel finds the gate waiting.
    await control("POST", "/scoring/rules", { workspace: w.workspace, endpoint: ep, answer: "quick", count: 50 });
    await control("POST", "/scoring/rules", {
      workspace: w.workspace,
      endpoint: ep,
      answer: "late",
      latencyMs: 20_000,
    });
    const inputs = { "job-name": "ft-2", "eval-data": "eval.jsonl", "max-examples": "40" };
    const more = { cancelWhen: "Evaluation: 50 answers so far", cwd: repositoryWithEvalData() };
    const main = await deploy(ep, inputs, {}, more);
    expect(main.code).not.toBe(0);
    // The scoring was aborted: main itself stopped with the cancel (it would otherwise still be waiting for
    // answers when the handler's clean-up exits), judged nothing and wrote no gate output.
    expect(errorOf(main)).toContain("The workflow run was cancelled (SIGINT)");
    expect(main.stdout).not.toContain("time budget");
    expect(main.outputs["gate-result"]).toBeUndefined();
    expect(main.stdout).toContain("Removing deployment v02");
    expect(main.state["created-deployment"]).toBe("v02");
    expect((await post(main)).code).toBe(0);
    expect(await deploymentsOf(ep)).toEqual(["v01"]);
    expect((await endpoint(ep))!.properties.traffic).toEqual({ v01: 100 });
    // At most one request per deployment was in flight (max-concurrent-requests 1), or just being sent; none
    // started after the cancel.
    const scored = await control<Array<{ header?: string; status: number }>>("GET", `/scoring/requests?endpoint=${ep}`);
    expect(scored.filter((r) => r.status === 200)).toHaveLength(50);
    expect(scored.length).toBeLessThanOrEqual(52);
  });

  it("during the traffic PUT: what may be about to serve is never deleted; live users always have 100 %", async () => {
    const { endpoint, deploymentsOf, deploy, post } = await setup();
    const ep = uniq("c-traffic");
    expect((await deploy(ep)).code).toBe(0);
    await fault({ method: "PUT", path: `/onlineEndpoints/${ep}$`, kind: "delay", delayMs: 2000 });
    const main = await deploy(ep, { "job-name": "ft-2" }, {}, { cancelWhen: "Moving the traffic" });
    expect(main.code).not.toBe(0);
    const p = await post(main);
    expect(p.code).toBe(0);
    const traffic = (await endpoint(ep))!.properties.traffic!;
    expect(Object.values(traffic).reduce((a, b) => a + b, 0)).toBe(100);
    expect(await deploymentsOf(ep)).toEqual(["v01", "v02"]);
    // Either the PUT landed (v02 serves) or the post step says what is left and how to remove it.
    if (!traffic.v02) expect(p.stdout).toContain("az ml online-deployment delete --name v02");
  });
});

describe("deploy: after a failure, the rollback and the summary tell the truth (item 4)", () => {
  it("traffic PUT processed but its answer lost: the serving deployment is kept, and the summary says it serves", async () => {
    const { endpoint, deploymentsOf, deploy } = await setup();
    const ep = uniq("lost");
    expect((await deploy(ep)).code).toBe(0);
    const f = await fault({ method: "PUT", path: `/onlineEndpoints/${ep}$`, kind: "drop-after", count: 0 });
    const run = await deploy(ep, { "job-name": "ft-2" });
    await control("DELETE", `/faults/${f.id}`);

    expect(run.code).toBe(1);
    expect((await endpoint(ep))!.properties.traffic).toMatchObject({ v02: 100 });
    expect(await deploymentsOf(ep)).toContain("v02");
    expect(run.summary).not.toContain("left as it was");
    expect(run.summary).toContain("live traffic is now v02 100%");
    expect(JSON.parse(run.outputs.traffic!)).toMatchObject({ v02: 100 });
    expect(run.outputs.deployment).toBe("v02");
  });

  it("500 on deleting the previous deployment: the step fails, saying v02 serves and v01 is left, with the command", async () => {
    const { deploymentsOf, deploy } = await setup();
    const ep = uniq("del500");
    expect((await deploy(ep)).code).toBe(0);
    const f = await fault({
      method: "DELETE",
      path: `/onlineEndpoints/${ep}/deployments/v01$`,
      kind: "status",
      status: 500,
      count: 0,
    });
    const run = await deploy(ep, { "job-name": "ft-2" });
    await control("DELETE", `/faults/${f.id}`);

    expect(run.code).toBe(1);
    expect(await deploymentsOf(ep)).toEqual(["v01", "v02"]);
    expect(run.summary).toContain("live traffic is now v02 100%");
    expect(run.summary).toContain(`az ml online-deployment delete --name v01 --endpoint-name ${ep}`);
    expect(run.summary).toMatch(/\| v01 \| 100% \| 0% \| left behind/);
    expect(run.outputs.deployment).toBe("v02");
    expect(JSON.parse(run.outputs.traffic!)).toEqual({ v01: 0, v02: 100 });
    expect(JSON.parse(run.outputs["left-behind"]!)).toEqual([
      expect.objectContaining({ what: `deployment v01 of endpoint ${ep}` }),
    ]);
    // The cost table counts both deployments that run.
    expect(run.summary).toMatch(/### Estimated cost[\s\S]*v01[\s\S]*v02/);
  });

  it("provisioning failed and the clean-up DELETE answered 500: the failed deployment is said to be left, with its command", async () => {
    const { wsPath, deploymentsOf, deploy } = await setup();
    const ep = uniq("clean500");
    expect((await deploy(ep)).code).toBe(0);
    await control("PUT", "/endpoints/failure", {
      endpointId: `${wsPath}/onlineEndpoints/${ep}`,
      code: "ResourceNotReady",
      message: "User container has crashed or terminated",
    });
    const f = await fault({
      method: "DELETE",
      path: `/onlineEndpoints/${ep}/deployments/v02$`,
      kind: "status",
      status: 500,
      count: 0,
    });
    const run = await deploy(ep, { "job-name": "ft-2" });
    await control("DELETE", `/faults/${f.id}`);

    expect(run.code).toBe(1);
    expect(await deploymentsOf(ep)).toEqual(["v01", "v02"]);
    expect(errorOf(run)).toContain("Then cleaning up failed: Could not remove deployment v02");
    expect(run.summary).toContain("created by this run; left behind");
    expect(run.summary).toContain(`az ml online-deployment delete --name v02 --endpoint-name ${ep}`);
    expect(JSON.parse(run.outputs.traffic!)).toMatchObject({ v01: 100 });
    expect(JSON.parse(run.outputs.traffic!).v02 ?? 0).toBe(0);
    // Nothing was marked finished: the post step tries the removal again, and succeeds now.
    expect(run.state.finished).toBeUndefined();
  });
});

describe("deploy: knowable refusals before any write (item 5)", () => {
  it("an AMLToken endpoint with a smoke prompt is refused before the model is registered", async () => {
    const { w, deploy, writesSince } = await setup();
    const ep = uniq("amltoken");
    await control("POST", "/endpoints", {
      workspace: w.workspace,
      name: ep,
      location: REGION,
      authMode: "AMLToken",
      tags: { "managed-by": "phi3-aml-actions", repository: "octo-org/phi3-demo" },
    });
    const seq = await lastSeq();
    const run = await deploy(ep, { "smoke-prompt": "Hi" });
    expect(run.code).toBe(1);
    expect(errorOf(run)).toContain(`Endpoint ${ep} uses authMode AMLToken, not Key`);
    expect(await writesSince(seq)).toEqual([]);
  });
});
