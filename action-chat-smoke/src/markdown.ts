/**
 * The results as Markdown, for the job summary and the pull request comment.
 *
 * Model text is untrusted: a fine-tuned model can be made to answer with anything, and the comment is
 * posted with the workflow's token. `escapeMarkdown` makes text inert in GitHub-flavoured Markdown:
 * - `&`, `<`, `>` become entities: no HTML (images, details, comments, a fake marker), no <autolinks>,
 *   and entities such as `&#64;` show as written instead of turning into `@`;
 * - Markdown punctuation is backslash-escaped: \ ` * _ [ ] ( ) | # ! ~ $ (emphasis, code, links, images,
 *   table cells, strikethrough, math), and a leading - + = or "1." that would start a list or heading;
 * - GitHub acts on some text after rendering, where backslashes are gone, so those get a zero-width joiner
 *   (U+200D) that breaks the pattern but not the look: after `@` (mentions, team mentions, e-mail autolinks),
 *   after `#` and in `GH-` before digits (issue references that would notify the issue), in `://` and
 *   `www.` (bare-URL autolinks);
 * - control characters and bidirectional overrides (text that displays differently from what it is) are
 *   dropped, tabs become spaces, and line ends become `<br>` so text stays in its table cell.
 * Long text is cut to a number of characters (before escaping, so an escape is never cut in half) with "…".
 * Known secrets are replaced by "***" first; the report never receives the key in the first place, this is
 * a second guard.
 */
import {
  commentMarker as sharedMarker,
  findMarkedComment as findShared,
  type MarkedComment,
} from "@phi3-aml/shared/pr-comment";
import type { CaseResult } from "./run-cases.js";
import type { Totals } from "./stats.js";
import { formatInt, formatMs, redact, truncate } from "./text.js";

const ZWJ = "\u200D";

export interface EscapeOptions {
  /** Cut to this many characters (before escaping), with "…". */
  maxChars?: number;
  secrets?: readonly (string | undefined)[];
}

