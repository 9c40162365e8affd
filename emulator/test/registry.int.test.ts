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
    expect(r.unknown).toContain('There is no Azure ML registry "no-such-registry"');
    // The component spec comes from ../shared/specs when present (dozens of inputs), else a minimal one.
    if (specsDir()) expect(r.componentInputs).toBeGreaterThan(20);
    else expect(r.componentInputs).toBe(0);
  });
});
