import { randomUUID } from "node:crypto";
import { control, exchanges, type Exchange, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";

// Issue 21: deploy decides from Azure's own numbers. Each test has a region of its own, so that the limits and
// prices it sets touch no other test.
const ACTION = "action-deploy";
const A100 = "standardNCADSA100v4Family";
const ND = "standardNDASv4_A100Family";
const T4 = "standardNCASv3_T4Family";

async function setup(location: string, job: Record<string, unknown> = {}) {
  const name = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace: name });
  await control("POST", "/workspaces", { name, location });
  await control("POST", "/jobs", { workspace: name, name: "ft-1", ...job });
  return w;
}

/** Every write the emulator saw for a workspace: PUT, PATCH, DELETE, and POSTs other than reads. */
const writes = (calls: Exchange[]) =>
  calls.filter(
    (c) => ["PUT", "PATCH", "DELETE"].includes(c.method) || (c.method === "POST" && !/list|token/i.test(c.path)),
  );
const deployedOn = async (w: { workspace: string }) => {
  const calls = await exchanges({ service: "arm", path: `/workspaces/${w.workspace}/` });
  const put = calls.find((c) => c.method === "PUT" && /\/deployments\/[^/]+$/.test(c.path));
  return (put?.requestBody as { properties?: { instanceType?: string } } | undefined)?.properties?.instanceType;
};
const deploy = (w: { env: Record<string, string> }, inputs: Record<string, string> = {}) =>
  runAction(ACTION, {
    env: w.env,
    inputs: { "job-name": "ft-1", endpoint: `ep-${randomUUID().slice(0, 6)}`, ...inputs },
  });

