import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { userAgent } from "@phi3-aml/shared/action";
import { connect } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { noOidcReason, oidcAvailable } from "@phi3-aml/shared/login/github-token";
import { commentResults } from "@phi3-aml/shared/pr-comment";
import { mask, maskedValues, redactJson, redactSecrets, setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { fetchSender } from "@phi3-aml/shared/scoring/client";
import { buildHeaders, buildPayload } from "@phi3-aml/shared/scoring/payload";
import { ShapeMemory } from "@phi3-aml/shared/scoring/shape";
import { workflowRunUrl } from "@phi3-aml/shared/tags";
import { caseLabel } from "./cases.js";
import type { ChatSmokeInputs } from "./inputs.js";
import { commentMarker, renderComment, renderResults, totalsLine } from "./markdown.js";
import { runCases, type Send } from "./run-cases.js";
import { summarize } from "./stats.js";

interface Target {
  name: string;
  scoringUri: string;
  key: string;
}

/** Where to send the cases and with which key: read through Azure ML for a named endpoint, or given. */
async function resolveTarget(inputs: ChatSmokeInputs, log: Logger): Promise<Target | undefined> {
  if (inputs.target && "scoringUri" in inputs.target) {
    mask(inputs.target.apiKey);
    return {
      name: new URL(inputs.target.scoringUri).host,
      scoringUri: inputs.target.scoringUri,
      key: inputs.target.apiKey,
    };
  }
  const azure = inputs.azure!;
  // A fork's pull request (or a job without id-token: write) cannot log in: say so and skip, not fail.
  if (process.env.GITHUB_ACTIONS === "true" && azure.clientId && azure.tenantId && !oidcAvailable()) {
    log.notice(`Chat smoke test skipped: ${noOidcReason()}`);
    return undefined;
  }
  const name = (inputs.target as { endpoint: string }).endpoint;
  const s = await connect(azure, userAgent("chat-smoke"), log);
  const { resourceGroup, workspace } = s.ref;
  let scoringUri: string | undefined;
  try {
    const endpoint = await s.client.onlineEndpoints.get(resourceGroup, workspace, name);
    scoringUri = endpoint.properties.scoringUri;
    if (endpoint.properties.authMode !== "Key")
      throw new ActionError(
        `Endpoint ${name} uses ${endpoint.properties.authMode} authentication; this step sends its key, so the endpoint needs authMode Key.`,
      );
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404)
      throw new ActionError(
        `There is no online endpoint "${name}" in workspace ${workspace}.`,
        "Check endpoint, or deploy first (action-deploy).",
      );
    throw e;
  }
  if (!scoringUri) throw new ActionError(`Endpoint ${name} has no scoring URI yet (is it still being created?).`);
  const keys = await s.client.onlineEndpoints.listKeys(resourceGroup, workspace, name);
  const key = keys.primaryKey ?? keys.secondaryKey;
  mask(key);
  if (!key) throw new ActionError(`Endpoint ${name} gave no key.`);
  return { name, scoringUri, key };
}

/** Send every case to the endpoint, check the answers, report them in the summary and on the pull request. */
export async function run(inputs: ChatSmokeInputs, log: Logger): Promise<void> {
  mask(inputs.githubToken);
  const target = await resolveTarget(inputs, log);
  if (!target) {
    setOutputs({ passed: "", cases: inputs.cases.length, failed: 0 });
    await writeSummary(
      `## Chat smoke test skipped\n\nThis run cannot log in to Azure (no GitHub ID token: a pull request from a fork, or no \`permissions: id-token: write\`).\n`,
    );
    return;
  }
  const settings = {
    temperature: inputs.temperature,
    maxNewTokens: inputs.maxNewTokens,
    parameters: inputs.parameters,
  };
  const headers = buildHeaders(target.key, inputs.deployment);
  // The shared client's fetch sender: POSTs the case in the requested shape, reads the whole answer.
  const send: Send = (c, signal, shape) =>
    fetchSender(target.scoringUri, headers, (s) => buildPayload(c, settings, s))(shape, signal);
  log.info(
    `Sending ${inputs.cases.length} case(s) to ${target.name}${inputs.deployment ? ` (deployment ${inputs.deployment})` : ""}, ${inputs.concurrency} at a time.`,
  );
  const shapes = new ShapeMemory();
  const budget = runBudget(inputs.timeoutMinutes);
  const results = await runCases(inputs.cases, send, {
    shapes,
    secrets: [target.key],
    signal: budget.signal,
    budget: budget.what,
    concurrency: inputs.concurrency,
    retries: inputs.retries,
    timeoutMs: inputs.timeoutSeconds * 1000,
    maxLatencyMs: inputs.maxLatencyMs,
    deployment: inputs.deployment,
    onEvent: (e) => {
      if (e.type === "retry")
        log.info(`Case ${caseLabel(e.case)}: ${e.reason}; trying again in ${Math.round(e.delayMs / 1000)} s.`);
      if (e.type === "fallback")
        log.info(
          `Case ${caseLabel(e.case)}: the endpoint could not read the ${e.from} request (HTTP ${e.status}); sending the ${e.to} one.`,
        );
      if (e.type === "result")
        log.info(
          `Case ${e.result.label}: ${e.result.status}${e.result.latencyMs !== undefined ? ` in ${e.result.latencyMs} ms` : ""}${e.result.reasons.length ? ` — ${e.result.reasons.join("; ")}` : ""}`,
        );
    },
  });
  budget.stop();
  const totals = summarize(results);
  // Every secret the step knows, redacted from everything it writes as the runner does in the log.
  const secrets = [target.key, ...maskedValues()];
  const render = { endpoint: target.name, deployment: inputs.deployment, runUrl: workflowRunUrl(), secrets };

  const resultsFile = join(process.env.RUNNER_TEMP || process.cwd(), "chat-smoke-results.json");
  const record = { endpoint: target.name, deployment: inputs.deployment ?? null, totals, cases: results };
  writeFileSync(resultsFile, redactSecrets(JSON.stringify(redactJson(record, secrets), null, 2), secrets));
  setOutputs({
    passed: totals.failed === 0,
    cases: totals.cases,
    failed: totals.failed,
    "p50-ms": totals.p50Ms,
    "p95-ms": totals.p95Ms,
    "results-file": resultsFile,
    "payload-shape": shapes.known ?? "",
  });
  await writeSummary(renderResults(results, totals, render));

  await comment(inputs, target, renderComment(results, totals, render), log);
  log.info(totalsLine(totals));
  if (budget.signal.aborted)
    throw new ActionError(
      `The run's time budget (timeout-minutes: ${inputs.timeoutMinutes}) ran out before every case was done; ${totals.failed} of ${totals.cases} did not pass (see the summary).`,
      "Send fewer cases, raise concurrency, or raise timeout-minutes.",
    );
  if (totals.failed > 0)
    throw new ActionError(`${totals.failed} of ${totals.cases} chat case(s) did not pass (see the summary).`);
}

/** The whole run's time budget: aborts its signal after timeout-minutes. */
function runBudget(minutes: number): { signal: AbortSignal; what: string; stop: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), minutes * 60_000);
  return {
    signal: controller.signal,
    what: `the run's time budget (timeout-minutes: ${minutes})`,
    stop: () => clearTimeout(timer),
  };
}

async function comment(inputs: ChatSmokeInputs, target: Target, body: string, log: Logger): Promise<void> {
  const o = { when: inputs.comment, token: inputs.githubToken, marker: commentMarker(target.name), body };
  await commentResults(o, log);
}
