import {
  catalogDate,
  catalogModel,
  catalogNameOf,
  finetunesFor,
  lifecycle,
  liveFinetuneModels,
  parseDefaults,
  parseList,
  parseMinSpec,
  parsePythonLiteral,
} from "../src/azureml/catalog.js";

/** A registry model version as the azureml registry serves Phi-3-mini-4k-instruct 15 (tags as Python literals). */
const phi3 = {
  id: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15",
  name: "15",
  properties: {
    isArchived: true,
    tags: {
      FinetuneDeprecationDate: "2025-06-30",
      FinetuneRetirementDate: "2025-08-30",
      InferenceRetirementDate: "2025-08-30T00:00:00.000000Z",
      model_specific_defaults:
        "{'apply_deepspeed': 'true', 'deepspeed_stage': 2, 'apply_lora': 'true', 'precision': 16, 'learning_rate': 5e-06, 'lr_scheduler_type': 'cosine'}",
      finetune_compute_allow_list: "['Standard_NC24ads_A100_v4', 'Standard_NC48ads_A100_v4']",
      inference_compute_allow_list: '["Standard_NC24ads_A100_v4"]',
    },
    properties: { "finetuning-tasks": "chat-completion", "finetune-min-sku-spec": "24|1|220|64" },
  },
};

describe("Python literals (ast.literal_eval's subset)", () => {
  it("reads dicts, lists, tuples, strings, numbers and constants", () => {
    expect(
      parsePythonLiteral(`{'a': 'x', "b": 2, 'c': 5e-6, 'd': True, 'e': None, 'f': [1, (2, 3)], 'g': -1.5}`),
    ).toEqual({ a: "x", b: 2, c: 5e-6, d: true, e: null, f: [1, [2, 3]], g: -1.5 });
    expect(parsePythonLiteral(`'it\\'s'`)).toBe("it's");
    expect(parsePythonLiteral(`[ 'a', 'b', ]`)).toEqual(["a", "b"]);
  });
  it("refuses what is not a literal", () => {
    expect(() => parsePythonLiteral("{'a': os.system('x')}")).toThrow(/unknown name|expected/);
    expect(() => parsePythonLiteral("['a'")).toThrow();
    expect(() => parsePythonLiteral("'a' 'b'")).toThrow(/unexpected text/);
  });
  it("reads list tags written as literals or as comma-separated text", () => {
    expect(parseList("['A', 'B']")).toEqual(["A", "B"]);
    expect(parseList("A, B")).toEqual(["A", "B"]);
    expect(parseList("")).toBeUndefined();
    expect(() => parseList("{'a': 1}")).toThrow();
  });
  it("keeps only scalar defaults", () => {
    expect(parseDefaults("{'a': 1, 'b': [1], 'c': 'x'}")).toEqual({ a: 1, c: "x" });
    expect(() => parseDefaults("[1]")).toThrow(/not a dict/);
  });
});

