import { randomUUID } from "node:crypto";
import { control, runFixture, world } from "../../test/harness/emulator.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const A100 = "standardNCADSA100v4Family";

describe("the emulator enforces quota as Azure does, from what runs (issue 21)", () => {
  it("refuses a deployment create or scale, a cluster resize and a job's scale-up beyond the limit, with Azure's codes", async () => {
    // A region of its own: the limits set here hold nobody else back.
    const location = "southafricanorth";
    const w = await world();
    await control("POST", "/workspaces", { name: w.workspace, location });
    await control("POST", "/quotas", { family: A100, limit: 48, current: 0, location });
    await control("POST", "/quotas", { family: "standardNCASv3_T4Family", limit: 7, current: 0, location });
    const endpoint = `ep-${randomUUID().slice(0, 8)}`;
    await control("POST", "/endpoints", { workspace: w.workspace, name: endpoint, location });
    const r = await runFixture<Record<string, Any>>("emulator/test/fixtures/quota-tour.ts", {
      ...w.env,
      QUOTA_LOCATION: location,
      QUOTA_ENDPOINT: endpoint,
    });

    expect(r.first.status).toBe(201);
    // Usage is what runs: the deployment's one instance × 24 vCPUs.
    expect(r.afterFirst).toBe(24);
    // Scaling blue to 3 replaces its 24 with 72: over 48.
    expect(r.scaleOver).toMatchObject({
      status: 400,
      body: {
        error: {
          code: "OutOfQuota",
          message:
            "Not enough cluster CPU quota. The amount of additional CPU quota requested is 72, and you are currently using 0. Your amount of maximum quota is 48. Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota",
        },
      },
    });
    expect(r.secondOver.body.error).toMatchObject({ code: "OutOfQuota" });
    expect(r.secondOver.body.error.message).toContain("requested is 48, and you are currently using 24");
    expect(r.clusterOver).toMatchObject({ status: 400, body: { error: { code: "ClusterMinNodesExceedCoreQuota" } } });
    expect(r.clusterOver.body.error.message).toBe(
      "The specified subscription has a Standard NCADSA100v4 family vCPU quota of 48 and cannot accomodate for at least 2 requested managed compute nodes which maps to 48 vCPUs.",
    );
    expect(r.clusterFits.status).toBe(201);
    expect(r.afterCluster).toBe(48);
    // A job on a cluster that cannot scale up fails with the cluster's quota error.
    expect(r.otherCluster.status).toBe(201);
    expect(r.job.status).toBe(201);
    expect(r.jobLater.body.properties.status).toBe("Failed");
    // Azure's 20 % upgrade reserve: one T4 instance (4 vCPUs) needs room for 2.
    expect(r.t4.body.error).toMatchObject({ code: "OutOfQuota" });
    expect(r.t4.body.error.message).toContain(
      "requested is 8, and you are currently using 0. Your amount of maximum quota is 7",
    );
    expect(r.deleted.status).toBeLessThan(300);
  });
});
