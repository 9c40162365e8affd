import * as core from "@actions/core";
import { userAgent } from "@phi3-aml/shared/action";
import { sdkBody } from "@phi3-aml/shared/azureml/sdk-body";
import { connect, type Session } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { standardTags } from "@phi3-aml/shared/tags";
import { followPoller, formatDuration } from "@phi3-aml/shared/wait";
import { armCancel, cancelJob, forgetJob, rememberJob, STATE } from "./cancel.js";
import { COMPONENT_NAME } from "./component.js";
import { computeBody } from "./compute-body.js";
import { publishFinetuneConfig } from "./finetune-config.js";
import { failedRunLog, follow, type Followed } from "./follow.js";
import type { FinetuneInputs } from "./inputs.js";
import { decideJob } from "./job-name.js";
import { modelUri } from "./job-body.js";
import { finalMetrics, lossCharts } from "./metrics.js";
import { preflight, type Prepared } from "./preflight.js";
import { describeStatus } from "./status.js";
import { summaryMarkdown } from "./summary.js";

export { cancelJob, STATE };

/**
 * Submit (or follow) the chat-completion fine-tune and report it. When the workflow run is cancelled, the
 * runner sends SIGINT: the job is cancelled at once (handlers are installed before the first write), and
 * again by the post step if main did not finish.
 */
export async function run(inputs: FinetuneInputs, log: Logger): Promise<void> {
  const s = await connect(inputs.azure, userAgent("finetune"), log);
  let prepared: Prepared | undefined;
  let jobName = inputs.job;
  let stop: AbortSignal;
  if (!jobName) {
    prepared = await log.group("Preflight", () => preflight(s, inputs, new Date(), log));
    for (const n of prepared.notes) log.info(n);
    for (const w of prepared.warnings) log.warning(w);
    const submitted = await submit(s, inputs, prepared, log);
    jobName = submitted.name;
    stop = submitted.stop;
  } else {
    rememberJob(jobName);
    stop = armCancel(s, jobName, log);
  }
  const links = studioLinks(s.cloud, s.ref);
  setOutputs({ "job-name": jobName, "studio-url": links.job(jobName), "model-uri": modelUri(jobName) });

  if (!inputs.wait) {
    const job = await s.client.jobs.get(s.ref.resourceGroup, s.ref.workspace, jobName);
    setOutputs({ status: job.properties.status ?? "Unknown" });
    core.saveState(STATE.finished, "true");
    log.info(`wait is false: ${jobName} goes on (${job.properties.status}). Follow it later with job: ${jobName}.`);
    return;
  }
  const followed = await follow(s, jobName, { timeoutMs: inputs.timeoutMinutes * 60_000, signal: stop, log });
  if (followed.stoppedWaiting === "cancelled") return;
  core.saveState(STATE.finished, "true");
  await finish(s, inputs, jobName, prepared, followed, log);
}

/**
 * Decides between submitting and following; before the first write (the cluster, then the job) saves the
 * deterministic job name and installs the cancel handlers, so that a cancel during the PUT is not lost.
 */
async function submit(s: Session, inputs: FinetuneInputs, p: Prepared, log: Logger) {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const statuses: Record<string, string | undefined> = {};
  for (const name of p.names)
    statuses[name] = await s.client.jobs.get(rg, ws, name).then(
      (j) => j.properties.status ?? "Unknown",
      (e) => ((e as { statusCode?: number }).statusCode === 404 ? undefined : Promise.reject(e)),
    );
  const decision = decideJob(p.names, statuses);
  log.info(decision.reason);
  const stop = armCancel(s, decision.name, log);
  if (!decision.submit) {
    rememberJob(decision.name);
    return { name: decision.name, stop };
  }
  // The finetune config goes up before the cluster and the job: the job's body names its data asset.
  if (inputs.finetuneConfig) await publishFinetuneConfig(s, inputs.finetuneConfig, log);
  if (!inputs.serverless && !p.compute.exists) {
    log.info(
      `Creating cluster ${inputs.compute} (${inputs.vmSize}, ${inputs.minNodes}-${inputs.maxNodes} nodes, ${inputs.idleSeconds} s idle${inputs.identity ? ", user-assigned identity" : ""}).`,
    );
    const body = computeBody({ ...p.compute.wanted, tags: standardTags() });
    await followPoller(
      await s.client.computeOperations.beginCreateOrUpdate(rg, ws, inputs.compute, sdkBody("computeType", body)),
      {
        what: `cluster ${inputs.compute}`,
        log,
        timeoutMs: 30 * 60_000,
        intervalMs: 5_000,
      },
    );
  }
  const body = { properties: { ...p.body.properties, tags: { ...standardTags(), ...p.body.properties.tags } } };
  // Saved before the PUT: a cancel while it is in flight still cancels the job it creates.
  rememberJob(decision.name);
  await s.client.jobs.createOrUpdate(rg, ws, decision.name, sdkBody("jobType", body)).catch((e: unknown) => {
    const status = (e as { statusCode?: number }).statusCode ?? 0;
    if (status >= 400 && status < 500) forgetJob();
    throw e;
  });
  log.info(`Submitted ${decision.name}: ${studioLinks(s.cloud, s.ref).job(decision.name)}`);
  return { name: decision.name, stop };
}

