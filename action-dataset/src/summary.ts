import { escapeMarkdown, link, markdownTable } from "@phi3-aml/shared/report";
import type { PrepareResult } from "./prepare.js";
import { REASON_TEXT, REASON_CODES } from "./problems.js";
import type { Registered } from "./register.js";

export interface SummaryInput {
  source: string;
  split: string;
  seed: number;
  validationSplit: number;
  maxTokens: number;
  result: PrepareResult;
  assets?: { train: Registered & { url: string; uri: string }; validation: Registered & { url: string; uri: string } };
  annotated: number;
}

const n = (x: number) => x.toLocaleString("en-US");

/** The job summary of the dataset step: what went in, what came out and why anything was dropped. */
export function datasetSummary(s: SummaryInput): string {
  const r = s.result;
  return [
    `## Chat dataset ${r.ok ? "prepared" : "rejected"}`,
    "",
    settingsTable(s),
    countsTable(r),
    ...droppedSection(s),
    ...tokensSection(r, s.maxTokens),
    ...(r.ok ? [`Messages by role: ${rolesLine(r)}.`, ""] : [`**Failed:** ${escapeMarkdown(r.message)}`, ""]),
    ...assetsSection(s),
    ...(r.ok
      ? [`Fingerprint \`${r.fingerprint}\` — the same input and settings give the same bytes and fingerprint.`, ""]
      : []),
  ].join("\n");
}

function settingsTable(s: SummaryInput): string {
  const header = ["source", "split", "seed", "validation share", "max tokens"];
  return markdownTable(header, [[s.source, s.split, s.seed, s.validationSplit, n(s.maxTokens)]]) + "\n";
}

function countsTable(r: PrepareResult): string {
  const rows: Array<[string, string]> = [
    ["records in the slice", n(r.rowsIn)],
    ["invalid", n(r.invalid)],
    ["longer than max-tokens", n(r.tooLong)],
    ["dropped in all", n(r.dropped.total)],
  ];
  if (r.ok) rows.push(["training conversations", n(r.trainRows)], ["validation conversations", n(r.validationRows)]);
  return markdownTable(["", "count"], rows) + "\n";
}

/** Why records were dropped, by reason, and how many of them were annotated. */
function droppedSection(s: SummaryInput): string[] {
  const r = s.result;
  const reasons = REASON_CODES.filter((c) => r.dropped.byReason[c] > 0);
  if (!reasons.length) return [];
  const table = markdownTable(
    ["reason", "records"],
    reasons.map((c) => [REASON_TEXT[c], n(r.dropped.byReason[c])]),
  );
  const parts = ["### Why records were dropped", "", table, ""];
  if (s.annotated < r.problems.length + r.problemsOmitted) {
    const more = r.problemsOmitted ? ` (and ${n(r.problemsOmitted)} more were counted only)` : "";
    parts.push(
      `The first ${s.annotated} are annotated with their file and line; the log lists ${r.problems.length}${more}.`,
      "",
    );
  }
  return parts;
}

/** Token percentiles and a histogram drawn with block characters. */
function tokensSection(r: PrepareResult, maxTokens: number): string[] {
  const t = r.tokens;
  if (!t.count) return [];
  const percentiles = markdownTable(
    ["p50", "p90", "p99", "max", `over ${n(maxTokens)}`],
    [[n(t.p50), n(t.p90), n(t.p99), n(t.max), n(t.overMax)]],
  );
  const most = Math.max(1, ...t.histogram.map((b) => b.count));
  const histogram = markdownTable(
    ["tokens", "conversations", ""],
    t.histogram.map((b) => [
      b.to === null ? `over ${n(b.from)}` : `${n(b.from)}–${n(b.to)}`,
      n(b.count),
      "█".repeat(Math.round((20 * b.count) / most)),
    ]),
  );
  return ["### Tokens per conversation (Phi-3 tokenizer and chat template)", "", percentiles, "", histogram, ""];
}

const rolesLine = (r: PrepareResult) =>
  `${n(r.roles.user)} user, ${n(r.roles.assistant)} assistant, ${n(r.roles.system)} system`;

/** The registered data assets, with links to the studio. */
function assetsSection(s: SummaryInput): string[] {
  if (!s.assets) return [];
  const rows = s.result.ok ? [n(s.result.trainRows), n(s.result.validationRows)] : ["", ""];
  const row = (label: string, a: Registered & { url: string; uri: string }, count: string) => [
    label,
    link(`${a.name}:${a.version}`, a.url) + (a.reused ? " (reused)" : ""),
    count,
    `\`${a.uri}\``,
  ];
  const table = markdownTable(
    ["", "asset", "rows", "uri"],
    [row("train", s.assets.train, rows[0]!), row("validation", s.assets.validation, rows[1]!)],
    [1, 3],
  );
  return ["### Data assets", "", table, ""];
}
