import { randomUUID } from "node:crypto";
import { control, exchanges, type Exchange, world } from "../../test/harness/emulator.js";
import { leaks, runAction } from "../../test/harness/run-action.js";

const ACTION = "action-deploy";
const A100 = "standardNCADSA100v4Family";
const ND = "standardNDASv4_A100Family";

/**
 * This file's tests run in regions of their own, so that the quotas they set and the endpoint names they take
 * (unique per region, as in Azure) touch no other test file: `westus3` has room for a blue/green rollout on A100s.
 */
const REGION = "westus3";
beforeAll(async () => {
  // Deployments hold their cores while they run (the emulator counts them, as Azure does), and this file's
  // tests leave theirs running: no family or regional limit in westus3, so that no test holds another back.
  await control("POST", "/quotas", { family: A100, limit: -1, current: 0, location: REGION });
  await control("POST", "/quotas", { regional: true, limit: -1, current: 0, location: REGION });
  // Prices for the regions of this file: East US's from the emulator's cited snapshot (test data for these regions).
  for (const location of [REGION, "swedencentral", "northeurope"])
    await control("POST", "/prices", { location, from: "eastus" });
});

async function setup(region = REGION) {
  const name = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace: name });
  await control("POST", "/workspaces", { name, location: region });
  const wsPath = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;
  const job = (name: string, status?: string) => control("POST", "/jobs", { workspace: w.workspace, name, status });
  const endpoint = (name: string) =>
    control<Array<{ tags: Record<string, string>; properties: { traffic: Record<string, number> } }>>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`${wsPath}/onlineEndpoints/${name}`)}`,
    );
  const keysOf = async (name: string) =>
    (await control<{ keys: { primaryKey: string } }>("POST", "/endpoints/keys", { workspace: w.workspace, name })).keys;
  const deploymentsOf = async (name: string) =>
    (await endpoint(name))
      .filter((r) => (r as unknown as { type: string }).type.endsWith("/deployments"))
      .map((r) => (r as unknown as { name: string }).name)
      .sort();
  return { w, wsPath, job, endpoint, keysOf, deploymentsOf };
}

/** Every traffic the endpoint was PUT with: live users must never see 0 % in all. */
const trafficPuts = (calls: Exchange[], endpoint: string) =>
  calls
    .filter((c) => c.method === "PUT" && c.path.endsWith(`/onlineEndpoints/${endpoint}`))
    .map((c) => (c.requestBody as { properties: { traffic?: Record<string, number> } }).properties.traffic ?? {});

describe("action-deploy (bundled, as the runner runs it)", () => {
  it("first deploy: registers the job's model, creates the endpoint, deploys, smoke-tests, moves traffic, writes the Prompt flow connection", async () => {
    const { w, job, endpoint, deploymentsOf, keysOf } = await setup();
    await job("ft-1");
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "job-name": "ft-1",
        endpoint: "phi3-first",
        "smoke-prompt": "What is the capital of France?",
        "promptflow-connection": "phi3-conn",
        "ttl-hours": "24",
      },
    });

    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      "model-version": "1",
      endpoint: "phi3-first",
      deployment: "v01",
      "previous-deployment": "",
    });
    expect(run.outputs["model-id"]).toMatch(/\/models\/phi3-chat-ft\/versions\/1$/);
    expect(run.outputs["scoring-uri"]).toMatch(/\/phi3-first\/score$/);
    const [ep] = await endpoint("phi3-first");
    expect(ep!.properties.traffic).toEqual({ v01: 100 });
    expect(ep!.tags).toMatchObject({ "managed-by": "phi3-aml-actions", "expires-at": expect.any(String) });
    expect(await deploymentsOf("phi3-first")).toEqual(["v01"]);
    expect(run.summary).toContain("The capital of France is Paris.");

    const key = (await keysOf("phi3-first")).primaryKey;
    expect(run.stdout).toContain(`::add-mask::${key}`);
    expect(leaks(run, [key, w.requestToken])).toEqual([]);
    const conn = await control<Array<{ properties: Record<string, unknown> }>>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`${w.env.AZURE_SUBSCRIPTION_ID}`)}`,
    ).then(() => w.armCalls());
    const put = conn.find((c) => c.method === "PUT" && c.path.endsWith("/connections/phi3-conn"))!;
    expect(
      (
        put.requestBody as {
          properties: { authType: string; credentials: { keys: { key: string } }; metadata: { endpoint: string } };
        }
      ).properties,
    ).toMatchObject({
      authType: "CustomKeys",
      credentials: { keys: { key } },
      metadata: { endpoint: run.outputs["scoring-uri"] },
    });
  });

  it("second deploy replaces the first with no moment at 0 % for live users, then deletes it", async () => {
    const { w, job, endpoint, deploymentsOf } = await setup();
    await job("ft-1");
    await job("ft-2");
    expect((await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-1", endpoint: "phi3-bg" } })).code).toBe(0);
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "job-name": "ft-2", endpoint: "phi3-bg", "smoke-prompt": "Say hi." },
    });

    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ "model-version": "2", deployment: "v02", "previous-deployment": "v01" });
    expect((await endpoint("phi3-bg"))[0]!.properties.traffic).toEqual({ v02: 100 });
    expect(await deploymentsOf("phi3-bg")).toEqual(["v02"]);
    const puts = trafficPuts(await w.armCalls(), "phi3-bg");
    expect(puts.slice(1).every((t) => Object.values(t).reduce((a, b) => a + b, 0) === 100)).toBe(true);
    // The smoke prompt went to v2 alone, before traffic moved.
    const smoke = await control<Array<{ header?: string; prompt: string }>>(
      "GET",
      "/scoring/requests?endpoint=phi3-bg",
    );
    expect(smoke).toEqual([expect.objectContaining({ header: "v02", prompt: "Say hi." })]);
    // The same job output again is not registered twice.
    const again = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-2", endpoint: "phi3-bg" } });
    expect(again.outputs["model-version"]).toBe("2");
    expect(again.stdout).toContain("is registered already as phi3-chat-ft:2");
  });

  /** v01 serves 100 % on `name`; the next deployment there fails as `failure` says; then ft-2 is deployed. */
  async function replaceWithFailure(
    name: string,
    failure: Record<string, unknown>,
    inputs: Record<string, string> = {},
  ) {
    const { w, wsPath, job, endpoint, deploymentsOf } = await setup();
    await job("ft-1");
    await job("ft-2");
    expect((await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-1", endpoint: name } })).code).toBe(0);
    await control("PUT", "/endpoints/failure", {
      endpointId: `${wsPath}/onlineEndpoints/${name}`,
      code: "",
      message: "",
      ...failure,
    });
    const run = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-2", endpoint: name, ...inputs } });
    expect(run.code).toBe(1);
    // Traffic never moved, and the failed deployment is gone.
    expect((await endpoint(name))[0]!.properties.traffic).toEqual({ v01: 100 });
    expect(await deploymentsOf(name)).toEqual(["v01"]);
    return run;
  }

  it("a failing new deployment leaves the old one serving 100 %, is removed, and its container log is printed", async () => {
    const run = await replaceWithFailure("phi3-fail", {
      code: "ResourceNotReady",
      message: "User container has crashed or terminated",
      logs: "Loading model...\nCUDA error: out of memory\n",
    });
    expect(run.annotations.find((a) => a.level === "error")!.message).toContain("Deployment v02 did not provision");
    expect(run.stdout).toContain("CUDA error: out of memory");
  });

  it("gives up on a deployment stuck in provisioning after provisioning-timeout, leaving the old one serving", async () => {
    const run = await replaceWithFailure(
      "phi3-stuck",
      { hang: true, logs: "Downloading model weights...\n" },
      { "provisioning-timeout": "3s" },
    );
    expect(run.annotations.find((a) => a.level === "error")!.message).toContain(
      "did not provision within provisioning-timeout (3s)",
    );
    expect(run.stdout).toContain("Downloading model weights...");
  });

  it("uses an endpoint we do not manage without re-tagging it or deleting its deployments", async () => {
    const { w, job, endpoint, deploymentsOf } = await setup();
    await control("POST", "/endpoints", {
      workspace: w.workspace,
      name: "their-ep",
      location: REGION,
      tags: { team: "search" },
      deployments: [{ name: "prod", traffic: 100 }],
    });
    await job("ft-1");
    const run = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-1", endpoint: "their-ep" } });

    expect(run.code).toBe(0);
    const [ep] = await endpoint("their-ep");
    expect(ep!.tags).toEqual({ team: "search" });
    expect(ep!.properties.traffic).toEqual({ prod: 0, v01: 100 });
    expect(await deploymentsOf("their-ep")).toEqual(["prod", "v01"]);
  });

  it("stops before creating anything: a job not Completed, a missing model, bad names and numbers", async () => {
    const { w, job } = await setup();
    await job("ft-running", "Running");
    const notDone = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-running", endpoint: "phi3-x" } });
    expect(notDone.code).toBe(1);
    expect(notDone.annotations.find((a) => a.level === "error")!.message).toContain("is Running, not Completed");
    const missing = await runAction(ACTION, { env: w.env, inputs: { model: "nope:3", endpoint: "phi3-x" } });
    expect(missing.annotations.find((a) => a.level === "error")!.message).toContain("no registered model nope:3");
    const bad = await runAction(ACTION, {
      env: w.env,
      inputs: { "job-name": "ft-running", endpoint: "9bad_name", "instance-count": "0", traffic: "150" },
    });
    expect(
      bad.annotations
        .filter((a) => a.title?.startsWith("Input "))
        .map((a) => a.title)
        .sort(),
    ).toEqual(["Input endpoint", "Input instance-count", "Input traffic"]);
    expect((await w.armCalls()).filter((c) => c.method !== "GET" && c.method !== "POST")).toEqual([]);

    await control("POST", "/jobs", {
      workspace: w.workspace,
      name: "ft-no-model",
      outputs: { logs: { jobOutputType: "uri_folder" } },
    });
    const noModel = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-no-model", endpoint: "phi3-x" } });
    expect(noModel.annotations.find((a) => a.level === "error")!.message).toContain(
      "has no trained_model output (outputs: logs)",
    );
  });

  it("stops before creating anything when the VM family has no quota, naming the family, the need and how to ask for more", async () => {
    const { w, job } = await setup("northeurope");
    await job("ft-1");
    await control("POST", "/quotas", { family: A100, limit: 24, current: 24, location: "northeurope" });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "job-name": "ft-1", endpoint: "phi3-q", "instance-type": "Standard_NC24ads_A100_v4" },
    });

    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toMatch(/Not enough quota for Standard NCADSA100v4 Family in northeurope.*24 in use, 0 free/s);
    expect(error).toContain("how-to-manage-quotas");
    expect((await w.armCalls()).filter((c) => c.method === "PUT")).toEqual([]);
  });
  /** The body of every PUT of a deployment this run sent. */
  const deploymentPuts = (calls: Exchange[]) =>
    calls
      .filter((c) => c.method === "PUT" && /\/deployments\/[^/]+$/.test(c.path))
      .map((c) => c.requestBody as { properties: Record<string, unknown> });
  const writes = (calls: Exchange[]) =>
    calls.filter((c) => !["GET", "POST"].includes(c.method) || /listKeys/.test(c.path));

  it("instance-type auto: the cheapest size the base model allows, with quota; both probes at Microsoft's LLM values", async () => {
    const { w, job } = await setup();
    await job("ft-1");
    const run = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-1", endpoint: "phi3-auto" } });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("instance-type auto: Standard_NC24ads_A100_v4 ($3.67/h for 1)");
    expect(run.summary).toContain("the cheapest size in westus3 that serves Phi-3-mini-4k-instruct");
    const [body] = deploymentPuts(await w.armCalls());
    const llm = {
      initialDelay: "PT8M20S",
      period: "PT1M40S",
      timeout: "PT2S",
      failureThreshold: 30,
      successThreshold: 1,
    };
    expect(body!.properties).toMatchObject({
      instanceType: "Standard_NC24ads_A100_v4",
      livenessProbe: llm,
      readinessProbe: llm,
    });
  });

  it("instance-type auto moves to the next allowed size when the cheapest has no quota; probes as given", async () => {
    const region = "swedencentral";
    await control("POST", "/quotas", { family: A100, limit: 0, current: 0, location: region });
    await control("POST", "/quotas", { family: ND, limit: 96, current: 0, location: region });
    const { w, job } = await setup(region);
    await job("ft-1");
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "job-name": "ft-1",
        endpoint: "phi3-next",
        "startup-delay-seconds": "15m",
        "readiness-probe": '{"period-seconds": 30, "success-threshold": 2}',
      },
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /instance-type auto: Standard_ND96asr_v4 .*cheaper but skipped: Standard_NC24ads_A100_v4 \(no quota/,
    );
    const [body] = deploymentPuts(await w.armCalls());
    expect(body!.properties).toMatchObject({
      instanceType: "Standard_ND96asr_v4",
      livenessProbe: { initialDelay: "PT15M", period: "PT1M40S", failureThreshold: 30 },
      readinessProbe: { initialDelay: "PT15M", period: "PT30S", successThreshold: 2 },
    });
  });

  it("runs the endpoint as a user-assigned identity, and writes the connection, shared, into another workspace", async () => {
    const { w, wsPath, job, endpoint } = await setup();
    const hub = `hub-${randomUUID().slice(0, 8)}`;
    await control("POST", "/workspaces", { name: hub, location: REGION });
    await job("ft-1");
    const uai = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/phi3-deployer`;
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "job-name": "ft-1",
        endpoint: "phi3-uai",
        identity: uai,
        "promptflow-connection": "phi3-conn",
        "promptflow-workspace": `${w.env.AZUREML_RESOURCE_GROUP}/${hub}`,
      },
    });

    expect(run.code).toBe(0);
    const [ep] = (await endpoint("phi3-uai")) as unknown as Array<{ identity: Record<string, unknown> }>;
    expect(ep!.identity).toMatchObject({ type: "UserAssigned", userAssignedIdentities: { [uai]: expect.any(Object) } });
    const hubPath = wsPath.replace(/[^/]+$/, hub);
    const conns = await control<Array<{ id: string; properties: Record<string, unknown> }>>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`${hubPath}/connections/`)}`,
    );
    expect(conns.map((c) => c.properties)).toEqual([
      expect.objectContaining({ category: "CustomKeys", isSharedToAll: true, target: run.outputs["scoring-uri"] }),
    ]);
    const own = await control<unknown[]>("GET", `/resources?prefix=${encodeURIComponent(`${wsPath}/connections/`)}`);
    expect(own).toEqual([]);
    expect(run.stdout).toContain(`Prompt flow connection phi3-conn in workspace ${hub}`);
  });

  it("refuses each bad input before any write, naming it", async () => {
    const { w, wsPath, job } = await setup();
    await job("ft-1");
    const uai =
      "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x";
    const cases: Array<[Record<string, string>, string]> = [
      [{ "instance-type": "Standard_NC6s_v3" }, "which Azure retired on 2025-09-30"],
      [{ "instance-type": "Standard_Imaginary_v9" }, "is not offered in westus3"],
      [{ "instance-type": "Standard_NC4as_T4_v3" }, "not on the model's inference_compute_allow_list"],
      [{ "liveness-probe": "{period-seconds: 5" }, "is not valid JSON"],
      [
        { "readiness-probe": '{"failure-threshold": 0}' },
        "failure-threshold 0; expected a whole number from 1 to 1000",
      ],
      [{ identity: uai }, "is not an identity"],
      [
        { "promptflow-connection": "c", "promptflow-workspace": "no-such-hub" },
        'no workspace, hub or project "no-such-hub"',
      ],
    ];
    const before = Math.max(0, ...(await exchanges({ service: "arm" })).map((x) => x.seq));
    for (const [inputs, message] of cases) {
      const run = await runAction(ACTION, {
        env: w.env,
        inputs: { "job-name": "ft-1", endpoint: "phi3-bad", ...inputs },
      });
      expect(run.code).toBe(1);
      const error = run.annotations
        .filter((a) => a.level === "error")
        .map((a) => `${a.title ?? ""} ${a.message}`)
        .join("\n");
      expect(error).toContain(message);
      if (inputs["instance-type"]) expect(error).toContain("Standard_NC24ads_A100_v4 ($3.67/h)");
    }
    const after = await control<Exchange[]>("GET", `/exchanges?service=arm&since=${before}`);
    // Anything in the resource group outside a workspace, in this test's workspace, or in the hub its bad input
    // names; not the other suites' workspaces, which they write to meanwhile.
    const rgPath = wsPath.split("/providers/")[0]!;
    const workspaceOf = (x: Exchange) => /\/workspaces\/([^/?]+)/i.exec(x.path)?.[1];
    const ours = (x: Exchange) => [undefined, w.workspace, "no-such-hub"].includes(workspaceOf(x));
    expect(writes(after.filter((x) => x.path.includes(`${rgPath}/`) && ours(x)))).toEqual([]);
  });

  it("a first deploy that fails removes the endpoint it created; the registered model stays for the next try", async () => {
    const { w, wsPath, job, endpoint } = await setup();
    await job("ft-1");
    await control("PUT", "/endpoints/failure", {
      endpointId: `${wsPath}/onlineEndpoints/phi3-once`,
      code: "ResourceNotReady",
      message: "User container has crashed or terminated",
      logs: "CUDA error: out of memory\n",
    });
    const run = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-1", endpoint: "phi3-once" } });

    expect(run.code).toBe(1);
    expect(await endpoint("phi3-once")).toEqual([]);
    expect(run.stdout).toContain("Removing endpoint phi3-once, which this run created");
    expect(run.summary).toContain("created by this run, removed again");
    const models = await control<unknown[]>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`${wsPath}/models/phi3-chat-ft/versions/1`)}`,
    );
    expect(models).toHaveLength(1);
  });
});
