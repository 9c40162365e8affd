/**
 * action-evaluate: score given pairs, or compare an endpoint's candidate deployment with its baseline (or
 * floors) on held-out conversations; report in the job summary, the results file and the sticky PR comment;
 * fail the step when the gate says failed or inconclusive (gate: on).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { userAgent } from "@phi3-aml/shared/action";
import { connect, type Session } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { noOidcReason, oidcAvailable } from "@phi3-aml/shared/login/github-token";
import { mask, maskedValues, setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { commentMarker, commentResults } from "@phi3-aml/shared/pr-comment";
import { workflowRunUrl } from "@phi3-aml/shared/tags";
import {
  evaluate,
  evaluatePairs,
  parseExamples,
  parsePairs,
  renderEvaluationMarkdown,
  writeResultsFile,
  type EvaluationEvent,
  type EvaluationReport,
} from "@phi3-aml/shared/evaluation";
import { deploymentTargetOf, readDataAsset, scoringTargetOf } from "@phi3-aml/shared/evaluation/azure";
import type { EvaluateInputs } from "./inputs.js";

export async function run(inputs: EvaluateInputs, log: Logger): Promise<void> {
  mask(inputs.githubToken);
  const report = inputs.mode === "pairs" ? scorePairs(inputs, log) : await compare(inputs, log);
  if (!report) return;
  const secrets = maskedValues();
  const resultsFile = writeResultsFile(
    join(process.env.RUNNER_TEMP || process.cwd(), "evaluation-results.jsonl"),
    report,
    secrets,
  );
  setOutputs({ "gate-result": report.gate.result, "results-file": resultsFile, examples: report.used });
  const markdown = renderEvaluationMarkdown(report, { secrets, runUrl: workflowRunUrl() });
  await writeSummary(markdown);
  await comment(inputs, report, markdown, log);
  log.info(`Gate: ${report.gate.result} (${report.gate.reason}); ${report.used} example(s) used.`);
  if (report.gate.result === "failed" || report.gate.result === "inconclusive")
    throw new ActionError(
      `The evaluation gate ${report.gate.result === "failed" ? "failed" : "could not judge (inconclusive)"}: ${report.gate.reason}. See the summary's table.`,
      report.gate.result === "inconclusive"
        ? "Give at least 10 usable examples, raise eval-timeout-minutes, or set gate: report to only report."
        : "Look at the worst regressions in the summary; raise gate-tolerance only if the loss is acceptable.",
    );
}

function scorePairs(inputs: EvaluateInputs, log: Logger): EvaluationReport {
  const { pairs, dropped } = parsePairs(inputs.pairsText ?? "");
  log.info(
    `Scoring ${pairs.length} given pair(s) from ${inputs.pairsPath}${dropped.length ? `; ${dropped.length} line(s) unusable` : ""}.`,
  );
  return evaluatePairs(pairs, { dropped, gate: inputs.gate });
}

async function compare(inputs: EvaluateInputs, log: Logger): Promise<EvaluationReport | undefined> {
  const azure = inputs.azure!;
  // A fork's pull request (or a job without id-token: write) cannot log in: say so and skip, not fail.
  if (process.env.GITHUB_ACTIONS === "true" && azure.clientId && azure.tenantId && !oidcAvailable()) {
    log.notice(`Evaluation skipped: ${noOidcReason()}`);
    setOutputs({ "gate-result": "", examples: 0 });
    await writeSummary("## Evaluation skipped\n\nThis run cannot log in to Azure (no GitHub ID token).\n");
    return undefined;
  }
  const s = await connect(azure, userAgent("evaluate"), log);
  const endpoint = inputs.endpoint!;
  const target = await scoringTargetOf(s, endpoint);
  const candidate = await deploymentTargetOf(s, endpoint, inputs.deployment!);
  const baseline = inputs.baselineDeployment
    ? await deploymentTargetOf(s, endpoint, inputs.baselineDeployment)
    : undefined;
  if (inputs.concurrency) for (const d of [candidate, baseline]) if (d) d.concurrency = inputs.concurrency;
  const { examples, dropped } = parseExamples(await evalDataText(s, inputs));
  log.info(
    `Evaluating ${candidate.name}${baseline ? ` against ${baseline.name}` : ""} on endpoint ${endpoint}: ${examples.length} usable conversation(s), at most ${inputs.maxExamples} sent; ${candidate.concurrency}${baseline ? `/${baseline.concurrency}` : ""} request(s) in flight.`,
  );
  return evaluate({
    examples,
    dropped,
    maxExamples: inputs.maxExamples,
    target: { ...target, timeoutMs: inputs.timeoutSeconds * 1000, retries: inputs.retries },
    candidate,
    baseline,
    decoding: { maxNewTokens: inputs.maxNewTokens, parameters: inputs.parameters },
    gate: inputs.gate,
    budgetMs: inputs.evalTimeoutMinutes * 60_000,
    onEvent: (e) => logEvent(e, log),
  });
}

async function evalDataText(s: Session, inputs: EvaluateInputs): Promise<string> {
  const data = inputs.evalData!;
  return data.kind === "file" ? readFileSync(data.path, "utf8") : readDataAsset(s, data.ref);
}

function logEvent(e: EvaluationEvent, log: Logger): void {
  if (e.type === "retry")
    log.info(`${e.deployment}: ${e.reason}; trying again in ${Math.round(e.delayMs / 100) / 10} s.`);
  if (e.type === "answer" && !e.ok) log.info(`${e.deployment}, example ${e.example}: ${e.error}`);
  if (e.type === "budget")
    log.warning(
      `The time budget (eval-timeout-minutes) ran out after ${Math.round(e.budgetMs / 1000)} s: the gate cannot judge.`,
    );
}

async function comment(inputs: EvaluateInputs, report: EvaluationReport, markdown: string, log: Logger): Promise<void> {
  const marker = commentMarker("evaluate", report.endpoint ?? inputs.pairsPath ?? "pairs");
  const o = { when: inputs.comment, token: inputs.githubToken, marker, body: `${marker}\n${markdown}` };
  await commentResults(o, log);
}
