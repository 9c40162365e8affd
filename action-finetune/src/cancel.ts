/**
 * Cancelling the Azure ML job when the workflow run is cancelled, from the first write on. The job name is
 * deterministic, so it is saved (and the signal handlers installed) before the job PUT: a cancel that arrives
 * while the PUT is in flight still finds the job, which may appear a few seconds later, and cancels it.
 */
import * as core from "@actions/core";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { describeStatus } from "./status.js";

/** State shared with post.ts: the job to cancel, and whether main finished (a cancelled run never does). */
export const STATE = { job: "job-name", finished: "finished" } as const;

const notFound = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Cancels the job once it exists, waiting at most `waitMs` for a PUT still in flight to create it.
 * Never throws: a cancel that fails is a warning.
 */
export async function cancelJob(s: Session, jobName: string, log: Logger, waitMs = 0): Promise<void> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const job = await s.client.jobs
        .get(rg, ws, jobName)
        .catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e)));
      if (job) {
        if (describeStatus(job.properties.status).phase === "ended") return;
        await s.client.jobs.beginCancel(rg, ws, jobName);
        log.info(`Asked Azure ML to cancel ${jobName}.`);
        return;
      }
      if (Date.now() >= deadline) {
        log.info(
          `${jobName} does not exist${waitMs ? ` after waiting ${Math.round(waitMs / 1000)} s` : ""}: nothing to cancel.`,
        );
        return;
      }
      await sleep(1000);
    }
  } catch (e) {
    log.warning(`Could not cancel ${jobName}: ${describeError(e)}`);
  }
}

/** The runner sends SIGINT, then SIGTERM, and kills the step about 7.5 s after the first. */
const MAIN_WAIT_MS = 5_000;

/** Tells the post step which job to cancel if main does not finish; call right before the job PUT. */
export const rememberJob = (jobName: string) => core.saveState(STATE.job, jobName);

/** After a PUT that Azure refused (4xx): there is no job for the post step to wait for. */
export const forgetJob = () => core.saveState(STATE.job, "");

/**
 * Installs the signal handlers; call before the first write (the cluster, then the job). The returned
 * signal aborts the follow loop.
 */
export function armCancel(s: Session, jobName: string, log: Logger): AbortSignal {
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    if (stop.signal.aborted) return;
    log.warning(`${signal}: the workflow run was cancelled; cancelling Azure ML job ${jobName}.`);
    stop.abort();
    void cancelJob(s, jobName, log, MAIN_WAIT_MS).finally(() => process.exit(1));
  };
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  return stop.signal;
}
