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
  const parts = [`## Chat dataset ${r.ok ? "prepared" : "rejected"}`, ""];
  parts.push(
    markdownTable(
      ["source", "split", "seed", "validation share", "max tokens"],
      [[s.source, s.split, s.seed, s.validationSplit, n(s.maxTokens)]],
    ),
    "",
  );
  const rows: Array<[string, string]> = [
    ["records in the slice", n(r.rowsIn)],
    ["invalid", n(r.invalid)],
    ["longer than max-tokens", n(r.tooLong)],
    ["dropped in all", n(r.dropped.total)],
  ];
  if (r.ok) rows.push(["training conversations", n(r.trainRows)], ["validation conversations", n(r.validationRows)]);
  parts.push(markdownTable(["", "count"], rows), "");
  const reasons = REASON_CODES.filter((c) => r.dropped.byReason[c] > 0);
  if (reasons.length) {
    parts.push(
      "### Why records were dropped",
      "",
      markdownTable(
        ["reason", "records"],
        reasons.map((c) => [REASON_TEXT[c], n(r.dropped.byReason[c])]),
      ),
      "",
    );
    if (s.annotated < r.problems.length + r.problemsOmitted) {
      parts.push(
        `The first ${s.annotated} are annotated with their file and line; the log lists ${r.problems.length}${r.problemsOmitted ? ` (and ${n(r.problemsOmitted)} more were counted only)` : ""}.`,
        "",
      );
    }
  }
  if (r.tokens.count) {
    const t = r.tokens;
    parts.push(
      "### Tokens per conversation (Phi-3 tokenizer and chat template)",
      "",
      markdownTable(
        ["p50", "p90", "p99", "max", `over ${n(s.maxTokens)}`],
        [[n(t.p50), n(t.p90), n(t.p99), n(t.max), n(t.overMax)]],
      ),
      "",
    );
    const most = Math.max(1, ...t.histogram.map((b) => b.count));
    parts.push(
      markdownTable(
        ["tokens", "conversations", ""],
        t.histogram.map((b) => [
          b.to === null ? `over ${n(b.from)}` : `${n(b.from)}–${n(b.to)}`,
          n(b.count),
          "█".repeat(Math.round((20 * b.count) / most)),
        ]),
      ),
      "",
    );
  }
  if (r.ok) {
    parts.push(
      `Messages by role: ${n(r.roles.user)} user, ${n(r.roles.assistant)} assistant, ${n(r.roles.system)} system.`,
      "",
    );
  }
  if (!r.ok) parts.push(`**Failed:** ${escapeMarkdown(r.message)}`, "");
  if (s.assets) {
    parts.push(
      "### Data assets",
      "",
      markdownTable(
        ["", "asset", "rows", "uri"],
        [
          [
            "train",
            link(`${s.assets.train.name}:${s.assets.train.version}`, s.assets.train.url) +
              (s.assets.train.reused ? " (reused)" : ""),
            r.ok ? n(r.trainRows) : "",
            `\`${s.assets.train.uri}\``,
          ],
          [
            "validation",
            link(`${s.assets.validation.name}:${s.assets.validation.version}`, s.assets.validation.url) +
              (s.assets.validation.reused ? " (reused)" : ""),
            r.ok ? n(r.validationRows) : "",
            `\`${s.assets.validation.uri}\``,
          ],
        ],
        [1, 3],
      ),
      "",
    );
  }
  if (r.ok)
    parts.push(
      `Fingerprint \`${r.fingerprint}\` — the same input and settings give the same bytes and fingerprint.`,
      "",
    );
  return parts.join("\n");
}
