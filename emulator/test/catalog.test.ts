import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadCatalog, pythonLiteral } from "../src/arm/catalog-data.js";
import { modelImportFailure } from "../src/arm/registry.js";
import { VM_SIZES, vmSizeResource } from "../src/arm/vm-sizes.js";
import { azureFilesDir, CATALOG_MODELS } from "../src/azure-files.js";

type Obj = Record<string, unknown>;
/** Azure's catalog entries (azureml-assets models/<name>/spec.yaml), read here as written: not through our parsers. */
const modelsDir = join(azureFilesDir(), CATALOG_MODELS);
const azureSpecs = readdirSync(modelsDir).map(
  (d) => parse(readFileSync(join(modelsDir, d, "spec.yaml"), "utf8")) as Obj,
);
const at = (o: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Obj)[k] : undefined), o);

const catalog = loadCatalog();
/** A model version as the registry serves it (what registry.ts answers, through its catalog entry). */
const served = (name: string) => {
  const e = catalog.get(name)!;
  const v = e.versions.at(-1)!;
  return {
    id: `azureml://registries/azureml/models/${name}/versions/${v}`,
    name: v,
    properties: { isArchived: e.archived, tags: e.tags, properties: e.properties },
  };
};
const now = new Date("2026-12-06T00:00:00Z");

describe("the emulator's model catalog (today's azureml registry)", () => {
  it("writes tags as Python literals, as str() of the parsed YAML prints them", () => {
    expect(pythonLiteral({ a: "true", b: 2, c: 5e-6, d: ["X", "Y"], e: 2e-5 })).toBe(
      "{'a': 'true', 'b': 2, 'c': 5e-06, 'd': ['X', 'Y'], 'e': 2e-05}",
    );
  });

  it("serves each model of Azure's catalog files as they write it: archived, version, tags, dates, tasks, SKUs", () => {
    expect(azureSpecs.map((s) => s.name).sort()).toEqual(["Phi-3-mini-4k-instruct", "Phi-3.5-mini-instruct", "Phi-4"]);
    for (const spec of azureSpecs) {
      const m = served(String(spec.name));
      expect(m.properties.isArchived).toBe(spec.isArchived === true);
      if (spec.version !== undefined) expect(m.name).toBe(String(spec.version));
      for (const [k, v] of Object.entries(spec.tags as Obj))
        if (typeof v === "string") expect(m.properties.tags[k]).toBe(v);
      const retirement = at(spec, "system_metadata", "deprecation", "finetuneRetirementDate");
      if (typeof retirement === "string")
        expect(m.properties.tags.FinetuneRetirementDate?.slice(0, 10)).toBe(retirement.slice(0, 10));
      expect(m.properties.properties["finetuning-tasks"]).toBe(
        (at(spec, "system_metadata", "tasks", "fineTuningTasks") as string[]).join(", "),
      );
      expect(m.properties.properties["finetune-min-sku-spec"]).toBe(
        at(spec, "system_metadata", "SKU", "finetuneMinSkuSpec"),
      );
      for (const size of (at(spec, "system_metadata", "supportedComputes", "finetuneComputes") as
        string[] | undefined) ?? [])
        expect(m.properties.tags.finetune_compute_allow_list).toContain(`'${size}'`);
    }
  });

  it("serves Phi-3-mini-4k-instruct archived, retired for fine-tuning on 2025-08-30, its defaults as Python prints them", () => {
    const m = served("Phi-3-mini-4k-instruct");
    expect(m.properties.isArchived).toBe(true);
    expect(m.properties.tags.FinetuneRetirementDate?.slice(0, 10)).toBe("2025-08-30");
    // spec.yaml's tags.model_specific_defaults, written out by hand as str() of the parsed YAML prints it.
    expect(m.properties.tags.model_specific_defaults).toBe(
      "{'apply_deepspeed': 'true', 'deepspeed_stage': 2, 'apply_lora': 'true', 'apply_ort': 'false', " +
        "'precision': 16, 'ignore_mismatched_sizes': 'false', 'num_train_epochs': 1, " +
        "'per_device_train_batch_size': 1, 'per_device_eval_batch_size': 1, 'gradient_accumulation_steps': 1, " +
        "'learning_rate': 5e-06, 'learning_rate_min': 5e-07, 'learning_rate_max': 5e-05, " +
        "'lr_scheduler_type': 'cosine', 'logging_strategy': 'steps', 'logging_steps': 10, 'save_total_limit': 1}",
    );
    expect(m.properties.properties["finetune-min-sku-spec"]).toBe("24|1|220|64");
  });

  it("fails the model import of an archived model past retirement, or of an unfetchable huggingface_id", () => {
    const job = (inputs: Record<string, unknown>) => ({ jobs: { n: { inputs } } });
    expect(
      modelImportFailure(
        job({ mlflow_model_path: { uri: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15" } }),
        now,
      ),
    ).toMatch(/archived; fine-tuning it was retired on 2025-08-30/);
    expect(
      modelImportFailure(
        job({ mlflow_model_path: { uri: "azureml://registries/azureml/models/Phi-4/versions/8" } }),
        now,
      ),
    ).toBeUndefined();
    expect(modelImportFailure(job({ huggingface_id: { value: "microsoft/Phi-3-mini-4k-instruct" } }))).toBeUndefined();
    expect(modelImportFailure(job({ huggingface_id: { value: "nobody/no-such-model" } }))).toMatch(
      /RepositoryNotFoundError/,
    );
  });

  it("offers today's VM sizes: no NCv3 or NDv2, with memory and disk for the min-spec check", () => {
    const sizes = VM_SIZES.map(vmSizeResource);
    expect(sizes.map((s) => s.name).filter((n) => /_v3$|_v2$/.test(n) && /^Standard_N/.test(n))).toEqual([
      "Standard_NC4as_T4_v3",
      "Standard_NC16as_T4_v3",
    ]);
    // Azure's VM sizes list (learn.microsoft.com, NC A100 v4 series): 24 vCPUs, 1 GPU, 220 GiB, 64 GiB temp disk.
    expect(sizes.find((s) => s.name === "Standard_NC24ads_A100_v4")).toMatchObject({
      vCPUs: 24,
      gpus: 1,
      memoryGB: 220,
      maxResourceVolumeMB: 65536,
    });
  });
});
