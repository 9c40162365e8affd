/**
 * The job's name: derived from the workflow run and a hash of what the job runs, so that running the
 * action again for the same run never submits a second GPU job but follows (or reuses) the first.
 *
 * Attempts. GitHub's "Re-run" starts a new attempt of the same run (GITHUB_RUN_ATTEMPT + 1):
 * - the same attempt again (a second step with the same inputs, a retried step) follows its job, whatever
 *   its state: it is the same request;
 * - a later attempt reuses an earlier attempt's job when that job Completed or is still going (re-running
 *   a failed deploy after a good fine-tune must not train for another hour), and submits a new job, named
 *   with the attempt, only when every earlier one Failed or was Canceled (a re-run of a failure means
 *   "try again").
 * Outside GitHub Actions (no GITHUB_RUN_ID) the name carries the time, so each local run submits anew.
 */
import { createHash } from "node:crypto";
import { checkName, JOB } from "@phi3-aml/shared/names";
import type { PipelineJobBody } from "./job-body.js";

const JOB_PREFIX = "phi3-ft";

export interface RunIdentity {
  runId: string;
  attempt: number;
  /** True outside GitHub Actions: no run to be idempotent for. */
  local: boolean;
}

export function runIdentity(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): RunIdentity {
  const id = env.GITHUB_RUN_ID?.trim();
  if (!id) return { runId: `local-${now.toISOString().replace(/\D/g, "").slice(0, 14)}`, attempt: 1, local: true };
  const attempt = Number(env.GITHUB_RUN_ATTEMPT);
  return {
    runId: id.replace(/[^A-Za-z0-9_-]+/g, "-"),
    attempt: Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1,
    local: false,
  };
}

/** JSON with object keys sorted, so that equal bodies hash equally whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  });
}

/**
 * sha256 (hex) of what the job runs: component, model, data, compute, every input, experiment and
 * settings. Not the display name or tags: they carry times and links and do not change the training.
 */
export function jobFingerprint(body: PipelineJobBody): string {
  const p = body.properties;
  return createHash("sha256")
    .update(
      canonicalJson({
        experimentName: p.experimentName,
        computeId: p.computeId,
        settings: p.settings,
        outputs: p.outputs,
        jobs: p.jobs,
      }),
    )
    .digest("hex");
}

/** The job name of one attempt: phi3-ft-<run>-<hash8>, and -a<n> for a resubmission by attempt n > 1. */
export function jobNameFor(run: Pick<RunIdentity, "runId">, fingerprint: string, attempt = 1): string {
  const name = `${JOB_PREFIX}-${run.runId}-${fingerprint.slice(0, 8)}${attempt > 1 ? `-a${attempt}` : ""}`;
  const bad = checkName(JOB, name);
  if (bad) throw new Error(bad);
  return name;
}

/** The names attempts 1..n would have used, oldest first; the last is this attempt's. */
export function jobNames(run: RunIdentity, fingerprint: string): string[] {
  return Array.from({ length: run.attempt }, (_, i) => jobNameFor(run, fingerprint, i + 1));
}

export type JobDecision =
  { submit: true; name: string; reason: string } | { submit: false; name: string; reason: string };

const RETRY = new Set(["failed", "canceled", "cancelrequested"]);

/**
 * Submit or follow: `names` from jobNames (oldest first), `statuses` the status of each that exists
 * (absent = no such job).
 */
export function decideJob(
  names: readonly string[],
  statuses: Readonly<Record<string, string | undefined>>,
): JobDecision {
  const mine = names.at(-1);
  if (!mine) throw new Error("decideJob needs at least this attempt's name");
  const own = statuses[mine];
  if (own !== undefined)
    return {
      submit: false,
      name: mine,
      reason: `job ${mine} was already submitted by this run attempt (${own}); following it instead of submitting again.`,
    };
  for (let i = names.length - 2; i >= 0; i--) {
    const name = names[i]!;
    const status = statuses[name];
    if (status !== undefined && !RETRY.has(status.toLowerCase())) {
      return {
        submit: false,
        name,
        reason: `attempt ${i + 1} of this run submitted the same job as ${name} (${status}); reusing it instead of training again.`,
      };
    }
  }
  const earlier = names.slice(0, -1).filter((n) => statuses[n] !== undefined);
  return {
    submit: true,
    name: mine,
    reason: earlier.length
      ? `earlier attempts' jobs ended without a model (${earlier.map((n) => `${n}: ${statuses[n]}`).join(", ")}); submitting ${mine}.`
      : `submitting ${mine}.`,
  };
}

/** Default display name: what and which run, readable in the studio's job list. */
export function defaultDisplayName(model: string, run: RunIdentity): string {
  return `${model} chat fine-tune · ${run.local ? run.runId : `run ${run.runId}${run.attempt > 1 ? ` attempt ${run.attempt}` : ""}`}`;
}
