/**
 * The evaluation gate, between the smoke prompt and the traffic move: the new deployment (candidate) and the one
 * serving the most live traffic (baseline; none on a first deploy) answer the same held-out conversations,
 * each pinned by azureml-model-deployment, and the shared evaluation module judges (paired bootstrap,
 * non-inferiority within `gate-tolerance`). The rollout moves traffic only when the gate does not block:
 * "failed" and "inconclusive" block in mode `on`; "report-only" never does. Outputs `gate-result` and
 * `eval-results-file`; the Markdown table goes into the step summary, keys removed.
 */
import { readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploymentTargetOf, MAX_DATA_BYTES, readDataAsset } from "@phi3-aml/shared/evaluation/azure";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import {
  evaluate,
  parseExamples,
  renderEvaluationMarkdown,
  writeResultsFile,
  type DeploymentTarget,
  type EvaluationEvent,
  type EvaluationReport,
  type GateResult,
} from "@phi3-aml/shared/evaluation/index";
import type { Logger } from "@phi3-aml/shared/log";
import { setOutputs } from "@phi3-aml/shared/report";
import type { EvalData, GateInputs } from "./gate-inputs.js";

export interface GateRun {
  s: Session;
  gate: GateInputs;
  endpoint: string;
  scoringUri: string;
  key: string;
  candidate: DeploymentTarget;
  /** The deployment holding the most traffic before the rollout; undefined on a first deploy. */
  baseline?: string;
  log: Logger;
  /** Where the results file goes (default RUNNER_TEMP). */
  dir?: string;
  /**
   * Aborted when the workflow run is cancelled (cancel.ts): the scoring requests in flight stop, and the gate
   * throws the abort's reason instead of judging, writing nothing.
   */
  signal?: AbortSignal;
}

export interface GateOutcome {
  result: GateResult;
  /** True when the traffic must not move. */
  blocks: boolean;
  reason: string;
  markdown: string;
  resultsFile: string;
}

/** Runs the evaluation, writes the results file and the outputs; never moves traffic itself. */
export async function runGate(o: GateRun): Promise<GateOutcome> {
  const { examples, dropped } = parseExamples(await readEvalData(o.s, o.gate.data!));
  const baseline = o.baseline ? await deploymentTargetOf(o.s, o.endpoint, o.baseline) : undefined;
  o.log.info(
    `Evaluation gate (${o.gate.mode}): ${examples.length} usable example(s), at most ${o.gate.maxExamples} sent to ${o.candidate.name}` +
      (baseline ? ` and ${baseline.name} (production)` : " (no deployment in production: floors or report only)") +
      `; ${o.gate.metric} may be at most ${o.gate.tolerance} worse.`,
  );
  const report = await evaluate({
    examples,
    dropped,
    maxExamples: o.gate.maxExamples,
    target: { scoringUri: o.scoringUri, key: o.key, endpoint: o.endpoint },
    candidate: o.candidate,
    baseline,
    gate: { mode: o.gate.mode, metric: o.gate.metric, tolerance: o.gate.tolerance },
    budgetMs: o.gate.timeoutMs,
    signal: o.signal,
    onEvent: progress(o.log, o.signal),
  });
  o.signal?.throwIfAborted();
  return outcome(o, report);
}

function outcome(o: GateRun, report: EvaluationReport): GateOutcome {
  const file = join(o.dir ?? process.env.RUNNER_TEMP ?? tmpdir(), `evaluation-${o.endpoint}-${o.candidate.name}.jsonl`);
  const resultsFile = writeResultsFile(file, report, [o.key]);
  const { result, reason } = report.gate;
  setOutputs({ "gate-result": result, "eval-results-file": resultsFile });
  const blocks = result === "failed" || result === "inconclusive";
  if (blocks) o.log.warning(`Evaluation gate: ${result}, ${reason}.`);
  else o.log.info(`Evaluation gate: ${result}, ${reason}.`);
  return { result, blocks, reason, markdown: renderEvaluationMarkdown(report, { secrets: [o.key] }), resultsFile };
}

/** The held-out conversations: a file of the repository (checked with the inputs), or a data asset. */
async function readEvalData(s: Session, data: EvalData): Promise<string> {
  if (data.kind === "asset") return readDataAsset(s, data.ref);
  const size = statSync(data.path).size;
  if (size > MAX_DATA_BYTES)
    throw new ActionError(`eval-data ${data.input} is ${size} bytes; at most ${MAX_DATA_BYTES} are read.`);
  return readFileSync(data.path, "utf8");
}

/** Retries and the budget in the log (answers are many: only every 50th is logged). */
function progress(log: Logger, cancel?: AbortSignal): (e: EvaluationEvent) => void {
  let answers = 0;
  return (e) => {
    if (cancel?.aborted) return; // cancelled: the cancel handler says so, not the budget
    if (e.type === "retry") log.info(`Evaluation: ${e.reason} from ${e.deployment}; retrying in ${e.delayMs} ms.`);
    else if (e.type === "budget")
      log.warning(`Evaluation: the time budget (${Math.round(e.budgetMs / 1000)} s) ran out; the gate fails closed.`);
    else if (++answers % 50 === 0) log.info(`Evaluation: ${answers} answers so far.`);
  };
}

/** The error that fails the step when the gate blocks: the traffic stays, the candidate goes. */
export function gateError(candidate: string, o: GateOutcome): ActionError {
  return new ActionError(
    `The evaluation gate ${o.result === "failed" ? "refused" : "could not judge"} deployment ${candidate} (${o.result}): ${o.reason}. ` +
      "The traffic stays as it was; see the table in the step summary and the eval-results-file output.",
  );
}
