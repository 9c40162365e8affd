import type { CatalogModel } from "@phi3-aml/shared/azureml/catalog";
import { priceBook } from "@phi3-aml/shared/azureml/prices";
import { chooseSize, type Region, type SizeRequest } from "../src/instance-type.js";
import { inferenceFit, parseBaseModel } from "../src/sizing.js";

const size = (name: string, family: string, vCPUs: number, gpus: number, memoryGB: number) => ({
  name,
  family,
  vCPUs,
  gpus,
  memoryGB,
  maxResourceVolumeMB: 1_000_000,
});
const A100 = "standardNCADSA100v4Family";
const ND = "standardNDASv4_A100Family";
const T4 = "standardNCASv3_T4Family";
const SIZES = [
  size("Standard_NC24ads_A100_v4", A100, 24, 1, 220),
  size("Standard_NC48ads_A100_v4", A100, 48, 2, 440),
  size("Standard_ND96asr_v4", ND, 96, 8, 900),
  size("Standard_NC4as_T4_v3", T4, 4, 1, 28),
  size("Standard_F4s_v2", "standardFSv2Family", 4, 0, 8),
];
const usage = (family: string, limit: number, current = 0) => ({
  name: { value: family, localizedValue: family },
  limit,
  currentValue: current,
});
/** East US Linux pay-as-you-go prices, as the VM sizes API would give them (estimatedVMPrices). */
const EASTUS: Record<string, number> = {
  Standard_NC24ads_A100_v4: 3.673,
  Standard_NC48ads_A100_v4: 7.346,
  Standard_ND96asr_v4: 27.197,
  Standard_NC4as_T4_v3: 0.526,
  Standard_F4s_v2: 0.169,
};
const priced = (prices: Record<string, number>) =>
  SIZES.map((s) => ({
    name: s.name,
    estimatedVMPrices:
      s.name in prices
        ? {
            billingCurrency: "USD",
            unitOfMeasure: "OneHour",
            values: [
              { retailPrice: prices[s.name]! * 1.7, osType: "Windows", vmTier: "Standard" },
              { retailPrice: prices[s.name]! / 5, osType: "Linux", vmTier: "LowPriority" },
              { retailPrice: prices[s.name]!, osType: "Linux", vmTier: "Standard" },
            ],
          }
        : undefined,
  }));
const region = (quota: Record<string, number>, prices = EASTUS): Region => ({
  location: "eastus",
  sizes: SIZES,
  usages: Object.entries(quota).map(([f, l]) => usage(f, l)),
  prices: priceBook("eastus", priced(prices)),
});
const PHI3: CatalogModel = {
  name: "Phi-3-mini-4k-instruct",
  version: "15",
  archived: true,
  finetuningTasks: [],
  defaults: {},
  inferenceAllowList: [
    "Standard_NC6s_v3",
    "Standard_NC24ads_A100_v4",
    "Standard_NC48ads_A100_v4",
    "Standard_ND96asr_v4",
  ],
  inferenceMinSpec: { vCPUs: 6, gpus: 1, memoryGB: 112, diskGB: 64, text: "6|1|112|64" },
  finetune: {},
  inference: {},
  unreadable: [],
};
const request = (o: Partial<SizeRequest> = {}): SizeRequest => ({
  asked: "auto",
  instanceCount: 1,
  region: region({ [A100]: 48, [ND]: 96, [T4]: 8, standardFSv2Family: 100 }),
  fit: inferenceFit(PHI3),
  model: "Phi-3-mini-4k-instruct (version 15)",
  running: [],
  ...o,
});

