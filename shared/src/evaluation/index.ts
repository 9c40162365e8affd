/**
 * The evaluation gate's module: is the candidate deployment at least as good as the one in production, on
 * held-out conversations? Used by action-evaluate and by action-deploy's gate step. Internals:
 * docs/evaluation.md.
 *
 * Typical use:
 *
 * ```ts
 * const { examples, dropped } = parseExamples(readFileSync("validation.jsonl", "utf8"));
 * const report = await evaluate({
 *   examples, dropped, maxExamples: 200,
 *   target: { scoringUri, key, endpoint: "my-endpoint" },
 *   candidate: { name: "green", concurrency: 2 },        // max_concurrent_requests_per_instance × instances
 *   baseline: { name: "blue", concurrency: 2 },          // omit on a first deploy: floors or report-only
 *   gate: { mode: "on", metric: "f1", tolerance: 0.02, floors: { f1: 0.3 } },
 *   budgetMs: 30 * 60_000,                                // fails closed (inconclusive) when it runs out
 *   onEvent: (e) => log.info(...),
 * });
 * report.gate.result;                                     // "passed" | "failed" | "report-only" | "inconclusive"
 * writeSummary(renderEvaluationMarkdown(report, { secrets: [key] }));
 * writeResultsFile(join(RUNNER_TEMP, "evaluation-results.jsonl"), report, [key]);
 * ```
 *
 * `evaluatePairs(parsePairs(text).pairs, { gate })` scores given responses without any endpoint.
 * A gate result other than "passed" must leave traffic as it is: "failed" and "inconclusive" both fail
 * closed; "report-only" means there was nothing to judge against (or gate: report / off).
 */
export { evaluate } from "./evaluate.js";
export type { DeploymentTarget, EvaluationEvent } from "./evaluate.js";
export { evaluatePairs } from "./pairs.js";
export { parseExamples, parsePairs } from "./examples.js";
export type { GateResult } from "./gate.js";
export { renderEvaluationMarkdown } from "./markdown.js";
export { writeResultsFile } from "./results.js";
export type * from "./types.js";
