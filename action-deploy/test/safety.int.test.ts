/**
 * Issue 25, reproduced against the bundles and fixed: ownership, secrets before escaping, cancel, and refusals
 * that come before any write. The truth after a failure is in safety-rollback.int.test.ts.
 */
import { control } from "../../test/harness/emulator.js";
import { leaks, markdownKey } from "../../test/harness/run-action.js";
import {
  errorOf,
  fault,
  lastSeq,
  openRegion,
  REGION,
  removeRepositories,
  repositoryWithEvalData,
  setup,
  uniq,
} from "./safety-world.js";

beforeAll(openRegion);
afterAll(removeRepositories);

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
    const { head, tail, key } = markdownKey();
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
