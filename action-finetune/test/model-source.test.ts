import type { Registry, RegistryAsset } from "@phi3-aml/shared/azureml/registry";
import type { Session } from "@phi3-aml/shared/azureml/session";
import type { FinetuneInputs } from "../src/inputs.js";
import { resolveModel } from "../src/model-source.js";

// Issue 21, item 6: the "ways forward" of a retired or deprecated catalog model suggest the model's real
// Hugging Face id where the catalog gives one (its huggingface_model_id tag), and no guessed id otherwise.
const NOW = new Date("2026-12-07T00:00:00Z");
const CHAT = { "finetuning-tasks": "chat-completion" };

function version(name: string, tags: Record<string, string>): RegistryAsset {
  return {
    id: `azureml://registries/azureml/models/${name}/versions/3`,
    name: "3",
    properties: { tags, properties: CHAT },
  };
}

const MODELS: Record<string, RegistryAsset> = {
  // Retired, and the catalog names its Hugging Face repository (with a spelling a guess would not give).
  "Old-Chat": version("Old-Chat", {
    FinetuneRetirementDate: "2025-08-30",
    huggingface_model_id: "contoso-research/old-chat-v1.5",
  }),
  // Retired, and the catalog gives no Hugging Face id.
  "Gone-Chat": version("Gone-Chat", { FinetuneRetirementDate: "2025-08-30" }),
  // Deprecated (not yet retired), with a Hugging Face id.
  "Aging-Chat": version("Aging-Chat", {
    FinetuneDeprecationDate: "2026-06-01",
    FinetuneRetirementDate: "2027-06-01",
    huggingface_model_id: "contoso-research/aging-chat",
  }),
  "New-Chat": version("New-Chat", {}),
};

const registry: Registry = {
  name: "azureml",
  container: async (_k, name) => (MODELS[name] ? { id: name, name, properties: { latestVersion: "3" } } : undefined),
  version: async (_k, name) => MODELS[name],
  list: async () => Object.keys(MODELS).map((name) => ({ id: name, name, properties: { latestVersion: "3" } })),
  uri: (_k, name, v) => `azureml://registries/azureml/models/${name}/versions/${v}`,
};

const resolve = (name: string) =>
  resolveModel({} as Session, { source: { kind: "catalog", name } } as FinetuneInputs, registry, NOW);

describe("the ways forward from a catalog model that cannot be used (issue 21)", () => {
  it("suggests the Hugging Face id the catalog gives, as it gives it", async () => {
    const r = await resolve("Old-Chat");
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toContain("Fine-tuning of Old-Chat was retired on 2025-08-30.");
    expect(r.problems[0]).toContain(
      "Ways forward: huggingface-id: contoso-research/old-chat-v1.5 fine-tunes the same model from Hugging Face (leave model empty), or choose a live catalog model.",
    );
    expect(r.problems[0]).toContain("New-Chat (version 3)");
    expect(r.problems[0]).not.toContain("microsoft/");
  });

  it("suggests no Hugging Face id when the catalog gives none", async () => {
    const r = await resolve("Gone-Chat");
    expect(r.problems[0]).toContain("Ways forward: choose a live catalog model.");
    expect(r.problems[0]).not.toContain("huggingface-id");
  });

  it("names the real id in a deprecation warning too, and none when there is none", async () => {
    const aging = await resolve("Aging-Chat");
    expect(aging.problems).toEqual([]);
    expect(aging.warnings.join("\n")).toContain(
      "Plan a move to huggingface-id: contoso-research/aging-chat or a newer catalog model.",
    );
    MODELS["Aging-Chat"]!.properties.tags = { FinetuneDeprecationDate: "2026-06-01" };
    const bare = await resolve("Aging-Chat");
    expect(bare.warnings.join("\n")).toContain("Plan a move to a newer catalog model.");
  });
});
