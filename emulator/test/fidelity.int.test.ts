import { randomUUID } from "node:crypto";
import { control, emulatorEnv, emulatorHttps, exchanges, runFixture, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";
import { loadContract } from "../src/contract/openapi.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const tour = (env: Record<string, string>, mode: string, extra: Record<string, string> = {}) =>
  runFixture<Record<string, Any>>("emulator/test/fixtures/fidelity-tour.ts", { ...env, FIDELITY_MODE: mode, ...extra });

describe("the emulator answers what Azure's own clients ask (issue 14)", () => {
  it("accepts the api-versions real clients send, and lists computes, jobs, workspaces, quotas, child runs, subscriptions and tenants", async () => {
    const w = await world();
    const parent = `ft-${randomUUID().slice(0, 8)}`;
    await control("POST", "/jobs", { workspace: w.workspace, name: parent });
    // In a region no other test uses, so that the lowered regional total holds nobody else back.
    await control("POST", "/quotas", { regional: true, limit: 60, current: 50, location: "brazilsouth" });
    const r = await tour(w.env, "tour", { PARENT_JOB: parent, USAGE_LOCATION: "brazilsouth" });

    for (const v of ["2022-05-01", "2022-10-01", "2022-10-01-preview", "2023-04-01", "2024-04-01", "2025-12-01"])
      expect([v, r.versions[v].status]).toEqual([v, 200]);
    expect(r.versions["2019-01-01"]).toMatchObject({
      status: 400,
      body: { error: { code: "NoRegisteredProviderFound" } },
    });

    expect(r.computes).toMatchObject({ status: 200, body: { value: [] } });
    expect(r.jobs.body.value.map((j: Any) => j.name)).toEqual([parent]);
    expect(r.byGroup.body.value.map((x: Any) => x.name)).toContain(w.workspace);
    expect(r.bySubscription.body.value.map((x: Any) => x.name)).toContain(w.workspace);
    expect(r.quotas.status).toBe(200);
    expect(r.quotas.body.value.find((q: Any) => q.id.includes(`/workspaces/${w.workspace}/quotas/`))).toMatchObject({
      type: "Microsoft.MachineLearningServices/workspaces/quotas",
      unit: "Count",
    });
    expect(r.children).toMatchObject({
      status: 200,
      body: { value: [{ runId: `${parent}_finetune`, parentRunId: parent, status: "Completed" }] },
    });
    // Other suites running meanwhile add subscriptions of their own (the pacing test's): ours is among them.
    expect(r.subscriptions.body.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subscriptionId: w.env.AZURE_SUBSCRIPTION_ID,
          tenantId: w.env.AZURE_TENANT_ID,
          state: "Enabled",
        }),
      ]),
    );
    expect(r.tenants.body.value).toEqual([expect.objectContaining({ tenantId: w.env.AZURE_TENANT_ID })]);

    // Usages in Azure's strings: the regional total, then per family (Usage/list.json of the 2025-12-01 spec).
    const usages = r.usages.body.value as Any[];
    expect(usages[0]).toMatchObject({
      type: "Microsoft.MachineLearningServices/dedicatedCores/usages",
      name: { value: "Total Cluster Dedicated Regional vCPUs" },
      limit: 60,
      currentValue: 50,
    });
    expect(usages).toContainEqual(
      expect.objectContaining({
        id: `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/usages/Standard_NCADSA100v4_Family_Cluster_Dedicated_vCPUs`,
        type: "Microsoft.MachineLearningServices/vmFamily/usages",
        name: {
          value: "Standard NCADSA100v4 Family Cluster Dedicated vCPUs",
          localizedValue: "Standard NCADSA100v4 Family Cluster Dedicated vCPUs",
        },
      }),
    );
  });

  it("gives usages and VM sizes in Azure's shapes and strings, on which both actions refuse the same case", async () => {
    // A region and workspace of their own. The family has its 96 free, the region only 10 of its 60.
    const location = "brazilsouth";
    const workspace = `ws-${randomUUID().slice(0, 8)}`;
    await control("POST", "/quotas", { family: "standardNCADSA100v4Family", limit: 96, current: 0, location });
    await control("POST", "/quotas", { regional: true, limit: 60, current: 50, location });
    const w = await world({ workspace });
    await control("POST", "/workspaces", { name: workspace, location });
    await control("POST", "/jobs", { workspace, name: "ft-1" });
    const r = await tour(w.env, "tour", { PARENT_JOB: "none", USAGE_LOCATION: location });

    // The answers validate against the vendored 2025-12-01 spec (Usages_List, VirtualMachineSizes_List).
    const contract = loadContract();
    const loc = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/providers/Microsoft.MachineLearningServices/locations`;
    expect(contract.checkResponse("GET", `${loc}/${location}/usages`, 200, r.usages.body).errors).toEqual([]);
    expect(contract.checkResponse("GET", `${loc}/eastus2/vmSizes`, 200, r.vmSizes.body).errors).toEqual([]);

    // Azure's strings, as examples/Usage/list.json of the 2025-12-01 spec writes them (azure-rest-api-specs
    // commit 258ccd219d6a19bba087329f93245245faa06d76): the regional total is a dedicatedCores usage of the
    // subscription; a family's row is a vmFamily usage whose id ends in its name with underscores.
    const usages = r.usages.body.value as Any[];
    expect(usages).toContainEqual({
      id: `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/usages`,
      amlWorkspaceLocation: location,
      type: "Microsoft.MachineLearningServices/dedicatedCores/usages",
      unit: "Count",
      currentValue: 50,
      limit: 60,
      name: {
        value: "Total Cluster Dedicated Regional vCPUs",
        localizedValue: "Total Cluster Dedicated Regional vCPUs",
      },
    });
    expect(usages).toContainEqual(
      expect.objectContaining({
        id: `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/usages/Standard_NCADSA100v4_Family_Cluster_Dedicated_vCPUs`,
        type: "Microsoft.MachineLearningServices/vmFamily/usages",
        currentValue: 0,
        limit: 96,
      }),
    );
    // The size as Microsoft Learn's NC A100 v4 page gives it
    // (learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/nca100v4-series): 24 vCPUs, 1 GPU, 220 GiB.
    const size = (r.vmSizes.body.value as Any[]).find((s) => s.name === "Standard_NC24ads_A100_v4");
    expect(size).toMatchObject({ family: "standardNCADSA100v4Family", vCPUs: 24, gpus: 1, memoryGB: 220 });

    // One node of 24 vCPUs on top of the region's 50 in use needs a regional limit of 74: the bundled actions,
    // run as a workflow runs them, both refuse it before creating anything.
    const finetune = await runAction("action-finetune", {
      env: w.env,
      inputs: {
        "train-data": "azureml://datastores/workspaceblobstore/paths/chat/train.jsonl",
        "validation-data": "azureml://datastores/workspaceblobstore/paths/chat/validation.jsonl",
        compute: "quota-tour",
        "vm-size": "Standard_NC24ads_A100_v4",
      },
    });
    const deploy = await runAction("action-deploy", {
      env: w.env,
      inputs: {
        "job-name": "ft-1",
        endpoint: `ep-${randomUUID().slice(0, 6)}`,
        "instance-type": "Standard_NC24ads_A100_v4",
      },
    });
    for (const run of [finetune, deploy]) {
      expect(run.code).toBe(1);
      const error = run.annotations.find((a) => a.level === "error")?.message ?? "";
      expect(error).toContain("Total Cluster Dedicated Regional vCPUs limit of at least 74");
      expect(error).toContain(location);
    }
    const writes = (await exchanges({ service: "arm", path: `/workspaces/${workspace}/` })).filter((c) =>
      ["PUT", "PATCH", "DELETE"].includes(c.method),
    );
    expect(writes).toEqual([]);
  });

  it("returns flavors on a workspace model version registered without them ({}: unknown), as azure-ai-ml expects", async () => {
    const w = await world();
    const r = await tour(w.env, "model", { MODEL: `m-${randomUUID().slice(0, 8)}` });
    expect(r.created.status).toBe(201);
    expect(r.read).toMatchObject({ status: 200, body: { properties: { modelType: "mlflow_model", flavors: {} } } });
  });

  it("keeps a model version's datasets under 2026-07-01, whose spec added them, and hides them from 2025-12-01", async () => {
    const w = await world();
    const r = await tour(w.env, "model", { MODEL: `m-${randomUUID().slice(0, 8)}` });
    const ws = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;
    const datasets = [{ name: "train", id: `${ws}/data/train/versions/1` }];
    expect(r.created2026).toMatchObject({ status: 201, body: { properties: { datasets } } });
    expect(r.read2026).toMatchObject({ status: 200, body: { properties: { datasets, flavors: {} } } });
    // A 2025-12-01 client reads the same version without them (its ModelVersion has additionalProperties: false).
    expect(r.read2025.status).toBe(200);
    expect(r.read2025.body.properties).not.toHaveProperty("datasets");
    const listed = (list: Any, version: string) => list.body.value.find((v: Any) => v.name === version).properties;
    expect(listed(r.list2025, "2")).not.toHaveProperty("datasets");
    expect(listed(r.list2026, "2")).toMatchObject({ datasets });
    expect(listed(r.list2026, "1")).not.toHaveProperty("datasets");
    expect(r.wrongDatasets).toMatchObject({
      status: 400,
      body: { error: { code: "UserError", target: "properties.datasets" } },
    });
  });

  it("answers a DELETE and its polls with a Retry-After within the spec's 10–600 s", async () => {
    const w = await world();
    // A subscription of its own, on the emulator's default pacing (the harness shortens the tests' subscription).
    const subscriptionId = randomUUID();
    await control("POST", "/subscriptions", { subscriptionId });
    await control("POST", "/workspaces", { name: w.workspace, subscriptionId });
    const name = `ep-${randomUUID().slice(0, 8)}`;
    await control("POST", "/endpoints", { workspace: w.workspace, name, subscriptionId });
    const r = await tour({ ...w.env, AZURE_SUBSCRIPTION_ID: subscriptionId }, "lro", { ENDPOINT: name });
    expect(r.deleted.status).toBe(202);
    expect(r.deleted.headers.location).toContain("/mfeOperationResults/");
    const retryAfters = [r.deleted, ...r.polls.filter((p: Any) => p.status === 202)].map((a: Any) =>
      Number(a.headers["retry-after"]),
    );
    expect(retryAfters.length).toBeGreaterThan(1);
    for (const s of retryAfters) expect(s >= 10 && s <= 600).toBe(true);
    expect(r.polls.at(-1).status).toBe(200);
  });

  it("on demand, refuses a token as expired, and processes a request then drops its answer", async () => {
    const w = await world();
    await control("POST", "/faults", {
      service: "arm",
      kind: "expired-token",
      method: "GET",
      path: `/workspaces/${w.workspace}$`,
    });
    await control("POST", "/faults", {
      service: "arm",
      kind: "drop-after",
      method: "PUT",
      path: `/workspaces/${w.workspace}/computes/`,
    });
    const r = await tour(w.env, "faults");
    expect(r.expired).toMatchObject({ status: 401, body: { error: { code: "ExpiredAuthenticationToken" } } });
    expect(r.expired.headers["www-authenticate"]).toContain("invalid_token");
    // The PUT never got an answer, yet the cluster exists: processed, then dropped.
    expect(typeof r.put).toBe("string");
    expect(r.after).toMatchObject({ status: 200, body: { name: "dropped-after" } });
  });

  it("mints a token on the control API (for az rest and SDK scripts), and refuses it once expired", async () => {
    const env = emulatorEnv();
    const ws = `${env.AZURE_RESOURCE_MANAGER_ENDPOINT}/subscriptions/${env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${env.AZUREML_WORKSPACE}?api-version=2022-10-01`;
    const bearer = async (body: Record<string, unknown>) =>
      `Bearer ${(await control<{ access_token: string }>("POST", "/entra/token", body)).access_token}`;
    expect(await emulatorHttps(ws, { authorization: await bearer({}) })).toMatchObject({ status: 200 });
    expect(await emulatorHttps(ws, { authorization: await bearer({ lifetimeSeconds: -60 }) })).toMatchObject({
      status: 401,
      body: { error: { code: "ExpiredAuthenticationToken" } },
    });
  });

  it("refuses a token from another tenant than the subscription's", async () => {
    const w = await world();
    const otherTenant = randomUUID();
    const clientId = randomUUID();
    const job = { repository: "octo-org/phi3-demo", environment: "azureml" };
    await control("POST", "/entra/apps", {
      clientId,
      tenantId: otherTenant,
      subject: `repo:${job.repository}:environment:${job.environment}`,
    });
    const r = await tour({ ...w.env, AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: otherTenant }, "token");
    expect(r.workspace).toMatchObject({ status: 401, body: { error: { code: "InvalidAuthenticationTokenTenant" } } });
    expect(r.workspace.body.error.message).toContain(`https://sts.windows.net/${w.env.AZURE_TENANT_ID}/`);
  });

  it("storage refuses a forged, a wrong-audience and an expired token, and accepts Entra's", async () => {
    const w = await world({ accessTokenLifetimeSeconds: 2 });
    const r = await tour(w.env, "storage", { WAIT_FOR_EXPIRY: "3000" });
    expect(r.good.status).toBe(200);
    expect(r.forged).toMatchObject({ status: 401, body: expect.stringContaining("Signature validation failed") });
    expect(r.wrongAudience).toMatchObject({ status: 401, body: expect.stringContaining("Audience validation failed") });
    expect(r.expired).toMatchObject({ status: 401, body: expect.stringContaining("The token is expired") });
  });
});
