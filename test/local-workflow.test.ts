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