describe("catalog model versions", () => {
  it("reads what the notebook and studio read", () => {
    const m = catalogModel(phi3, "azureml");
    expect(m).toMatchObject({
      name: "Phi-3-mini-4k-instruct",
      version: "15",
      archived: true,
      finetuningTasks: ["chat-completion"],
      finetuneAllowList: ["Standard_NC24ads_A100_v4", "Standard_NC48ads_A100_v4"],
      inferenceAllowList: ["Standard_NC24ads_A100_v4"],
      finetune: { deprecation: "2025-06-30", retirement: "2025-08-30" },
      inference: { retirement: "2025-08-30" },
      unreadable: [],
    });
    expect(m.defaults).toEqual({
      apply_deepspeed: "true",
      deepspeed_stage: 2,
      apply_lora: "true",
      precision: 16,
      learning_rate: 5e-6,
      lr_scheduler_type: "cosine",
    });
    expect(m.finetuneMinSpec).toEqual({ vCPUs: 24, gpus: 1, memoryGB: 220, diskGB: 64, text: "24|1|220|64" });
    expect(finetunesFor(m)).toBe(true);
  });

  it("records a malformed tag instead of failing", () => {
    const m = catalogModel({
      name: "1",
      id: "x/models/M/versions/1",
      properties: { tags: { model_specific_defaults: "{oops" } },
    });
    expect(m.defaults).toEqual({});
    expect(m.unreadable[0]).toMatch(/model_specific_defaults/);
    expect(finetunesFor(m)).toBe(false);
  });

  it("reads the system_metadata spelling too", () => {
    const m = catalogModel({
      name: "8",
      id: "azureml://registries/azureml/models/Phi-4/versions/8",
      properties: { properties: { fineTuningTasks: "['chat-completion']", finetuneMinSkuSpec: "24|1|220|64" } },
    });
    expect(m.finetuningTasks).toEqual(["chat-completion"]);
    expect(m.finetuneMinSpec?.vCPUs).toBe(24);
  });

  it("parses dates and min specs strictly", () => {
    expect(catalogDate("2025-08-30T00:00:00.000000Z")).toBe("2025-08-30");
    expect(catalogDate("soon")).toBeUndefined();
    expect(parseMinSpec("24|1|220")).toBeUndefined();
    expect(parseMinSpec("6|1|112|64")?.memoryGB).toBe(112);
  });

  it("maps a Hugging Face id to the catalog name", () => {
    expect(catalogNameOf("microsoft/Phi-3-mini-4k-instruct")).toBe("Phi-3-mini-4k-instruct");
  });
});

describe("lifecycle", () => {
  const m = catalogModel(phi3, "azureml");
  const live = { ...m, archived: false };
  it("is retired when archived or past the retirement date, naming the date", () => {
    const l = lifecycle(m, "finetune", new Date("2026-12-06T00:00:00Z"));
    expect(l.phase).toBe("retired");
    expect(l.sentence).toMatch(/archived/);
    expect(l.sentence).toMatch(/retired on 2025-08-30/);
    expect(lifecycle(live, "finetune", new Date("2025-08-30T10:00:00Z")).phase).toBe("retired");
  });
  it("is deprecated inside the window and live before it", () => {
    const d = lifecycle(live, "finetune", new Date("2025-07-01T00:00:00Z"));
    expect(d.phase).toBe("deprecated");
    expect(d.sentence).toMatch(/deprecated since 2025-06-30 and retires on 2025-08-30/);
    expect(lifecycle(live, "finetune", new Date("2025-01-01T00:00:00Z")).phase).toBe("live");
  });
});

describe("live catalog models for fine-tuning", () => {
  const version = (name: string, archived: boolean, tasks: string) => ({
    id: `azureml://registries/azureml/models/${name}/versions/1`,
    name: "1",
    properties: { isArchived: archived, tags: {}, properties: { "finetuning-tasks": tasks } },
  });
  const versions: Record<string, ReturnType<typeof version>> = {
    "Phi-4": version("Phi-4", false, "chat-completion"),
    "Phi-3-mini-4k-instruct": version("Phi-3-mini-4k-instruct", true, "chat-completion"),
    "bert-base": version("bert-base", false, "text-classification"),
    "Llama-2": version("Llama-2", false, "chat-completion, text-generation"),
  };
  const registry = {
    name: "azureml",
    list: async () =>
      Object.keys(versions).map((name) => ({
        id: name,
        name,
        properties: { latestVersion: "1", isArchived: versions[name]!.properties.isArchived },
      })),
    version: async (_k: string, name: string) => versions[name],
  };
  it("reads them from the registry: active, not retired, listing chat-completion; the same family first", async () => {
    const found = await liveFinetuneModels(registry, { near: "Phi-3-mini-4k-instruct" });
    expect(found.map((m) => m.name)).toEqual(["Phi-4", "Llama-2"]);
  });
});
