import { catalogModel, lifecycle } from "../../shared/src/azureml/catalog.js";
import { checkComputeFit } from "../../shared/src/azureml/compute-fit.js";
import { loadCatalog, pythonLiteral } from "../src/arm/catalog-data.js";
import { modelImportFailure } from "../src/arm/registry.js";
import { VM_SIZES, vmSizeResource } from "../src/arm/vm-sizes.js";

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

  it("serves Phi-3-mini-4k-instruct and its siblings archived, past their fine-tune retirement", () => {
    for (const name of ["Phi-3-mini-4k-instruct", "Phi-3-mini-128k-instruct", "Phi-3.5-mini-instruct"]) {
      const m = catalogModel(served(name), "azureml");
      expect(m.archived).toBe(true);
      expect(m.finetune.retirement).toBe("2025-08-30");
      expect(lifecycle(m, "finetune", now).phase).toBe("retired");
      expect(m.finetuningTasks).toContain("chat-completion");
    }
    const phi3 = catalogModel(served("Phi-3-mini-4k-instruct"));
    expect(phi3.version).toBe("15");
    expect(phi3.defaults).toMatchObject({ deepspeed_stage: 2, learning_rate: 5e-6, lr_scheduler_type: "cosine" });
    expect(phi3.finetuneAllowList).toContain("Standard_NC24ads_A100_v4");
    expect(phi3.unreadable).toEqual([]);
  });

  it("serves Phi-4 live, with its own defaults and allow-list", () => {
    const m = catalogModel(served("Phi-4"));
    expect(m.archived).toBe(false);
    expect(lifecycle(m, "finetune", now).phase).toBe("live");
    expect(m.defaults.deepspeed_stage).toBe(3);
    expect(m.finetuneAllowList).toContain("Standard_NC40ads_H100_v5");
    expect(m.finetuneMinSpec?.text).toBe("24|1|220|64");
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
    const fit = checkComputeFit({
      vmSize: "Standard_NC24ads_A100_v4",
      input: "vm-size",
      purpose: "fine-tuning",
      model: "Phi-4",
      minSpec: catalogModel(served("Phi-4")).finetuneMinSpec,
      sizes,
      instances: 1,
      now,
    });
    expect(fit).toMatchObject({ ok: true, problems: [] });
  });
});