/** Untrusted text made inert, on one line (see the module comment for the rules). */
export function escapeMarkdown(text: string, options: EscapeOptions = {}): string {
  let t = redact(text, options.secrets);
  t = t
    // C0/C1 controls except tab and line ends; bidi embeddings, overrides and isolates. Matching control
    // characters is the point here, hence the rule is off for this line.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/\t/g, " ")
    .replace(/\r\n?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (options.maxChars !== undefined) t = truncate(t, options.maxChars);
  return t
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]()|#!~$]/g, "\\$&")
    .replace(/^([-+=])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2")
    .replace(/@/g, `@${ZWJ}`)
    .replace(/#/g, `#${ZWJ}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\b(www)\./gi, `$1${ZWJ}.`)
    .replace(/\n/g, "<br>");
}

/** The hidden first line of this endpoint's chat-smoke comment (shared/src/pr-comment.ts). */
export function commentMarker(endpoint: string): string {
  return sharedMarker("chat-smoke", endpoint);
}

export type { MarkedComment };

/** The comment to update for this endpoint (see shared/src/pr-comment.ts). */
export function findMarkedComment<T extends MarkedComment>(
  comments: readonly T[],
  endpoint: string,
  options: { author?: string } = {},
): T | undefined {
  return findShared(comments, commentMarker(endpoint), options);
}

export interface RenderOptions {
  /** Endpoint name (or host of the scoring URI), shown in the title. */
  endpoint?: string;
  deployment?: string;
  /** Longest answer shown in the table, in characters (default 300). */
  maxAnswerChars?: number;
  /** Longest prompt shown in the table, in characters (default 150). */
  maxPromptChars?: number;
  /** Longest reasons text per case, in characters (default 500). */
  maxReasonChars?: number;
  /** Link to the workflow run (our own URL, not escaped). */
  runUrl?: string;
  /** Values to blank out wherever they would appear (the key). */
  secrets?: readonly (string | undefined)[];
  /** Most characters in all; rows that do not fit are counted instead (a PR comment holds 65,536). */
  maxChars?: number;
}

/** Markdown for the job summary: title, totals, then a table of every case. */
export function renderResults(results: readonly CaseResult[], totals: Totals, options: RenderOptions = {}): string {
  return render(results, totals, options, options.maxChars ?? 900_000);
}

/** Markdown for the pull request comment: the endpoint's marker first, then the same report. */
export function renderComment(
  results: readonly CaseResult[],
  totals: Totals,
  options: RenderOptions & { endpoint: string },
): string {
  const marker = commentMarker(options.endpoint);
  return `${marker}\n${render(results, totals, options, (options.maxChars ?? 60_000) - marker.length - 1)}`;
}

function render(results: readonly CaseResult[], totals: Totals, o: RenderOptions, maxChars: number): string {
  const esc = (text: string, maxChars?: number) => escapeMarkdown(text, { maxChars, secrets: o.secrets });
  const where = [o.endpoint, o.deployment]
    .filter((s): s is string => !!s)
    .map((s) => esc(s))
    .join(" / ");
  const head = [`### Phi-3 chat smoke test${where ? `: ${where}` : ""}`, "", totalsLine(totals), ""];
  const tableHead = ["| # | Prompt | Answer | Latency | Result |", "| ---: | --- | --- | ---: | --- |"];
  const foot = o.runUrl ? ["", `[Workflow run](${o.runUrl})`] : [];

  const rows = results.map((r) => {
    const number =
      r.id !== undefined || r.name !== undefined ? `${r.index + 1} ${esc(r.name ?? r.id ?? "")}` : String(r.index + 1);
    const prompt = esc(r.prompt, o.maxPromptChars ?? 150) || "_(empty)_";
    const answer = r.answer === undefined ? "—" : esc(r.answer, o.maxAnswerChars ?? 300) || "_(empty answer)_";
    const latency =
      r.latencyMs === undefined ? "—" : `${formatMs(r.latencyMs)}${r.attempts > 1 ? ` (${r.attempts} tries)` : ""}`;
    const reasons = esc(r.reasons.join("; "), o.maxReasonChars ?? 500);
    const result = r.status === "passed" ? "✅" : r.status === "skipped" ? `⏭️ ${reasons}` : `❌ ${reasons}`;
    return `| ${number} | ${prompt} | ${answer} | ${latency} | ${result} |`;
  });

  const out = [...head, ...tableHead];
  let size = [...out, ...foot].join("\n").length;
  let shown = 0;
  for (const row of rows) {
    // Keep room for the line that says how many rows were left out.
    if (size + row.length + 1 > maxChars - 120) break;
    out.push(row);
    size += row.length + 1;
    shown++;
  }
  if (shown < rows.length)
    out.push(
      "",
      `…and ${formatInt(rows.length - shown)} more case${rows.length - shown === 1 ? "" : "s"}, left out to fit; every case is in the results file and the job summary.`,
    );
  return [...out, ...foot].join("\n") + "\n";
}

/** "✅ 4 of 4 passed · p50 1,234 ms · p95 2,310 ms (nearest rank, 4 answers)" */
export function totalsLine(t: Totals): string {
  const icon = t.cases > 0 && t.failed === 0 ? "✅" : "❌";
  const parts = [
    t.failedChecks ? `${formatInt(t.failedChecks)} failed a check` : "",
    t.errors ? `${formatInt(t.errors)} got no answer` : "",
    t.skipped ? `${formatInt(t.skipped)} not sent` : "",
  ].filter(Boolean);
  const head = `**${icon} ${formatInt(t.passed)} of ${formatInt(t.cases)} passed**${parts.length ? `: ${parts.join(", ")}` : ""}`;
  const lat =
    t.p50Ms !== undefined && t.p95Ms !== undefined
      ? ` · p50 ${formatMs(t.p50Ms)} · p95 ${formatMs(t.p95Ms)} (nearest rank over ${formatInt(t.answered)} answer${t.answered === 1 ? "" : "s"})`
      : "";
  return head + lat;
}