describe("instance-type auto", () => {
  it("picks the cheapest allowed size with quota, and says why", () => {
    const c = chooseSize(request());
    expect(c.size).toBe("Standard_NC24ads_A100_v4");
    expect(c.why).toContain("the cheapest size in eastus that serves Phi-3-mini-4k-instruct");
    expect(c.why).toContain("$3.67/h");
    expect(c.problem).toBeUndefined();
  });

  it("moves to the next when the cheapest has no quota, and names what it skipped", () => {
    const c = chooseSize(request({ region: region({ [A100]: 0, [ND]: 96 }) }));
    expect(c.size).toBe("Standard_ND96asr_v4");
    expect(c.why).toMatch(/cheaper but skipped: Standard_NC24ads_A100_v4 \(no quota/);
  });

  it("counts what keeps running during the rollout as Azure does: already in the family's usage", () => {
    const running = [{ name: "v01", instanceType: "Standard_NC24ads_A100_v4", instanceCount: 1 }];
    const r = { ...region({}), usages: [usage(A100, 24, 24), usage(ND, 96)] };
    const c = chooseSize(request({ region: r, running }));
    expect(c.size).toBe("Standard_ND96asr_v4");
    expect(c.why).toMatch(
      /Standard_NC24ads_A100_v4 \(no quota \(Standard NCADSA100v4|standardNCADSA100v4Family: needs 24 vCPUs, 0 free of 24/,
    );
  });

  it("ranks by the region's own Linux / Standard price, so two regions can pick differently", () => {
    // In this region the ND size is (hypothetically) cheaper than the NC24ads: the ranking follows the prices.
    const cheapNd = { ...EASTUS, Standard_ND96asr_v4: 1.5 };
    expect(chooseSize(request()).size).toBe("Standard_NC24ads_A100_v4");
    const c = chooseSize(request({ region: region({ [A100]: 48, [ND]: 96 }, cheapNd) }));
    expect(c.size).toBe("Standard_ND96asr_v4");
    expect(c.why).toContain("$1.50/h");
    expect(c.why).toContain("Prices: Azure ML's VM sizes API for the region (estimatedVMPrices");
  });

  it("ranks sizes the region gives no price for last, and says so", () => {
    const c = chooseSize(request({ region: region({ [A100]: 48, [ND]: 96 }, { Standard_ND96asr_v4: 27.197 }) }));
    expect(c.size).toBe("Standard_ND96asr_v4");
    expect(c.why).toMatch(/no price there for .*Standard_NC24ads_A100_v4.*\(ranked last\)/);
    const none = chooseSize(request({ region: region({ [A100]: 48, [ND]: 96 }, {}) }));
    expect(none.size).toBe("Standard_NC24ads_A100_v4");
    expect(none.why).toContain("eastus gives no price for any size, so sizes were ranked by name");
  });

  it("keeps only sizes whose supportedComputeTypes include managed online deployments (MIR)", () => {
    const r = region({ [A100]: 48, [ND]: 96 });
    const sizes = r.sizes.map((s) => ({
      ...s,
      computeTypes: s.name === "Standard_NC24ads_A100_v4" ? ["AmlCompute", "ComputeInstance"] : ["AmlCompute", "MIR"],
    }));
    const c = chooseSize(request({ region: { ...r, sizes } }));
    expect(c.size).toBe("Standard_NC48ads_A100_v4");
    expect(c.verdicts.find((v) => v.size === "Standard_NC24ads_A100_v4")?.out).toContain(
      "not offered for managed online",
    );
  });

  it("is held back by the regional total as much as by the family", () => {
    const r = region({ [A100]: 48, [ND]: 96 });
    const usages = [
      ...r.usages,
      {
        type: "Microsoft.MachineLearningServices/dedicatedCores/usages",
        name: { value: "Total Cluster Dedicated Regional vCPUs" },
        limit: 100,
        currentValue: 90,
      },
    ];
    const c = chooseSize(request({ region: { ...r, usages } }));
    expect(c.size).toBeUndefined();
    expect(c.problem).toContain("regional total: needs 24 vCPUs, 10 free of 100");
  });

  it("keeps the size an identical deployment already runs on, so that it is reused", () => {
    const c = chooseSize(request({ reusable: "standard_nc48ads_a100_v4" }));
    expect(c.size).toBe("Standard_NC48ads_A100_v4");
  });

  it("fails with the sizes that fit but lack quota when none has any", () => {
    const c = chooseSize(request({ region: region({ [A100]: 0, [ND]: 8 }) }));
    expect(c.size).toBeUndefined();
    expect(c.problem).toContain("no VM size in eastus can serve Phi-3-mini-4k-instruct");
    expect(c.problem).toContain("Standard_NC24ads_A100_v4 (no quota");
  });
});

describe("an explicit instance-type", () => {
  it("is refused when retired, with the date, the source and the sizes that have quota", () => {
    const c = chooseSize(request({ asked: "Standard_NC6s_v3" }));
    expect(c.problem).toMatch(/Standard_NC6s_v3 is of the NCv3 \(V100\) family, which Azure retired on 2025-09-30/);
    expect(c.problem).toContain("Standard_NC24ads_A100_v4 ($3.67/h)");
  });

  it("is refused when the region does not offer it, or the model's allow-list does not have it", () => {
    expect(chooseSize(request({ asked: "Standard_NC40ads_H100_v5" })).problem).toContain("is not offered in eastus");
    expect(chooseSize(request({ asked: "Standard_NC4as_T4_v3" })).problem).toContain(
      "not on the model's inference_compute_allow_list",
    );
  });

  it("is taken as given when it fits", () => {
    expect(chooseSize(request({ asked: "standard_nd96asr_v4" })).size).toBe("Standard_ND96asr_v4");
  });
});

describe("the base model's verdict", () => {
  it("uses the minimum spec where there is no allow-list, and wants a GPU where there is neither", () => {
    const spec = inferenceFit({ ...PHI3, inferenceAllowList: undefined });
    expect(spec(SIZES[0]!)).toBeUndefined();
    expect(spec(SIZES[3]!)).toMatch(/below the model's minimum spec 6\|1\|112\|64 \(4 vCPUs, needs 6; 28 GB memory/);
    const none = inferenceFit(undefined);
    expect(none(SIZES[4]!)).toBe("no GPU");
    expect(none(size("Standard_NC6s_v3", "standardNCSv3Family", 6, 1, 112))).toBe("retired on 2025-09-30");
  });

  it("reads registry URIs", () => {
    expect(parseBaseModel("azureml://registries/azureml/models/Phi-4/versions/8")).toEqual({
      registry: "azureml",
      name: "Phi-4",
      version: "8",
    });
    expect(parseBaseModel("azureml:phi3:1")).toBeUndefined();
  });
});

describe("a model without a catalog entry (issue 21)", () => {
  it("reads the parameter count from the model's name, and only a clear one", async () => {
    const { parameterCount, minSpecForParameters, specFit } = await import("../src/sizing.js");
    expect(parameterCount("Qwen/Qwen2.5-7B-Instruct")).toBe(7);
    expect(parameterCount("microsoft/phi-3.8b")).toBe(3.8);
    expect(parameterCount("meta-llama/Llama-3.1-70B")).toBe(70);
    expect(parameterCount("contoso/house-chat")).toBeUndefined();
    expect(parameterCount("org/model-v2b")).toBeUndefined();
    const spec = minSpecForParameters(7);
    expect(spec).toMatchObject({ gpus: 1, memoryGB: 28, diskGB: 28, text: "4|1|28|28" });
    const fit = specFit(spec);
    expect(fit(SIZES[3]!)).toBeUndefined(); // the T4: 1 GPU, 28 GB
    expect(fit(SIZES[4]!)).toMatch(/0 GPUs, needs 1/);
  });
});
