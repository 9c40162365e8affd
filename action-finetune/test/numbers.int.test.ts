import { randomUUID } from "node:crypto";
import { control, exchanges, runFixture, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";

// Issue 21: the fine-tune's quota as Azure counts it, and the smaller wrong answers of item 6. Each test has a
// region of its own, so that the limits it sets touch no other test.
const ACTION = "action-finetune";
const A100 = "standardNCADSA100v4Family";
const DATA = {
  "train-data": "azureml://datastores/workspaceblobstore/paths/chat/train.jsonl",
  "validation-data": "azureml://datastores/workspaceblobstore/paths/chat/validation.jsonl",
};

async function setup(location: string) {
  const name = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace: name });
  await control("POST", "/workspaces", { name, location });
  return w;
}
const writes = async (w: { workspace: string }) =>
  (await exchanges({ service: "arm", path: `/workspaces/${w.workspace}/` }))
    .filter((c) => ["PUT", "PATCH", "DELETE"].includes(c.method))
    .map((c) => `${c.method} ${c.path.split("?")[0]}`);
const errorOf = (run: { annotations: Array<{ level: string; message: string }> }) =>
  run.annotations.find((a) => a.level === "error")?.message ?? "";
const putCluster = (w: { env: Record<string, string> }, env: Record<string, string>) =>
  runFixture<{ status: number; state: string }>("action-finetune/test/fixtures/put-cluster.ts", { ...w.env, ...env });

describe("action-finetune decides from Azure's own numbers (issue 21)", () => {
  it("passes a re-run while the cluster's nodes are still up: they are its own, not someone else's", async () => {
    const location = "uaenorth";
    await control("POST", "/quotas", { family: A100, limit: 24, current: 0, location });
    const w = await setup(location);
    const inputs = { ...DATA, compute: "held", "min-nodes": "1", wait: "false" };
    const first = await runAction(ACTION, { env: w.env, inputs, timeoutMs: 120_000 });
    expect(first.code).toBe(0);
    // The cluster keeps its one node (min-nodes 1): the family is full, 24 of 24, all of it the cluster's.
    const second = await runAction(ACTION, { env: w.env, inputs, timeoutMs: 120_000 });
    expect(errorOf(second)).toBe("");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /cluster held needs 24 vCPUs .*24 of them it holds already.*limit 24, 24 in use, 0 free/,
    );

    // Another cluster of the same family would need new cores: refused, naming the real region and subscription.
    const other = await runAction(ACTION, { env: w.env, inputs: { ...DATA, compute: "other" } });
    expect(other.code).toBe(1);
    expect(errorOf(other)).toContain(`in subscription ${w.env.AZURE_SUBSCRIPTION_ID}, region ${location}`);
    expect(errorOf(other)).not.toMatch(/<region>|<subscription-id>/);
  });

  it("counts quota on the existing cluster's own max nodes, not the input's", async () => {
    const location = "qatarcentral";
    await control("POST", "/quotas", { family: A100, limit: 24, current: 0, location });
    const w = await setup(location);
    expect(
      await putCluster(w, { CLUSTER_NAME: "wide", CLUSTER_LOCATION: location, CLUSTER_MAX_NODES: "4" }),
    ).toMatchObject({ status: 201 });
    const run = await runAction(ACTION, { env: w.env, inputs: { ...DATA, compute: "wide", "max-nodes": "1" } });
    expect(run.code).toBe(1);
    expect(errorOf(run)).toMatch(/cluster wide needs 96 vCPUs at once \(4 nodes × 24 vCPUs/);
  });

  it("reads a limit of -1 as no limit, in the family and in the region", async () => {
    const location = "norwayeast";
    await control("POST", "/quotas", { family: A100, limit: -1, current: 500, location });
    await control("POST", "/quotas", { regional: true, limit: -1, current: 900, location });
    const w = await setup(location);
    const run = await runAction(ACTION, { env: w.env, inputs: { ...DATA, wait: "false" }, timeoutMs: 120_000 });
    expect(errorOf(run)).toBe("");
    expect(run.code).toBe(0);
  });

  it("waits for a cluster another run is still creating, then uses it", async () => {
    const location = "polandcentral";
    const w = await setup(location);
    expect(await putCluster(w, { CLUSTER_NAME: "busy", CLUSTER_LOCATION: location })).toMatchObject({
      status: 201,
      state: "Creating",
    });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { ...DATA, compute: "busy", wait: "false" },
      timeoutMs: 120_000,
    });
    expect(errorOf(run)).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cluster busy: Creating → Succeeded/);
    // The one PUT of the cluster is the other run's: this one created nothing, it waited and used it.
    expect((await writes(w)).filter((x) => x.includes("/computes/"))).toHaveLength(1);
  });

  it("refuses an existing cluster that runs as another identity, naming both and the ways forward", async () => {
    const location = "italynorth";
    const w = await setup(location);
    const sub = w.env.AZURE_SUBSCRIPTION_ID;
    const mine = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ft-id`;
    const theirs = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/other`;
    await putCluster(w, { CLUSTER_NAME: "shared", CLUSTER_LOCATION: location, CLUSTER_IDENTITY: theirs });
    const run = await runAction(ACTION, { env: w.env, inputs: { ...DATA, compute: "shared", identity: mine } });
    expect(run.code).toBe(1);
    expect(errorOf(run)).toContain(
      `compute: The cluster shared exists and runs as the user-assigned identity ${theirs}, not as ${mine} (identity)`,
    );
    expect(errorOf(run)).toContain("leave identity empty to use the cluster as it is");
    expect((await writes(w)).filter((x) => !x.includes("/computes/shared"))).toEqual([]);
  });

  it("refuses a model-asset of another workspace, as it refuses another workspace's data", async () => {
    const w = await setup("spaincentral");
    const other = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/elsewhere/models/phi3-chat-ft/versions/1`;
    const run = await runAction(ACTION, { env: w.env, inputs: { ...DATA, "model-asset": other } });
    expect(run.code).toBe(1);
    expect(errorOf(run)).toContain(`model-asset: ${other} is a model of workspace`);
    expect(errorOf(run)).toContain("not of");
    expect(await writes(w)).toEqual([]);
  });
});
