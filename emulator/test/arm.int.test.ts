import { randomUUID } from "node:crypto";
import { control, emulatorEnv, emulatorHttps, runFixture, world } from "../../test/harness/emulator.js";

const tour = (env: Record<string, string>) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  runFixture<Record<string, any>>("emulator/test/fixtures/arm-tour.ts", env);

describe("the emulator's Azure ML management API, through the real SDK", () => {
  it("serves the workspace's default datastore, VM usages and sizes, and a 404 in Azure's shape", async () => {
    // A region of its own: the usage counts every cluster and deployment of the subscription there, and the
    // other suites' run in the default region at the same time.
    const location = "switzerlandnorth";
    const workspace = `ws-${randomUUID().slice(0, 8)}`;
    const w = await world({ workspace });
    await control("POST", "/workspaces", { name: workspace, location });
    await control("POST", "/quotas", { family: "standardNCADSA100v4Family", limit: 48, current: 24, location });
    const r = await tour(w.env);

    expect(r.defaults).toEqual(["workspaceblobstore"]);
    expect(r.store).toMatchObject({
      datastoreType: "AzureBlob",
      isDefault: true,
      accountName: "devstoreaccount1",
      protocol: "https",
    });
    // The default datastore points at Azurite, where the workspace's files go.
    expect(`https://${r.store.endpoint}/${r.store.accountName}`).toBe(emulatorEnv().AZURITE_BLOB_URL);
    expect(r.a100).toMatchObject({ limit: 48, currentValue: 24, unit: "Count" });
    expect(r.nc24).toMatchObject({ family: "standardNCADSA100v4Family", vCPUs: 24, gpus: 1 });
    expect(r.missing).toBe("404 ResourceNotFound");
  });

  it("refuses a request without a token, and one with a token Entra did not sign", async () => {
    const env = emulatorEnv();
    const ws = `${env.AZURE_RESOURCE_MANAGER_ENDPOINT}/subscriptions/${env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${env.AZUREML_WORKSPACE}?api-version=2025-12-01`;
    const anonymous = await emulatorHttps(ws);
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: "AuthenticationFailed" } } });
    const forged = await emulatorHttps(ws, {
      authorization: "Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.",
    });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: "InvalidAuthenticationToken" } } });
  });
});
