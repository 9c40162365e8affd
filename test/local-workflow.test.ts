import { evaluate, interpolate, jobOrder } from "../scripts/local-workflow.js";

describe("the local workflow runner", () => {
  const contexts = {
    inputs: { split: "", epochs: "3" },
    needs: { finetune: { result: "success", outputs: { status: "Completed" } } },
    github: { event_name: "push" },
  };

  it("evaluates expressions with GitHub's engine: fallbacks, comparisons, needs outputs", () => {
    expect(interpolate("${{ inputs.split || 'train_sft[:1%]' }}", contexts)).toBe("train_sft[:1%]");
    expect(interpolate("${{ inputs.epochs || '1' }}", contexts)).toBe("3");
    expect(evaluate("needs.finetune.outputs.status == 'Completed'", contexts).coerceString()).toBe("true");
    expect(interpolate("${{ github.event_name != 'workflow_dispatch' || inputs.lora }}", contexts)).toBe("true");
    expect(interpolate("plain text", contexts)).toBe("plain text");
  });

  it("orders jobs by needs and refuses a cycle", () => {
    expect(
      jobOrder({
        smoke: { needs: "deploy", steps: [] },
        deploy: { needs: ["finetune"], steps: [] },
        finetune: { needs: "dataset", steps: [] },
        dataset: { steps: [] },
      }),
    ).toEqual(["dataset", "finetune", "deploy", "smoke"]);
    expect(() => jobOrder({ a: { needs: "b", steps: [] }, b: { needs: "a", steps: [] } })).toThrow(/needs cycle/);
  });
});

describe("the local workflow runner refuses a step input its action does not take", () => {
  it("fails the run on learning_rate (the input is learning-rate) before any step runs", async () => {
    const { runWorkflow } = await import("../scripts/local-workflow.js");
    const { REPO_ROOT } = await import("./harness/paths.js");
    const steps: unknown[] = [];
    await expect(
      runWorkflow({
        file: `${REPO_ROOT}/test/fixtures/workflows/misspelt-input.yml`,
        env: {},
        vars: {},
        cwd: REPO_ROOT,
        onStep: (s) => steps.push(s),
      }),
    ).rejects.toThrow(/steps pass inputs their actions do not take[^]*Invalid action input 'learning_rate'/);
    expect(steps).toEqual([]);
  });
});
