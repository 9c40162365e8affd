/**
 * Azure ML job statuses (JobStatus of 2025-12-01, reference §3.2) in words, and how often to look.
 * Only Completed, Failed and Canceled end a job; NotResponding and Paused can still recover, and a status
 * this table does not know (the service adds some, e.g. "Created") is treated as still going.
 */

export const JOB_STATUSES = [
  "NotStarted",
  "Starting",
  "Provisioning",
  "Preparing",
  "Queued",
  "Running",
  "Finalizing",
  "CancelRequested",
  "Completed",
  "Failed",
  "Canceled",
  "NotResponding",
  "Paused",
  "Unknown",
] as const;
type JobStatus = (typeof JOB_STATUSES)[number];

/** waiting: before training starts; running; finishing: about to end; ended; stalled: no progress reported. */
export type Phase = "waiting" | "running" | "finishing" | "ended" | "stalled";

export interface StatusInfo {
  /** The status as Azure spells it (or "Unknown" when none was given). */
  status: string;
  terminal: boolean;
  success: boolean;
  /** For progress lines: "Queued (waiting for a node of the cluster)". */
  label: string;
  phase: Phase;
}

const TABLE: Record<JobStatus, { phase: Phase; words: string }> = {
  NotStarted: { phase: "waiting", words: "submitted, not started yet" },
  Starting: { phase: "waiting", words: "starting" },
  Provisioning: { phase: "waiting", words: "provisioning compute" },
  Preparing: { phase: "waiting", words: "preparing the environment (image build or pull)" },
  Queued: { phase: "waiting", words: "waiting for a node of the cluster" },
  Running: { phase: "running", words: "running" },
  Finalizing: { phase: "finishing", words: "uploading outputs" },
  CancelRequested: { phase: "finishing", words: "cancelling" },
  Completed: { phase: "ended", words: "done" },
  Failed: { phase: "ended", words: "failed" },
  Canceled: { phase: "ended", words: "cancelled" },
  NotResponding: { phase: "stalled", words: "no heartbeat from the run; it may recover" },
  Paused: { phase: "stalled", words: "paused" },
  Unknown: { phase: "stalled", words: "status unknown" },
};

export function describeStatus(status: string | null | undefined): StatusInfo {
  const given = status?.trim() || "Unknown";
  // Azure's casing is not guaranteed in every response: match without case, answer in the table's.
  const known = JOB_STATUSES.find((s) => s.toLowerCase() === given.toLowerCase());
  if (!known)
    return {
      status: given,
      terminal: false,
      success: false,
      label: `${given} (a status this action does not know; still following)`,
      phase: "stalled",
    };
  const t = TABLE[known];
  const terminal = t.phase === "ended";
  return {
    status: known,
    terminal,
    success: known === "Completed",
    label: known === "Running" || terminal ? known : `${known} (${t.words})`,
    phase: t.phase,
  };
}

export interface PollStep {
  /** The first pause after a change of status. */
  firstMs: number;
  /** The longest pause while the status stays the same. */
  maxMs: number;
}

/**
 * Pauses per phase. A fine-tune runs for an hour or more: while Running, looking once a minute costs
 * ~60 requests an hour and still shows every change within a minute. Near the end (Finalizing,
 * CancelRequested) looks are frequent, since the end is what the step waits for.
 */
export const POLL: Record<Phase, PollStep> = {
  waiting: { firstMs: 10_000, maxMs: 60_000 },
  running: { firstMs: 15_000, maxMs: 60_000 },
  finishing: { firstMs: 5_000, maxMs: 15_000 },
  stalled: { firstMs: 30_000, maxMs: 60_000 },
  ended: { firstMs: 0, maxMs: 0 },
};
const POLL_BACKOFF = 1.5;

export interface PollOptions {
  /** The server's Retry-After, in ms: never looked at sooner. */
  retryAfterMs?: number;
  /** Multiplies every pause (tests and the emulator run jobs in seconds). */
  scale?: number;
}

/**
 * The pause before the next look: the phase's first pause, growing by POLL_BACKOFF for each look that
 * saw no change (`unchangedLooks`, 0 right after a change), up to the phase's maximum; at least Retry-After.
 */
export function pollDelayMs(status: string | null | undefined, unchangedLooks: number, o: PollOptions = {}): number {
  const step = POLL[describeStatus(status).phase];
  const grown = Math.min(step.maxMs, step.firstMs * POLL_BACKOFF ** Math.max(0, unchangedLooks));
  return Math.max(Math.round(grown * (o.scale ?? 1)), o.retryAfterMs ?? 0);
}
