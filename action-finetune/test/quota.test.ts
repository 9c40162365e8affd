import { checkQuota, familyKey, findVmSize, type UsageLike, type VmSizeLike } from "../src/quota.js";

/** As the emulator's vmSizes answer (emulator/src/arm/vm-sizes.ts). */
const SIZES: VmSizeLike[] = [
  { name: "Standard_NC24ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 24, gpus: 1 },
  { name: "Standard_NC48ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 48, gpus: 2 },
  { name: "Standard_NC6s_v3", family: "standardNCSv3Family", vCPUs: 6, gpus: 1 },
  { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4, gpus: 0 },
];

/** A family's subscription-level usage, as the emulator writes it. */
const family = (value: string, words: string, current: number, limit: number): UsageLike => ({
  id: `/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus2/usages/${value}`,
  type: "Microsoft.MachineLearningServices/vmFamily/usages",
  currentValue: current,
  limit,
  name: { value, localizedValue: `${words} Cluster Dedicated vCPUs` },
});

const where = { location: "eastus2", subscriptionId: "0000-sub" };

describe("quota for the cluster's VM family", () => {
  it("is enough when vCPUs × max-nodes fit what is free", () => {
    const r = checkQuota(
      [family("standardNCADSA100v4Family", "Standard NCADSA100v4 Family", 0, 24)],
      SIZES,
      "Standard_NC24ads_A100_v4",
      1,
      where,
    );
    expect(r).toMatchObject({
      ok: true,
      checked: true,
      family: "Standard NCADSA100v4 Family",
      vCPUs: 24,
      gpus: 1,
      needed: 24,
      limit: 24,
      current: 0,
      free: 24,
    });
    expect(r.message).toMatch(
      /needs 24 vCPUs \(1 node × 24 vCPUs of Standard_NC24ads_A100_v4\); limit 24, in use 0, 24 free\. Enough\./,
    );
  });

  it("names the family, what is free and how to ask for more when quota is short", () => {
    const r = checkQuota(
      [family("standardNCADSA100v4Family", "Standard NCADSA100v4 Family", 24, 48)],
      SIZES,
      "Standard_NC24ads_A100_v4",
      2,
      where,
    );
    expect(r).toMatchObject({ ok: false, checked: true, needed: 48, free: 24 });
    expect(r.message).toMatch(
      /^Not enough quota for Standard NCADSA100v4 Family in eastus2: the cluster needs 48 vCPUs \(2 nodes × 24 vCPUs of Standard_NC24ads_A100_v4\); the limit is 48, 24 are in use, 24 free\./,
    );
    expect(r.message).toMatch(/Request a limit of at least 72 vCPUs for Standard NCADSA100v4 Family/);
    expect(r.message).toContain("https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas");
    expect(r.message).toContain("how-to-manage-quotas");
    expect(r.message).toContain(
      "az quota create --resource-name standardNCADSA100v4Family --scope /subscriptions/0000-sub/providers/Microsoft.MachineLearningServices/locations/eastus2 --limit-object value=72",
    );
    expect(r.message).toMatch(/Or lower max-nodes, or choose a vm-size of a family with free quota\./);
  });

  it("says when a family has no quota at all (a new subscription's A100s)", () => {
    const r = checkQuota(
      [family("standardNCADSA100v4Family", "Standard NCADSA100v4 Family", 0, 0)],
      SIZES,
      "Standard_NC24ads_A100_v4",
      1,
      where,
    );
    expect(r).toMatchObject({ ok: false, needed: 24, limit: 0, free: 0 });
    expect(r.message).toMatch(/the limit is 0, 0 are in use, 0 free/);
  });

  it("counts the cores the existing cluster already holds as its own", () => {
    const usages = [family("standardNCADSA100v4Family", "Standard NCADSA100v4 Family", 24, 24)];
    expect(checkQuota(usages, SIZES, "Standard_NC24ads_A100_v4", 1, { ...where, heldNodes: 1 }).ok).toBe(true);
    expect(checkQuota(usages, SIZES, "Standard_NC24ads_A100_v4", 1, where).ok).toBe(false);
  });

  it("reads families named in words, as the usages API may name them, and ignores workspace, cluster and low-priority entries", () => {
    const words = (
      type: string,
      id: string,
      current: number,
      limit: number,
      value = "Standard NCSv3 Family Cluster Dedicated vCPUs",
    ): UsageLike => ({ id, type, currentValue: current, limit, name: { value, localizedValue: value } });
    const usages = [
      words(
        "Microsoft.MachineLearningServices/workspaces/usages",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/usages/x",
        0,
        100,
      ),
      words(
        "Microsoft.MachineLearningServices/vmFamily/usages",
        "/subscriptions/s/usages/Standard_NCSv3_Family_Cluster_LowPriority_vCPUs",
        0,
        -1,
        "Standard NCSv3 Family Cluster LowPriority vCPUs",
      ),
      words(
        "Microsoft.MachineLearningServices/vmFamily/usages",
        "/subscriptions/s/usages/Standard_NCSv3_Family_Cluster_Dedicated_vCPUs",
        6,
        12,
      ),
    ];
    const r = checkQuota(usages, SIZES, "Standard_NC6s_v3", 2, where);
    expect(r).toMatchObject({ ok: false, family: "Standard NCSv3 Family", limit: 12, current: 6, free: 6, needed: 12 });
    expect(familyKey("Standard NCSv3 Family Cluster Dedicated vCPUs")).toBe(familyKey("standardNCSv3Family"));
  });

  it("also checks the regional total of cluster dedicated vCPUs when Azure reports it", () => {
    const total: UsageLike = {
      id: "/subscriptions/s/usages",
      type: "Microsoft.MachineLearningServices/dedicatedCores/usages",
      currentValue: 90,
      limit: 100,
      name: {
        value: "Total Cluster Dedicated Regional vCPUs",
        localizedValue: "Total Cluster Dedicated Regional vCPUs",
      },
    };
    const r = checkQuota(
      [family("standardNCADSA100v4Family", "Standard NCADSA100v4 Family", 0, 48), total],
      SIZES,
      "Standard_NC24ads_A100_v4",
      1,
      where,
    );
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /Not enough regional quota in eastus2: Standard NCADSA100v4 Family has 48 vCPUs free, but the total .* is at 90 of 100 \(10 free\).*Total Cluster Dedicated Regional vCPUs limit of at least 114/,
    );
  });

  it("takes a negative limit as no limit", () => {
    expect(
      checkQuota(
        [family("standardNCSv3Family", "Standard NCSv3 Family", 50, -1)],
        SIZES,
        "Standard_NC6s_v3",
        10,
        where,
      ),
    ).toMatchObject({ ok: true, checked: true });
  });

  it("leaves the check to Azure when no usage of the family is reported", () => {
    const r = checkQuota([], SIZES, "Standard_NC24ads_A100_v4", 1, where);
    expect(r).toMatchObject({ ok: true, checked: false, needed: 24 });
    expect(r.message).toMatch(/Quota not checked: Azure reported no usage for standardNCADSA100v4Family in eastus2/);
  });

  it("refuses a VM size the region does not offer, listing the GPU sizes it does", () => {
    const r = checkQuota([], SIZES, "Standard_NC40ads_H100_v5", 1, where);
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      "The VM size Standard_NC40ads_H100_v5 is not offered for Azure ML compute in eastus2. GPU sizes offered there: Standard_NC24ads_A100_v4, Standard_NC48ads_A100_v4, Standard_NC6s_v3. Choose another vm-size, or a workspace in another region.",
    );
    expect(checkQuota([], undefined, "Standard_NC40ads_H100_v5", 1, where)).toMatchObject({ ok: true, checked: false });
  });

  it("finds a size whatever its case, with its GPUs for gpus-per-node", () => {
    expect(findVmSize(SIZES, "standard_nc48ads_a100_v4")).toMatchObject({ gpus: 2, vCPUs: 48 });
    expect(findVmSize(SIZES, "Standard_X")).toBeUndefined();
  });
});