/** Outputs, the failing step's log, the summary, and the step's outcome once the job ended (or waiting stopped). */
async function finish(
  s: Session,
  inputs: FinetuneInputs,
  jobName: string,
  prepared: Prepared | undefined,
  followed: Followed,
  log: Logger,
): Promise<void> {
  const links = studioLinks(s.cloud, s.ref);
  const metrics = finalMetrics(followed.histories);
  setOutputs({
    status: followed.status,
    "duration-seconds": followed.durationSeconds,
    metrics: JSON.stringify(metrics),
  });
  const logTail = followed.status === "Failed" ? await failedRunLog(s, jobName) : undefined;
  if (logTail) await log.group(`Last lines of ${logTail.run}'s log`, async () => log.info(`\n${logTail.text}`));
  await writeSummary(report(s, inputs, jobName, prepared, followed, metrics, logTail));

  if (followed.stoppedWaiting === "timeout") {
    log.warning(
      `Stopped waiting for ${jobName} after ${formatDuration(inputs.timeoutMinutes * 60_000)}; it is still ${followed.status} and goes on. Resume with job: ${jobName} in a later run.`,
    );
    return;
  }
  if (!describeStatus(followed.status).success) {
    const last = logTail?.text.trim().split("\n").at(-1);
    throw new ActionError(
      `Fine-tune job ${jobName} ended ${followed.status}${last ? `: ${last}` : "."}`,
      `See ${links.job(jobName)} for the failing step's logs.`,
    );
  }
  log.info(
    `${jobName} Completed in ${formatDuration(followed.durationSeconds * 1000)}. The model: ${modelUri(jobName)}`,
  );
}

function report(
  s: Session,
  inputs: FinetuneInputs,
  jobName: string,
  p: Prepared | undefined,
  f: Followed,
  metrics: Record<string, number>,
  logTail?: { run: string; text: string },
): string {
  const links = studioLinks(s.cloud, s.ref);
  const compute = inputs.serverless ? "serverless" : inputs.compute;
  return summaryMarkdown({
    jobName,
    status: f.status,
    studioUrl: links.job(jobName),
    durationSeconds: f.durationSeconds,
    model: { text: p?.model.label ?? "(from the job)", input: p?.model.binding.input },
    component: { name: COMPONENT_NAME, version: p?.componentVersion ?? inputs.componentVersion ?? "?" },
    trainData: { text: inputs.trainData ?? "(from the job)" },
    validationData: { text: inputs.validationData ?? "(from the job)" },
    compute: {
      name: compute,
      vmSize: inputs.vmSize,
      maxNodes: inputs.serverless ? inputs.nodes : inputs.maxNodes,
      nodes: inputs.nodes,
      gpusPerNode: p?.compute.gpusPerNode ?? inputs.gpusPerNode ?? 1,
      url: inputs.serverless ? undefined : links.compute(inputs.compute),
    },
    hyperparameters: p?.hyperparameters ?? {},
    sources: p?.sources,
    spec: p?.spec,
    metrics,
    charts: lossCharts(f.histories),
    modelUri: modelUri(jobName),
    timeline: f.timeline,
    stoppedWaiting: f.stoppedWaiting === "timeout" ? { afterMs: inputs.timeoutMinutes * 60_000 } : undefined,
    logTail,
    notes: [...(p?.warnings ?? []), ...(p?.notes ?? [])],
  });
}
