import { world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";

describe("action-finetune: Azure's limits on free text and tags (bundled, as the runner runs it)", () => {
  it("refuses 5,000 emoji as display-name, an overlong experiment and too many tags, before any request", async () => {
    const w = await world();
    const tags = JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, n) => [`t${n}`, "v"])));
    const run = await runAction("action-finetune", {
      env: w.env,
      inputs: {
        "train-data": "azureml:a:1",
        "validation-data": "azureml:b:1",
        "display-name": "🚀".repeat(5000),
        experiment: "e".repeat(300),
        tags,
      },
    });
    expect(run.code).toBe(1);
    const message = (title: string) => run.annotations.find((a) => a.title === title)?.message ?? "";
    expect(message("Input display-name")).toContain(
      "is 10000 characters long; the job display name may have at most 256 (Azure's limit)",
    );
    expect(message("Input experiment")).toContain("the experiment name may have at most 256");
    expect(message("Input tags")).toMatch(/make 5\d tags with the \d this action adds; job tags may number at most 50/);
    expect(await w.idTokensIssued()).toBe(0);
    expect(await w.armCalls()).toEqual([]);
  });
});
