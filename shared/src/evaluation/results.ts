/**
 * The results file: JSONL, one line per used example, with the numeric metrics `f1`, `rouge1`, `rouge2`,
 * `rougeL`, `bleu`, `gleu` (ROUGE as F-measure) of the candidate (or of the given response), the deployment
 * names when deployments were called, and the baseline's metrics and the differences under `baseline` and
 * `delta`. Answers are cut to 2,000 characters. Every known secret is removed; no key or token is ever put in.
 */
import { writeFileSync } from "node:fs";
import { redactJson, redactSecrets } from "../report.js";
import { truncate } from "../scoring/text.js";
import type { EvaluationReport } from "./types.js";

const ANSWER_CHARS = 2000;

/** The JSONL text of the results file. */
export function resultsJsonl(report: EvaluationReport, secrets: readonly (string | undefined)[] = []): string {
  const lines = report.examples
    .filter((e) => e.used)
    .map((e) => {
      const row: Record<string, unknown> = { id: e.id, line: e.line, ...e.candidate.scores };
      if (report.candidate) row.deployment = report.candidate;
      row.response = truncate(e.candidate.answer ?? "", ANSWER_CHARS);
      if (report.baseline && e.baseline?.scores) {
        row.baseline = {
          deployment: report.baseline,
          ...e.baseline.scores,
          response: truncate(e.baseline.answer ?? "", ANSWER_CHARS),
        };
        row.delta = e.delta;
      }
      return redactSecrets(JSON.stringify(redactJson(row, secrets)), secrets);
    });
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Writes the results file; returns its path. */
export function writeResultsFile(
  path: string,
  report: EvaluationReport,
  secrets: readonly (string | undefined)[] = [],
): string {
  writeFileSync(path, resultsJsonl(report, secrets));
  return path;
}
