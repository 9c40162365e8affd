import { checkQuota, familyKey, freeVCpus, reservedInstances, type UsageLike } from "../src/azureml/quota.js";

const A100 = { name: "Standard_NC24ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 24 };
const T4 = { name: "Standard_NC4as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 4 };
const family = (name: string, limit: number, current: number): UsageLike => ({
  id: `/subscriptions/s/usages/${name.replace(/ /g, "_")}_Cluster_Dedicated_vCPUs`,
  type: "Microsoft.MachineLearningServices/vmFamily/usages",
  name: { value: `${name} Cluster Dedicated vCPUs`, localizedValue: `${name} Cluster Dedicated vCPUs` },
  limit,
  currentValue: current,
});
const regional = (limit: number, current: number): UsageLike => ({
  id: "/subscriptions/s/usages",
  type: "Microsoft.MachineLearningServices/dedicatedCores/usages",
  name: { value: "Total Cluster Dedicated Regional vCPUs", localizedValue: "Total Cluster Dedicated Regional vCPUs" },
  limit,
  currentValue: current,
});
const share = (name: string, current: number): UsageLike => ({
  ...family(name, 24, current),
  id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c/usages/x",
  type: "Microsoft.MachineLearningServices/workspaces/computes/usages",
});
const cluster = (usages: UsageLike[], o: { instances?: number; held?: number } = {}) =>
  checkQuota({
    kind: "cluster",
    label: "cluster gpu",
    size: A100,
    instances: o.instances ?? 1,
    held: o.held,
    usages,
    location: "swedencentral",
    subscriptionId: "0000-sub",
  });
const deployment = (usages: UsageLike[], size = A100, instances = 1) =>
  checkQuota({ kind: "deployment", label: "the new deployment blue", size, instances, usages, location: "eastus2" });

describe("one quota reading for both actions", () => {
  it("names families one way, whoever writes them", () => {
    expect(familyKey("standardNCADSA100v4Family")).toBe(
      familyKey("Standard NCADSA100v4 Family Cluster Dedicated vCPUs"),
    );
  });

  it("reads a negative limit as no limit, in the family and in the region, for clusters and deployments", () => {
    expect(
      cluster([family("Standard NCADSA100v4 Family", -1, 500), regional(-1, 900)], { instances: 4 }),
    ).toMatchObject({
      ok: true,
      checked: true,
      unlimited: true,
      free: undefined,
    });
    expect(deployment([family("Standard NCADSA100v4 Family", -1, 500), regional(-1, 900)])).toMatchObject({ ok: true });
    expect(freeVCpus([family("Standard NCADSA100v4 Family", -1, 5)], A100.family)).toBe(Infinity);
  });

  it("refuses on the regional total when the family has room, naming the region and subscription", () => {
    const q = cluster([regional(60, 50), family("Standard NCADSA100v4 Family", 24, 0)]);
    expect(q).toMatchObject({ ok: false, free: 24, regional: { limit: 60, current: 50, free: 10 } });
    expect(q.message).toContain("Total Cluster Dedicated Regional vCPUs limit of at least 74");
    expect(q.message).toContain("subscription 0000-sub in swedencentral");
    expect(deployment([regional(60, 50), family("Standard NCADSA100v4 Family", 24, 0)]).ok).toBe(false);
  });

  it("counts what the cluster holds now as its own: a re-run with its nodes up passes", () => {
    const usages = [family("Standard NCADSA100v4 Family", 24, 24), share("Standard NCADSA100v4 Family", 24)];
    expect(cluster(usages).ok).toBe(false);
    const q = cluster(usages, { held: 1 });
    expect(q).toMatchObject({ ok: true, needed: 24, newCores: 0 });
    expect(q.message).toContain("24 of them it holds already");
  });

  it("names the real region, subscription and required limit in a family refusal", () => {
    const q = cluster([family("Standard NCADSA100v4 Family", 24, 0)], { instances: 2 });
    expect(q.ok).toBe(false);
    expect(q.message).toContain(
      "Request a limit of at least 48 vCPUs for Standard NCADSA100v4 Family in subscription 0000-sub, region swedencentral",
    );
    expect(q.message).toContain(
      "--scope /subscriptions/0000-sub/providers/Microsoft.MachineLearningServices/locations/swedencentral",
    );
    expect(q.message).not.toMatch(/<region>|<subscription-id>/);
  });

  it("adds the 20 % upgrade reserve to deployments, except on the A100/H100 families", () => {
    expect(reservedInstances(T4.family, 1)).toBe(2);
    expect(reservedInstances(T4.family, 5)).toBe(6);
    expect(reservedInstances(A100.family, 5)).toBe(5);
    expect(reservedInstances("standardNCADSH100v5Family", 3)).toBe(3);
    const q = deployment([family("Standard NCASv3_T4 Family", 8, 0)], T4, 1);
    expect(q).toMatchObject({ ok: true, needed: 8 });
    expect(q.message).toContain("counted as 2 for the 20 %");
    expect(deployment([family("Standard NCASv3_T4 Family", 7, 0)], T4, 1).ok).toBe(false);
    // A cluster has no reserve.
    expect(
      checkQuota({
        kind: "cluster",
        label: "c",
        size: T4,
        instances: 1,
        usages: [family("Standard NCASv3_T4 Family", 4, 0)],
        location: "x",
      }).ok,
    ).toBe(true);
  });

  it("leaves the check to Azure when the family's usage is not reported", () => {
    expect(cluster([])).toMatchObject({ ok: true, checked: false });
  });
});
