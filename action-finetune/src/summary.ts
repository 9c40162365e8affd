/**
 * The fine-tune's job summary: status and duration, model and data, every hyperparameter, the final
 * metrics, the loss chart and the studio link. The chart is a Mermaid `xychart-beta` fenced block written
 * as raw Markdown (GitHub renders ```mermaid blocks; core.summary.addCodeBlock writes HTML <pre> instead).
 */
import { escapeMarkdown, link, markdownTable } from "@phi3-aml/shared/report";
import { formatDuration } from "@phi3-aml/shared/wait";
import { typedDefaults, type ComponentSpec } from "./component.js";
import { formatMetric, type Chart } from "./metrics.js";
import { describeStatus, type StatusInfo } from "./status.js";

/** Something shown with an optional link (a data asset's studio page). */
interface Ref {
  text: string;
  url?: string;
}

export interface SummaryData {
  jobName: string;
  status: string;
  studioUrl?: string;
  durationSeconds?: number;
  /** "Phi-4 version 8 (registry azureml)", and the component input it is bound to. */
  model: { text: string; input?: string };
  component: { name: string; version: string };
  trainData: Ref;
  validationData: Ref;
  compute: { name: string; vmSize: string; maxNodes: number; nodes?: number; gpusPerNode: number; url?: string };
  /** The literals the job was given, component input → value. */
  hyperparameters: Readonly<Record<string, string>>;
  /** Where each of them came from ("input epochs", "hyperparameters", "model default (Phi-4 version 8)"). */
  sources?: Readonly<Record<string, string>>;
  /** For the component's defaults of the training inputs that were not set. */
  spec?: ComponentSpec;
  metrics: Readonly<Record<string, number>>;
  charts: readonly Chart[];
  modelUri?: string;
  /** Status changes with the time since submission. */
  timeline?: ReadonlyArray<{ state: string; elapsedMs: number }>;
  /** Azure ML's error of a failed job. */
  error?: string;
  /** The tail of the failing child run's log. */
  logTail?: { run: string; text: string };
  /** Set when the step stopped waiting: the job goes on. */
  stoppedWaiting?: { afterMs: number };
  /** Lines worth reading (reused job, notes on the inputs). */
  notes?: readonly string[];
}

const ICON: Record<string, string> = { Completed: "✅", Failed: "❌", Canceled: "🚫" };

const ref = (r: Ref) => (r.url ? link(r.text, r.url) : escapeMarkdown(r.text));

/** A fenced block that no backtick run inside `text` can close early. */
export function fenced(text: string, lang = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

/** A Mermaid xychart-beta chart. Mermaid's lines have no legend: the caption names them in order. */
export function mermaidChart(c: Chart): string {
  const num = (v: number) => String(Number(v.toPrecision(6)));
  const quote = (s: string) => `"${s.replace(/"/g, "'")}"`;
  const lines = [
    "xychart-beta",
    `    title ${quote(c.title)}`,
    `    x-axis ${quote(c.xLabel)} [${c.x.map((x) => num(x)).join(", ")}]`,
    `    y-axis ${quote(c.yLabel)}`,
    ...c.lines.map((l) => `    line [${l.values.map(num).join(", ")}]`),
  ];
  const caption =
    c.lines.length > 1
      ? `\n\nLines, in the order of the theme's colours: ${c.lines.map((l) => `\`${l.name}\``).join(", ")}.`
      : "";
  return fenced(lines.join("\n"), "mermaid") + caption;
}

/** Status, link and duration; whether the step stopped waiting; the error, the log tail and the notes. */
function statusLines(d: SummaryData, s: StatusInfo): string[] {
  const out: string[] = [];
  const facts: string[] = [];
  facts.push(`**Job:** ${d.studioUrl ? link(d.jobName, d.studioUrl) : escapeMarkdown(d.jobName)}`);
  facts.push(`**Status:** ${escapeMarkdown(s.label)}`);
  if (d.durationSeconds !== undefined) facts.push(`**Duration:** ${formatDuration(d.durationSeconds * 1000)}`);
  out.push(facts.join(" · "), "");
  if (d.stoppedWaiting) {
    out.push(
      `> [!NOTE]\n> The step stopped waiting after ${formatDuration(d.stoppedWaiting.afterMs)} (timeout-minutes); the job goes on in Azure ML. ` +
        `Follow it in a later run with \`job: ${d.jobName}\`, or cancel it in the studio.`,
      "",
    );
  }
  if (d.error) out.push(`**Error:** ${escapeMarkdown(d.error)}`, "");
  if (d.logTail)
    out.push(
      `<details><summary>Last lines of ${escapeMarkdown(d.logTail.run)}'s log</summary>`,
      "",
      fenced(d.logTail.text),
      "",
      "</details>",
      "",
    );
  for (const n of d.notes ?? []) out.push(`- ${escapeMarkdown(n)}`);
  if (d.notes?.length) out.push("");
  return out;
}

