import { fenced, mermaidChart, summaryMarkdown, type SummaryData } from "../src/summary.js";
import { MINI } from "./helpers.js";

const data: SummaryData = {
  jobName: "phi3-ft-42-0123abcd",
  status: "Completed",
  studioUrl: "https://ml.azure.com/runs/phi3-ft-42-0123abcd?wsid=/subscriptions/s/resourcegroups/rg/workspaces/w",
  durationSeconds: 3725,
  model: { text: "Phi-3-mini-4k-instruct version 14 (registry azureml)", input: "mlflow_model_path" },
  component: { name: "chat_completion_pipeline", version: "0.0.65" },
  trainData: { text: "chat-train:3", url: "https://ml.azure.com/data/chat-train/3/details" },
  validationData: { text: "azureml://datastores/workspaceblobstore/paths/chat/validation.jsonl" },
  compute: { name: "phi3-ft-a100", vmSize: "Standard_NC24ads_A100_v4", maxNodes: 1, gpusPerNode: 1 },
  hyperparameters: { num_train_epochs: "3", learning_rate: "0.00002", apply_lora: "true" },
  spec: MINI,
  metrics: { loss: 0.9123, eval_loss: 1.031, learning_rate: 1e-5 },
  charts: [
    {
      title: "Loss",
      xLabel: "step",
      yLabel: "loss",
      x: [1, 2, 3],
      lines: [
        { name: "loss", values: [2.1, 1.7, 1.2] },
        { name: "eval_loss", values: [2.2, 1.9, 1.4] },
      ],
    },
  ],
  modelUri: "azureml://jobs/phi3-ft-42-0123abcd/outputs/trained_model",
  timeline: [
    { state: "NotStarted", elapsedMs: 0 },
    { state: "Queued", elapsedMs: 5_000 },
    { state: "Running", elapsedMs: 600_000 },
    { state: "Completed", elapsedMs: 3_725_000 },
  ],
};

describe("job summary", () => {
  const md = summaryMarkdown(data);

  it("heads with the status and links the job in the studio, with its duration", () => {
    expect(md.split("\n")[0]).toBe("## ✅ Phi-3 fine-tune phi3-ft-42-0123abcd: Completed");
    expect(md).toContain(`**Job:** [phi3-ft-42-0123abcd](${data.studioUrl})`);
    expect(md).toContain("**Duration:** 1h 2m");
  });

  it("shows model, component, data, compute and the output model", () => {
    expect(md).toContain(
      "| base model | Phi-3-mini-4k-instruct version 14 \\(registry azureml\\) → `mlflow_model_path` |",
    );
    expect(md).toContain("| fine-tune component | chat\\_completion\\_pipeline 0.0.65 |");
    expect(md).toContain("| training data | [chat-train:3](https://ml.azure.com/data/chat-train/3/details) |");
    expect(md).toContain("| validation data | azureml://datastores/workspaceblobstore/paths/chat/validation.jsonl |");
    expect(md).toContain("| compute | phi3-ft-a100: Standard\\_NC24ads\\_A100\\_v4, up to 1 node, 1 GPU per node |");
    expect(md).toContain("| fine-tuned model | `azureml://jobs/phi3-ft-42-0123abcd/outputs/trained_model` |");
  });

  it("lists every hyperparameter sent, and the component's defaults of the training inputs not set", () => {
    expect(md).toContain("| apply\\_lora | true | set |");
    expect(md).toContain("| learning\\_rate | 0.00002 | set |");
    expect(md).toContain("| num\\_train\\_epochs | 3 | set |");
    expect(md).toContain("| lr\\_scheduler\\_type | linear | component default |");
    expect(md).not.toMatch(/\| learning\\_rate \| 2e-05 \| component default \|/);
  });

  it("has a metrics table", () => {
    expect(md).toContain("| metric | final value |");
    expect(md).toContain("| loss | 0.9123 |");
    expect(md).toContain("| learning\\_rate | 1.000e-5 |");
  });

  it("draws the loss as a Mermaid xychart-beta fenced block, naming its lines", () => {
    expect(md).toContain(
      [
        "```mermaid",
        "xychart-beta",
        '    title "Loss"',
        '    x-axis "step" [1, 2, 3]',
        '    y-axis "loss"',
        "    line [2.1, 1.7, 1.2]",
        "    line [2.2, 1.9, 1.4]",
        "```",
      ].join("\n"),
    );
    expect(md).toContain("Lines, in the order of the theme's colours: `loss`, `eval_loss`.");
  });

  it("tells the story of the job as a timeline", () => {
    expect(md).toContain("| Running | 10m 0s |");
    expect(md).toContain("| Completed | 1h 2m |");
  });

  it("shows a failure's error escaped and the log tail in a block no backticks can break", () => {
    const f = summaryMarkdown({
      ...data,
      status: "Failed",
      error: "UserError: <b>bad</b> [x](y)",
      logTail: { run: "chat_completion_finetune", text: "Traceback\n```\nCUDA out of memory" },
      metrics: {},
      charts: [],
    });
    expect(f.split("\n")[0]).toBe("## ❌ Phi-3 fine-tune phi3-ft-42-0123abcd: Failed");
    expect(f).toContain("**Error:** UserError: &lt;b&gt;bad&lt;/b&gt; \\[x\\]\\(y\\)");
    expect(f).toContain("````\nTraceback\n```\nCUDA out of memory\n````");
    expect(f).not.toContain("### Metrics");
    expect(f).not.toContain("```mermaid");
  });

  it("says how to resume when the step stopped waiting", () => {
    const t = summaryMarkdown({ ...data, status: "Running", stoppedWaiting: { afterMs: 330 * 60_000 } });
    expect(t.split("\n")[0]).toBe("## ⏳ Phi-3 fine-tune phi3-ft-42-0123abcd: Running");
    expect(t).toContain(
      "stopped waiting after 5h 30m (timeout-minutes); the job goes on in Azure ML. Follow it in a later run with `job: phi3-ft-42-0123abcd`",
    );
  });

  it("says the defaults were used when no hyperparameter was set and no spec is known", () => {
    expect(summaryMarkdown({ ...data, hyperparameters: {}, spec: undefined })).toContain(
      "None set: the component's defaults.",
    );
  });

  it("writes a single-line chart without a caption and fences safely", () => {
    expect(
      mermaidChart({
        title: 'Training "loss"',
        xLabel: "step",
        yLabel: "loss",
        x: [10],
        lines: [{ name: "loss", values: [1.23456789] }],
      }),
    ).toBe(
      [
        "```mermaid",
        "xychart-beta",
        "    title \"Training 'loss'\"",
        '    x-axis "step" [10]',
        '    y-axis "loss"',
        "    line [1.23457]",
        "```",
      ].join("\n"),
    );
    expect(fenced("a", "json")).toBe("```json\na\n```");
  });
});
