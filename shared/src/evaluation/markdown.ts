/**
 * The evaluation summary in Markdown (job summary, PR comment, a failed step's message): the verdict, the
 * side-by-side table (metric, production, candidate, Δ, 95 % interval, verdict), examples used and dropped
 * with reasons, the 5 worst regressions (truncated, secrets removed) and latency and errors per deployment.
 * Every text from outside (answers, prompts, references, error messages) is redacted, then cut and escaped.
 */
import { markdownTable, redactJson, redactSecrets, type Cell } from "../report.js";
import { truncate } from "../scoring/text.js";
import type { GateResult } from "./gate.js";
import type { EvaluationReport, ExampleResult, MetricRow } from "./types.js";

export interface RenderOptions {
  /** Removed from every text (the endpoint key, tokens); masked values are removed too. */
  secrets?: readonly (string | undefined)[];
  /** Characters of each prompt, reference and answer in the regressions (default 200). */
  excerptChars?: number;
  /** A link to the run, under the title. */
  runUrl?: string;
}

const ICON: Record<GateResult, string> = { passed: "✅", failed: "❌", inconclusive: "⚠️", "report-only": "ℹ️" };

export function renderEvaluationMarkdown(report: EvaluationReport, o: RenderOptions = {}): string {
  // Secrets go from the raw texts first (redact.ts), before any cut or escape: a key cut at the excerpt's
  // end, or escaped (`a\_b`), would no longer match, and its remains would reach the comment.
  const r = redactJson(report, o.secrets ?? []);
  const parts = [title(r), verdictLine(r), metricTable(r), examplesLine(r)];
  if (r.baseline) parts.push(regressions(r, o.excerptChars ?? 200));
  if (r.deployments.length) parts.push(deploymentTable(r));
  if (o.runUrl) parts.push(`[The run](${o.runUrl})`);
  return redactSecrets(parts.filter(Boolean).join("\n\n") + "\n", o.secrets ?? []);
}

const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";
const num = (x: number | undefined, digits = 4) => (x === undefined || !Number.isFinite(x) ? "" : x.toFixed(digits));
const signed = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? "" : (x >= 0 ? "+" : "") + x.toFixed(4);

function title(r: EvaluationReport): string {
  const icon = ICON[r.gate.result];
  if (r.kind === "pairs") return `## ${icon} Evaluation of the given pairs: ${r.gate.result}`;
  const vs = r.baseline ? ` against production ${code(r.baseline)}` : "";
  const where = r.endpoint ? ` on endpoint ${code(r.endpoint)}` : "";
  return `## ${icon} Evaluation: ${r.gate.result} — candidate ${code(r.candidate ?? "")}${vs}${where}`;
}

function verdictLine(r: EvaluationReport): string {
  const g = r.gate;
  const basis =
    g.basis === "compare"
      ? `Gate on ${code(g.metric)}, tolerance ${g.tolerance}: pass when the one-sided 95 % lower bound of the mean Δ (candidate − production) is at least -${g.tolerance}.`
      : g.basis === "floors"
        ? "No baseline: the candidate's means are checked against the floors given."
        : "No baseline and no floors: report only.";
  const mode =
    g.mode !== "on" && g.decision !== "report-only" ? ` (gate: ${g.mode}; the gate would have said ${g.decision})` : "";
  const p = r.metrics.find((m) => m.gated)?.wilcoxonP;
  const wilcoxon =
    p !== undefined ? ` Wilcoxon signed-rank p = ${p.toPrecision(3)} (H1: Δ above -${g.tolerance}).` : "";
  return `${basis} **${g.result}**: ${escapeInline(g.reason)}${mode}.${wilcoxon}`;
}

function metricTable(r: EvaluationReport): string {
  const cand = r.kind === "pairs" ? "Responses" : `Candidate (${r.candidate})`;
  const verdict = (m: MetricRow) => metricVerdict(r, m);
  if (!r.baseline) {
    const rows: Cell[][] = r.metrics.map((m) => [label(r, m), num(m.candidate), verdict(m)]);
    return markdownTable(["Metric", cand, "Verdict"], rows, [0]);
  }
  const rows: Cell[][] = r.metrics.map((m) => [
    label(r, m),
    num(m.baseline),
    num(m.candidate),
    signed(m.delta),
    m.interval95 ? `[${signed(m.interval95.low)}, ${signed(m.interval95.high)}]` : "",
    verdict(m),
  ]);
  return markdownTable(["Metric", `Production (${r.baseline})`, cand, "Δ", "95 % interval", "Verdict"], rows, [0]);
}

