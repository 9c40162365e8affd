import * as core from "@actions/core";
import { userAgent } from "@phi3-aml/shared/action";
import { connect, type Session } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { standardTags } from "@phi3-aml/shared/tags";
import { followPoller, formatDuration } from "@phi3-aml/shared/wait";
import { COMPONENT_NAME } from "./component.js";
import { computeBody } from "./compute-body.js";
import { failedRunLog, follow, type Followed } from "./follow.js";
import type { FinetuneInputs } from "./inputs.js";
import { decideJob } from "./job-name.js";
import { modelUri } from "./job-body.js";
import { finalMetrics, lossCharts } from "./metrics.js";
import { preflight, type Prepared } from "./preflight.js";
import { describeStatus } from "./status.js";
import { summaryMarkdown } from "./summary.js";

/** State shared with post.ts: the job to cancel, and whether main finished (a cancelled run never does). */
export const STATE = { job: "job-name", finished: "finished" } as const;

/**
 * Submit (or follow) the catalog fine-tune of Phi-3 and report it. When the workflow run is cancelled,
 * the runner sends SIGINT: the job is cancelled at once, and again by the post step if main did not finish.
 */
export async function run(inputs: FinetuneInputs, log: Logger): Promise<void> {
  const s = await connect(inputs.azure, userAgent("finetune"), log);
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const links = studioLinks(s.cloud, s.ref);
  let prepared: Prepared | undefined;
  let jobName = inputs.job;

  if (!jobName) {
    prepared = await log.group("Preflight", () => preflight(s, inputs));
    for (const n of prepared.notes) log.info(n);
    const statuses: Record<string, string | undefined> = {};
    for (const name of prepared.names)
      statuses[name] = await s.client.jobs.get(rg, ws, name).then(
        (j) => j.properties.status ?? "Unknown",
        (e) => ((e as { statusCode?: number }).statusCode === 404 ? undefined : Promise.reject(e)),
      );
    const decision = decideJob(prepared.names, statuses);
    log.info(decision.reason);
    jobName = decision.name;
    if (decision.submit) {
      if (!prepared.compute.exists) {
        log.info(
          `Creating cluster ${inputs.compute} (${inputs.vmSize}, ${inputs.minNodes}-${inputs.maxNodes} nodes, ${inputs.idleSeconds} s idle).`,
        );
        const body = computeBody({ ...prepared.compute.wanted, tags: standardTags() });
        await followPoller(
          await s.client.computeOperations.beginCreateOrUpdate(rg, ws, inputs.compute, body as never),
          { what: `cluster ${inputs.compute}`, log, timeoutMs: 30 * 60_000, intervalMs: 5_000 },
        );
      }
      await s.client.jobs.createOrUpdate(rg, ws, jobName, {
        properties: { ...prepared.body.properties, tags: { ...standardTags(), ...prepared.body.properties.tags } },
      } as never);
      log.info(`Submitted ${jobName}: ${links.job(jobName)}`);
    }
  }
  core.saveState(STATE.job, jobName);
  setOutputs({ "job-name": jobName, "studio-url": links.job(jobName), "model-uri": modelUri(jobName) });

  // Cancellation: the runner sends SIGINT (then SIGTERM) and gives about 7 seconds.
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    log.warning(`${signal}: the workflow run was cancelled; cancelling Azure ML job ${jobName}.`);
    stop.abort();
    void cancelJob(s, jobName!, log).finally(() => process.exit(1));
  };
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.once("SIGTERM", () => onSignal("SIGTERM"));

  if (!inputs.wait) {
    const job = await s.client.jobs.get(rg, ws, jobName);
    setOutputs({ status: job.properties.status ?? "Unknown" });
    core.saveState(STATE.finished, "true");
    log.info(`wait is false: ${jobName} goes on (${job.properties.status}). Follow it later with job: ${jobName}.`);
    return;
  }

  const followed = await follow(s, jobName, { timeoutMs: inputs.timeoutMinutes * 60_000, signal: stop.signal, log });
  if (followed.stoppedWaiting === "cancelled") return;
  core.saveState(STATE.finished, "true");
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
  const info = describeStatus(followed.status);
  if (!info.success) {
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

export async function cancelJob(s: Session, jobName: string, log: Logger): Promise<void> {
  try {
    const job = await s.client.jobs.get(s.ref.resourceGroup, s.ref.workspace, jobName);
    if (describeStatus(job.properties.status).phase === "ended") return;
    await s.client.jobs.beginCancel(s.ref.resourceGroup, s.ref.workspace, jobName);
    log.info(`Asked Azure ML to cancel ${jobName}.`);
  } catch (e) {
    log.warning(`Could not cancel ${jobName}: ${describeError(e)}`);
  }
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
  return summaryMarkdown({
    jobName,
    status: f.status,
    studioUrl: links.job(jobName),
    durationSeconds: f.durationSeconds,
    model: { name: inputs.model, version: p?.modelVersion ?? inputs.modelVersion ?? "?", registry: inputs.registry },
    component: { name: COMPONENT_NAME, version: p?.componentVersion ?? inputs.componentVersion ?? "?" },
    trainData: { text: inputs.trainData ?? "(from the job)" },
    validationData: { text: inputs.validationData ?? "(from the job)" },
    compute: {
      name: inputs.compute,
      vmSize: inputs.vmSize,
      maxNodes: inputs.maxNodes,
      gpusPerNode: p?.compute.gpusPerNode ?? inputs.gpusPerNode ?? 1,
      url: links.compute(inputs.compute),
    },
    hyperparameters: p?.hyperparameters ?? {},
    spec: p?.spec,
    metrics,
    charts: lossCharts(f.histories),
    modelUri: modelUri(jobName),
    timeline: f.timeline,
    stoppedWaiting: f.stoppedWaiting === "timeout" ? { afterMs: inputs.timeoutMinutes * 60_000 } : undefined,
    logTail,
    notes: p?.notes,
  });
}
