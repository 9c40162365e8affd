import { control, type Exchange, world } from "../../test/harness/emulator.js";
import { leaks, runAction } from "../../test/harness/run-action.js";

const ACTION = "action-deploy";

async function setup() {
  const w = await world();
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
    const { w, job } = await setup();
    await job("ft-1");
    await control("POST", "/quotas", { family: "standardNCASv3_T4Family", limit: 4, current: 4 });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "job-name": "ft-1", endpoint: "phi3-q", "instance-type": "Standard_NC4as_T4_v3" },
    });
    await control("POST", "/quotas", { family: "standardNCASv3_T4Family", limit: 8, current: 0 });

    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toMatch(/Not enough quota.*NCASv3_T4.*free 0/s);
    expect(error).toContain("how-to-manage-quotas");
    expect((await w.armCalls()).filter((c) => c.method === "PUT")).toEqual([]);
  });
});