/** The base model, the component, the data, the compute and the fine-tuned model. */
function modelAndDataLines(d: SummaryData): string[] {
  const rows: Array<[string, string]> = [
    ["base model", `${escapeMarkdown(d.model.text)}${d.model.input ? ` → \`${d.model.input}\`` : ""}`],
    ["fine-tune component", `${escapeMarkdown(d.component.name)} ${escapeMarkdown(d.component.version)}`],
    ["training data", ref(d.trainData)],
    ["validation data", ref(d.validationData)],
    [
      "compute",
      `${d.compute.url ? link(d.compute.name, d.compute.url) : escapeMarkdown(d.compute.name)}: ${escapeMarkdown(d.compute.vmSize)}, ${d.compute.nodes ? `${d.compute.nodes} of ` : ""}up to ${d.compute.maxNodes} node${d.compute.maxNodes === 1 ? "" : "s"}, ${d.compute.gpusPerNode} GPU${d.compute.gpusPerNode === 1 ? "" : "s"} per node`,
    ],
  ];
  if (d.modelUri) rows.push(["fine-tuned model", `\`${d.modelUri}\``]);
  // chat_completion_pipeline produces no evaluation result since 0.0.79: the gate before serving judges the model.
  rows.push([
    "evaluation",
    "not evaluated by the pipeline: the evaluation gate judges the model before it serves (action-evaluate, action-deploy's gate)",
  ]);
  return ["### Model and data", "", markdownTable(["", ""], rows, [0, 1]), ""];
}

/** Every hyperparameter set, where it came from, then the component's defaults of the ones not set. */
function hyperparameterLines(d: SummaryData): string[] {
  const out: string[] = ["### Hyperparameters", ""];
  const set = Object.keys(d.hyperparameters).sort();
  const defaults = d.spec ? Object.entries(typedDefaults(d.spec)).filter(([k]) => !(k in d.hyperparameters)) : [];
  if (set.length || defaults.length) {
    out.push(
      markdownTable(
        ["input", "value", "from"],
        [
          ...set.map((k) => [k, d.hyperparameters[k], d.sources?.[k] ?? "set"]),
          ...defaults.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v, "component default"]),
        ],
      ),
      "",
    );
  } else out.push("None set: the component's defaults.", "");
  return out;
}

/** The final metrics, the loss charts and the timeline of the job's states. */
function resultLines(d: SummaryData): string[] {
  const out: string[] = [];
  const metricKeys = Object.keys(d.metrics);
  if (metricKeys.length) {
    out.push(
      "### Metrics",
      "",
      markdownTable(
        ["metric", "final value"],
        metricKeys.map((k) => [k, formatMetric(d.metrics[k]!)]),
      ),
      "",
    );
  }
  if (d.charts.length) {
    out.push(d.charts.length === 1 ? "### Loss" : "### Losses", "");
    for (const c of d.charts) out.push(mermaidChart(c), "");
  }
  if (d.timeline?.length) {
    out.push(
      "### Timeline",
      "",
      markdownTable(
        ["status", "after"],
        d.timeline.map((t) => [t.state, formatDuration(t.elapsedMs)]),
      ),
      "",
    );
  }
  return out;
}

export function summaryMarkdown(d: SummaryData): string {
  const s = describeStatus(d.status);
  const icon = ICON[s.status] ?? "⏳";
  return [
    `## ${icon} Phi-3 fine-tune ${escapeMarkdown(d.jobName)}: ${escapeMarkdown(s.status)}`,
    "",
    ...statusLines(d, s),
    ...modelAndDataLines(d),
    ...hyperparameterLines(d),
    ...resultLines(d),
  ].join("\n");
}
