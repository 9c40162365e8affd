import { runFixture, world } from "../../test/harness/emulator.js";
import { specsDir } from "../src/contract/openapi.js";

describe("the public azureml registry, found through registry discovery (shared openRegistry, emulator)", () => {
  it("resolves the latest model version, tells missing models and versions apart, and reads a component's spec", async () => {
    const w = await world();
    const r = await runFixture<Record<string, unknown>>("emulator/test/fixtures/registry-tour.ts", w.env);
    expect(r).toMatchObject({
      latest: "15",
      missingModel: true,
      missingVersion: true,
      uri: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15",
    });
    // Today's catalog: Phi-3 archived (not listed as active), Phi-4 live; ids in azureml:// form (issue 14
    // item 2), flavors always present (item 3), tags as Python-literal strings.
    expect(r.active).toEqual(["Phi-4", "bert-base-uncased"]);
    expect(r.all).toBeGreaterThan(3);
    expect(r.phi3).toMatchObject({
      id: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15",
      properties: {
        isArchived: true,
        flavors: { python_function: expect.any(Object) },
        tags: {
          FinetuneRetirementDate: "2025-08-30",
          finetune_compute_allow_list: expect.stringMatching(/^\['Standard_/),
        },
        properties: { "finetuning-tasks": "chat-completion", "finetune-min-sku-spec": "24|1|220|64" },
      },
    });
    expect(r.componentId).toBe("azureml://registries/azureml/components/chat_completion_pipeline/versions/0.0.65");
    expect(r.unknown).toContain('There is no Azure ML registry "no-such-registry"');
    // The component spec comes from ../shared/specs when present (dozens of inputs), else a minimal one.
    if (specsDir()) expect(r.componentInputs).toBeGreaterThan(20);
    else expect(r.componentInputs).toBe(0);
  });
});