const label = (r: EvaluationReport, m: MetricRow) =>
  m.gated && r.gate.basis === "compare" ? `**${m.metric}** (gate)` : m.metric;

function metricVerdict(r: EvaluationReport, m: MetricRow): string {
  if (m.floor !== undefined) return m.candidate >= m.floor ? `≥ floor ${m.floor}` : `below floor ${m.floor}`;
  if (m.gated && r.gate.basis === "compare") return r.gate.decision;
  if (m.lower95 === undefined) return m.gateable ? "" : "reported";
  const tol = r.gate.tolerance;
  return m.lower95 >= -tol ? "not worse" : m.interval95 && m.interval95.high < 0 ? "worse" : "uncertain";
}

function examplesLine(r: EvaluationReport): string {
  const of = r.kind === "pairs" ? `${r.selected} pairs` : `${r.selected} selected of ${r.available} usable in the data`;
  const head = `**${r.used} example(s) used** (${of}).`;
  if (!r.dropped.length) return head;
  const list = r.dropped.map((d) => `${escapeInline(d.reason)} × ${d.count}`).join("; ");
  const dropped = r.dropped.reduce((s, d) => s + d.count, 0);
  return `${head} ${dropped} dropped: ${list}.`;
}

function regressions(r: EvaluationReport, chars: number): string {
  const metric = r.gate.metric;
  const worst = r.examples
    .filter(
      (e): e is ExampleResult & { delta: NonNullable<ExampleResult["delta"]> } =>
        e.used && !!e.delta && e.delta[metric] < 0,
    )
    .sort((a, b) => a.delta[metric] - b.delta[metric])
    .slice(0, 5);
  if (!worst.length) return `No example scored lower ${metric} on the candidate than on production.`;
  const cut = (s: string | undefined) => truncate(s ?? "", chars);
  const rows: Cell[][] = worst.map((e) => [
    e.id,
    signed(e.delta[metric]),
    cut(e.prompt),
    cut(e.reference),
    cut(e.baseline?.answer),
    cut(e.candidate.answer),
  ]);
  return `### The ${worst.length} worst regressions (${metric})\n\n${markdownTable(
    ["Example", `Δ ${metric}`, "Prompt", "Reference", "Production", "Candidate"],
    rows,
  )}`;
}

function deploymentTable(r: EvaluationReport): string {
  const rows: Cell[][] = r.deployments.map((d) => [
    d.name,
    d.role === "baseline" ? "production" : "candidate",
    d.sent,
    d.errors,
    `${(d.errorRate * 100).toFixed(1)} %`,
    d.retries,
    d.p50Ms !== undefined ? `${d.p50Ms} ms` : "",
    d.p95Ms !== undefined ? `${d.p95Ms} ms` : "",
    d.cut,
    d.concurrency,
  ]);
  const decoding = r.decoding
    ? `\n\nBoth deployments got the same request: greedy decoding (${code(JSON.stringify(r.decoding.parameters))}), max_new_tokens ${r.decoding.maxNewTokens}.`
    : "";
  const budget = r.budgetExceeded ? "\n\n**The time budget ran out**: examples not done were not scored." : "";
  return `### Deployments\n\n${markdownTable(
    [
      "Deployment",
      "Role",
      "Sent",
      "Errors",
      "Error rate",
      "Retries",
      "p50",
      "p95",
      "Cut by max_new_tokens",
      "In flight",
    ],
    rows,
  )}${decoding}${budget}`;
}

/** Text from outside on a line of our Markdown: one table cell's escaping, without the table. */
function escapeInline(text: string): string {
  return markdownTable(["x"], [[text]])
    .split("\n")[2]!
    .slice(2, -2);
}