describe("action-deploy decides from Azure's own numbers (issue 21)", () => {
  it("refuses in preflight, with zero writes, when the regional total is short though the family has room", async () => {
    const location = "japaneast";
    await control("POST", "/quotas", { family: A100, limit: 96, current: 0, location });
    await control("POST", "/quotas", { regional: true, limit: 30, current: 20, location });
    const w = await setup(location);
    const run = await deploy(w, { "instance-type": "Standard_NC24ads_A100_v4" });

    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain("Not enough regional quota in japaneast");
    expect(error).toContain("Total Cluster Dedicated Regional vCPUs limit of at least 44");
    expect(error).toContain(`subscription ${w.env.AZURE_SUBSCRIPTION_ID}`);
    expect(writes(await exchanges({ service: "arm", path: `/workspaces/${w.workspace}/` }))).toEqual([]);
  });

  it("reads a limit of -1 as no limit, in the family and in the region", async () => {
    const location = "koreacentral";
    await control("POST", "/quotas", { family: A100, limit: -1, current: 500, location });
    await control("POST", "/quotas", { regional: true, limit: -1, current: 900, location });
    const w = await setup(location);
    const run = await deploy(w, { "instance-type": "Standard_NC24ads_A100_v4" });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Quota for Standard NCADSA100v4 Family in koreacentral: .*no limit \(500 in use\); region: no limit/,
    );
  });

  it("auto picks by the region's own price, and picks differently where the prices differ", async () => {
    // eastus: the emulator's cited snapshot (NC24ads A100 $3.673 < ND96asr $27.197).
    await control("POST", "/quotas", { family: A100, limit: 96, current: 0, location: "eastus" });
    await control("POST", "/quotas", { family: ND, limit: 96, current: 0, location: "eastus" });
    const east = await setup("eastus");
    const a = await deploy(east);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("instance-type auto: Standard_NC24ads_A100_v4 ($3.67/h for 1)");
    expect(a.stdout).toContain("Prices: Azure ML's VM sizes API for the region (estimatedVMPrices");
    expect(await deployedOn(east)).toBe("Standard_NC24ads_A100_v4");

    // A region whose (test) prices make the ND size the cheaper one.
    const location = "australiaeast";
    await control("POST", "/prices", {
      location,
      prices: { Standard_NC24ads_A100_v4: 4.2, Standard_NC48ads_A100_v4: 8.4, Standard_ND96asr_v4: 2.5 },
    });
    await control("POST", "/quotas", { family: A100, limit: 96, current: 0, location });
    await control("POST", "/quotas", { family: ND, limit: 96, current: 0, location });
    const aus = await setup(location);
    const b = await deploy(aus);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain("instance-type auto: Standard_ND96asr_v4 ($2.50/h for 1)");
    expect(b.stdout).toMatch(/no price there for .*Standard_NC96ads_A100_v4/);
    expect(await deployedOn(aus)).toBe("Standard_ND96asr_v4");
  });

  it("sizes a Hugging Face fine-tune against its own model, and records its base model as lineage tags", async () => {
    const location = "centralindia";
    await control("POST", "/prices", { location, from: "eastus" });
    await control("POST", "/quotas", { family: A100, limit: 96, current: 0, location });
    await control("POST", "/quotas", { family: T4, limit: 32, current: 0, location });
    // A 7B model the catalog does not have: sized against the minimum its parameter count gives. The Hub's
    // model API says 7,615,616,512 (safetensors total): 16 GB of fp16 weights, 32 GB memory and disk, one GPU.
    // The 4-core T4 (28 GB) is below that, though a "7B" name alone would have taken it; Phi-3's allow-list
    // would have refused every T4.
    const w = await setup(location, { huggingfaceId: "Qwen/Qwen2.5-7B-Instruct" });
    const run = await deploy(w);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Sizing for the base model Qwen/Qwen2.5-7B-Instruct: no catalog entry; the Hugging Face Hub gives 7,615,616,512 parameters (safetensors BF16), so a minimum of 4|1|32|32",
    );
    expect(run.stdout).toContain("instance-type auto: Standard_NC16as_T4_v3 ($1.20/h for 1)");
    expect(await deployedOn(w)).toBe("Standard_NC16as_T4_v3");
    // The Hub was read before the first write.
    const hub = await exchanges({ service: "hub", path: "/api/models/Qwen/Qwen2.5-7B-Instruct/" });
    expect(hub.map((c) => [c.method, c.path, c.status])).toEqual([
      ["GET", "/api/models/Qwen/Qwen2.5-7B-Instruct/revision/HEAD", 200],
    ]);
    const firstWrite = writes(await exchanges({ service: "arm", path: `/workspaces/${w.workspace}/` }))[0]!;
    expect(hub[0]!.seq).toBeLessThan(firstWrite.seq);
    const calls = await exchanges({ service: "arm", path: `/workspaces/${w.workspace}/models/` });
    const registered = calls.find((c) => c.method === "PUT")!.requestBody as {
      properties: { tags: Record<string, string> };
    };
    expect(registered.properties.tags).toMatchObject({
      "base-model": "Qwen/Qwen2.5-7B-Instruct",
      "base-model-source": "huggingface",
    });
    expect(registered.properties.tags["hp.huggingface_id"]).toBeUndefined();

    // A model the Hub does not describe: its size from its name ("7B"), which the 4-core T4 meets.
    const named = await setup(location, { huggingfaceId: "contoso/house-chat-7B" });
    const n = await deploy(named);
    expect(n.code).toBe(0);
    expect(n.stdout).toContain(
      "Sizing for the base model contoso/house-chat-7B: no catalog entry, the Hub gives no size; its name gives 7 billion parameters, so a minimum of 4|1|28|28",
    );
    expect(n.stdout).toContain("instance-type auto: Standard_NC4as_T4_v3 ($0.526/h for 1)");

    // Its Hugging Face id names a catalog model: sized against that entry (Phi-3's allow-list: no T4).
    const phi = await setup(location, { huggingfaceId: "microsoft/Phi-3-mini-4k-instruct" });
    const p = await deploy(phi);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain("its catalog entry Phi-3-mini-4k-instruct version 15 (registry azureml)");
    expect(p.stdout).toContain("instance-type auto: Standard_NC24ads_A100_v4");

    // A registry model bound to mlflow_model_path: its base model is that registry entry.
    const phi4 = await setup(location, { mlflowModel: "azureml://registries/azureml/models/Phi-4/versions/8" });
    const q = await deploy(phi4);
    expect(q.stdout).toContain("its catalog entry Phi-4 version 8 (registry azureml)");
  });

  it("refuses auto, asking for instance-type, when the model is neither in the catalog nor of a known size", async () => {
    const location = "centralindia";
    const w = await setup(location, { huggingfaceId: "contoso/house-chat" });
    const run = await deploy(w);
    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain(
      "instance-type auto: the base model contoso/house-chat has no catalog entry and its size is not known",
    );
    expect(error).toContain("(the Hub gives no size, and its name gives no parameter count)");
    expect(error).toContain("Give instance-type");
    expect(writes(await exchanges({ service: "arm", path: `/workspaces/${w.workspace}/` }))).toEqual([]);
  });
});
