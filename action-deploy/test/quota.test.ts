import {
  checkQuota,
  coresFor,
  familyKey,
  findVmSize,
  KNOWN_VM_SIZES,
  reservedInstances,
  type UsageLike,
} from "../src/quota.js";
import { HOURLY_USD } from "../../shared/src/azureml/prices.js";

const usage = (
  family: string,
  currentValue: number,
  limit: number,
  localized = "Standard NCSv3 Family Cluster Dedicated vCPUs",
): UsageLike => ({
  name: { value: family, localizedValue: localized },
  currentValue,
  limit,
  unit: "Count",
});
const v07 = { name: "v07", instanceType: "Standard_NC6s_v3", instanceCount: 1 };
const v06 = { name: "v06", instanceType: "Standard_NC6s_v3", instanceCount: 1 };

describe("quota", () => {
  it("reserves 20 % extra instances for upgrades, except on the exempt A100/H100 families", () => {
    expect(reservedInstances("standardNCSv3Family", 1)).toBe(2);
    expect(reservedInstances("standardNCSv3Family", 10)).toBe(12);
    expect(reservedInstances("Standard NCASv3_T4 Family", 5)).toBe(6);
    expect(reservedInstances("standardNCADSA100v4Family", 3)).toBe(3);
    expect(coresFor(findVmSize("standard_nc6s_v3")!, 1)).toBe(12);
    expect(coresFor(findVmSize("Standard_NC24ads_A100_v4")!, 1)).toBe(24);
    expect(familyKey("Standard NCASv3_T4 Family")).toBe(familyKey("standardNCASv3_T4Family"));
  });

  it("knows the family and vCPUs of every instance type it prices", () => {
    for (const t of Object.keys(HOURLY_USD)) expect(findVmSize(t)).toBeDefined();
    expect(KNOWN_VM_SIZES.every((s) => s.vCPUs > 0)).toBe(true);
    // The region's own list wins over the built-in one.
    expect(findVmSize("Standard_NC6s_v3", [{ name: "Standard_NC6s_v3", family: "otherFamily", vCPUs: 8 }])).toEqual({
      name: "Standard_NC6s_v3",
      family: "otherFamily",
      vCPUs: 8,
    });
  });

  it("passes a first deployment that fits", () => {
    const q = checkQuota({ adding: v07, running: [], usages: [usage("standardNCSv3Family", 0, 12)] });
    expect(q).toMatchObject({ ok: true, checked: true, needed: 12, free: 12 });
  });

  it("counts the cores of both deployments during a blue/green rollout", () => {
    // The usage already holds v06's 12 cores; v07 needs 12 more while v06 still serves.
    const q = checkQuota({
      adding: v07,
      running: [v06],
      usages: [usage("standardNCSv3Family", 12, 12)],
      location: "eastus",
    });
    expect(q.ok).toBe(false);
    expect(q).toMatchObject({ addingCores: 12, runningCores: 12, needed: 24, free: 0, limit: 12, requiredLimit: 24 });
    expect(q.message).toMatch(/Standard NCSv3 Family in eastus: the rollout needs 24 vCPUs at once/);
    expect(q.message).toMatch(/12 for v06, which keeps running during the rollout/);
    expect(q.message).toMatch(/free 0/);
    expect(q.message).toMatch(/Request a limit of at least 24 vCPUs for Standard NCSv3 Family in eastus/);
    expect(q.message).toMatch(/Usage \+ quotas → Request quota \(https:\/\/learn\.microsoft\.com\//);
    // With room for both, the same rollout passes.
    expect(checkQuota({ adding: v07, running: [v06], usages: [usage("standardNCSv3Family", 12, 24)] }).ok).toBe(true);
  });

  it("counts running deployments itself when the usage does not include them", () => {
    const q = checkQuota({
      adding: v07,
      running: [v06],
      usages: [usage("standardNCSv3Family", 0, 12)],
      usageCountsRunning: false,
    });
    expect(q).toMatchObject({ ok: false, needed: 24, free: 12, requiredLimit: 24 });
  });

  it("counts only the deployments in the same family", () => {
    const t4 = { name: "t4", instanceType: "Standard_NC4as_T4_v3", instanceCount: 1 };
    const q = checkQuota({ adding: v07, running: [t4], usages: [usage("standardNCSv3Family", 0, 12)] });
    expect(q).toMatchObject({ ok: true, runningCores: 0, needed: 12 });
  });

  it("names the family, what is needed and what is free when a new deployment alone does not fit", () => {
    const q = checkQuota({
      adding: { ...v07, instanceCount: 2 },
      running: [],
      usages: [usage("standardNCSv3Family", 6, 12)],
    });
    expect(q.ok).toBe(false);
    expect(q.message).toMatch(/^Not enough quota\. Standard NCSv3 Family: the rollout needs 18 vCPUs/);
    expect(q.message).toMatch(/counted as 3 instances for the 20 % Azure reserves/);
    expect(q.message).toMatch(/limit 12, in use 6, free 6/);
  });

  it("needs nothing new when the deployment is reused, and says so when it cannot check", () => {
    expect(checkQuota({ running: [v06], usages: [] })).toMatchObject({ ok: true, checked: false, needed: 0 });
    expect(
      checkQuota({ adding: { ...v07, instanceType: "Standard_Imaginary_v9" }, running: [], usages: [] }),
    ).toMatchObject({ ok: true, checked: false });
    const q = checkQuota({ adding: v07, running: [], usages: [usage("standardESv3Family", 0, 100)] });
    expect(q).toMatchObject({ ok: true, checked: false });
    expect(q.message).toMatch(/no usage for standardNCSv3Family/);
  });
});
