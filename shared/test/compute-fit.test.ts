import { parseMinSpec } from "../src/azureml/catalog.js";
import { freeVCpus } from "../src/azureml/quota.js";
import {
  checkComputeFit,
  fittingSizes,
  minSpecShortfalls,
  retiredFamilyOf,
  type VmSizeSpec,
} from "../src/azureml/compute-fit.js";

const sizes: VmSizeSpec[] = [
  {
    name: "Standard_NC24ads_A100_v4",
    family: "standardNCADSA100v4Family",
    vCPUs: 24,
    gpus: 1,
    memoryGB: 220,
    maxResourceVolumeMB: 65536,
  },
  {
    name: "Standard_NC48ads_A100_v4",
    family: "standardNCADSA100v4Family",
    vCPUs: 48,
    gpus: 2,
    memoryGB: 440,
    maxResourceVolumeMB: 131072,
  },
  {
    name: "Standard_NC40ads_H100_v5",
    family: "standardNCadsH100v5Family",
    vCPUs: 40,
    gpus: 1,
    memoryGB: 320,
    maxResourceVolumeMB: 131072,
  },
  {
    name: "Standard_NC16as_T4_v3",
    family: "standardNCASv3_T4Family",
    vCPUs: 16,
    gpus: 1,
    memoryGB: 110,
    maxResourceVolumeMB: 360448,
  },
  {
    name: "Standard_DS3_v2",
    family: "standardDSv2Family",
    vCPUs: 4,
    gpus: 0,
    memoryGB: 14,
    maxResourceVolumeMB: 28672,
  },
];
const usages = [
  {
    type: "Microsoft.MachineLearningServices/vmFamily/usages",
    name: { value: "standardNCADSA100v4Family" },
    limit: 24,
    currentValue: 0,
  },
  {
    type: "Microsoft.MachineLearningServices/vmFamily/usages",
    name: { value: "standardNCadsH100v5Family" },
    limit: 0,
    currentValue: 0,
  },
];
const spec = parseMinSpec("24|1|220|64")!;
const now = new Date("2026-12-06T00:00:00Z");
const base = {
  input: "vm-size",
  purpose: "fine-tuning" as const,
  model: "Phi-4 version 8",
  sizes,
  usages,
  instances: 1,
  now,
};

describe("retired VM families", () => {
  it("knows NCv3 and NDv2 with their date and source", () => {
    const f = retiredFamilyOf("STANDARD_NC24S_V3", now);
    expect(f?.retiredOn).toBe("2025-09-30");
    expect(f?.source).toMatch(/learn\.microsoft\.com/);
    expect(retiredFamilyOf("Standard_ND40rs_v2", now)?.family).toMatch(/NDv2/);
    expect(retiredFamilyOf("Standard_NC24s_v3", new Date("2025-01-01"))).toBeUndefined();
    expect(retiredFamilyOf("Standard_NC24ads_A100_v4", now)).toBeUndefined();
  });
});

describe("minimum spec", () => {
  it("lists every shortfall", () => {
    expect(minSpecShortfalls(sizes[3]!, spec)).toEqual(["16 vCPUs, needs 24", "110 GB memory, needs 220"]);
    expect(minSpecShortfalls(sizes[0]!, spec)).toEqual([]);
    expect(minSpecShortfalls(sizes[4]!, spec)).toContain("0 GPUs, needs 1");
  });
});

describe("quota of a family", () => {
  it("gives free vCPUs, Infinity for no limit, undefined when unknown", () => {
    expect(freeVCpus(usages, "standardNCADSA100v4Family")).toBe(24);
    expect(freeVCpus([{ name: { value: "x" }, limit: -1, currentValue: 3 }], "x")).toBe(Infinity);
    expect(freeVCpus(usages, "standardNCASv3_T4Family")).toBeUndefined();
  });
});

describe("compute fit", () => {
  it("accepts an allowed size", () => {
    const f = checkComputeFit({ ...base, vmSize: "standard_nc24ads_a100_v4", allowList: ["Standard_NC24ads_A100_v4"] });
    expect(f).toMatchObject({ ok: true, problems: [] });
    expect(f.size?.gpus).toBe(1);
  });
  it("refuses a size outside the allow-list, naming allowed sizes with quota", () => {
    const f = checkComputeFit({
      ...base,
      vmSize: "Standard_NC16as_T4_v3",
      allowList: ["Standard_NC24ads_A100_v4", "Standard_NC40ads_H100_v5", "Standard_ND96asr_v4"],
    });
    expect(f.ok).toBe(false);
    expect(f.problems[0]).toMatch(
      /^vm-size: Standard_NC16as_T4_v3 is not on Phi-4 version 8's fine-tuning compute allow-list/,
    );
    expect(f.problems[0]).toMatch(/Sizes that fit and have quota: Standard_NC24ads_A100_v4\.$/);
    expect(f.candidates.map((c) => c.name)).toEqual(["Standard_NC24ads_A100_v4", "Standard_NC40ads_H100_v5"]);
  });
  it("checks the minimum spec when there is no allow-list", () => {
    const f = checkComputeFit({ ...base, vmSize: "Standard_NC16as_T4_v3", minSpec: spec });
    expect(f.problems[0]).toMatch(
      /below Phi-4 version 8's minimum spec for fine-tuning \(24 vCPUs, 1 GPU, 220 GB memory, 64 GB disk\): it has 16 vCPUs, needs 24; 110 GB memory, needs 220/,
    );
    expect(checkComputeFit({ ...base, vmSize: "Standard_NC40ads_H100_v5", minSpec: spec }).ok).toBe(true);
  });
  it("refuses a retired size even when the model allows it", () => {
    const f = checkComputeFit({ ...base, vmSize: "Standard_NC24s_v3", allowList: ["Standard_NC24s_v3"] });
    expect(f.problems[0]).toMatch(/NCv3 \(V100\) family, which Azure retired on 2025-09-30/);
  });
  it("refuses a size the region does not offer", () => {
    const f = checkComputeFit({ ...base, vmSize: "Standard_ND96isr_H100_v5", location: "eastus" });
    expect(f.problems[0]).toMatch(/not offered for Azure ML compute in eastus/);
  });
  it("suggests GPU sizes meeting the min spec, those with quota first", () => {
    const c = fittingSizes({ minSpec: spec, sizes, usages, instances: 1 });
    expect(c.map((x) => [x.name, x.hasQuota])).toEqual([
      ["Standard_NC24ads_A100_v4", true],
      ["Standard_NC40ads_H100_v5", false],
      ["Standard_NC48ads_A100_v4", false],
    ]);
  });
});
