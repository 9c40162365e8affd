import type { Logger } from "./log.js";

/**
 * The longest pause a server's Retry-After may ask of the one polling loop. ARM asks clients to honour
 * Retry-After (Azure/azure-resource-manager-rpc, v1.0/async-api-reference.md) and Azure ML's 202s declare
 * 10–600 s (mfe.json, every 202's Retry-After header); a runner waiting ten minutes for one look is billed
 * for it, so a longer ask is cut to two minutes, the scoring client's cap too (scoring/retry.ts BACKOFF).
 */
export const MAX_RETRY_AFTER_MS = 120_000;

/**
 * The pause before the next look: the loop's own interval, or the server's Retry-After (capped at
 * `maxRetryAfterMs`) when that is longer, never past what is left of the time allowed.
 */
export function nextPause(
  intervalMs: number,
  retryAfterMs: number | undefined,
  maxRetryAfterMs: number,
  leftMs: number,
) {
  const asked = Math.min(retryAfterMs ?? 0, maxRetryAfterMs);
  return Math.min(Math.max(intervalMs, asked), Math.max(0, leftMs));
}

/** What one look at a long-running thing found. */
export interface Observation<T> {
  /** A short state name shown in progress lines: "Running", "Creating". */
  state: string;
  done: boolean;
  value?: T;
  /** Set when the thing ended badly: waitFor throws with this message. */
  failed?: string;
  /** Extra words for the progress line. */
  detail?: string;
  /** The server asked for this pause before the next look (Retry-After). */
  retryAfterMs?: number;
}

export interface WaitOptions {
  /** What we wait for, for progress lines: "fine-tune job ft-123". */
  what: string;
  log: Logger;
  timeoutMs: number;
  /** First pause between looks; grows by `backoff` while nothing changes, up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  backoff?: number;
  /** Cap of the server's Retry-After (default MAX_RETRY_AFTER_MS). */
  maxRetryAfterMs?: number;
  /** A "still <state>" line at least this often, when the state does not change. */
  progressEveryMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called on every state change (for timelines in summaries). */
  onState?: (state: string, at: number) => void;
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly lastState: string,
    readonly elapsedMs: number,
  ) {
    super(`Gave up waiting for ${what} after ${formatDuration(elapsedMs)}; it was still ${lastState}.`);
    this.name = "WaitTimeoutError";
  }
}

export class WaitCancelledError extends Error {
  constructor(
    readonly what: string,
    readonly lastState: string,
  ) {
    super(`Stopped waiting for ${what} (cancelled); it was ${lastState}.`);
    this.name = "WaitCancelledError";
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The one polling loop: looks with `observe` until done, failed, timed out or cancelled. The pause
 * grows while nothing changes and starts over on a change; Retry-After is respected; a progress line
 * is printed on every state change and at a steady cadence.
 */
export async function waitFor<T>(observe: () => Promise<Observation<T>>, o: WaitOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? abortableSleep;
  const first = o.intervalMs ?? 5_000;
  const cap = o.maxIntervalMs ?? 60_000;
  const backoff = o.backoff ?? 1.5;
  const every = o.progressEveryMs ?? 60_000;
  const start = now();
  let state = "";
  let interval = first;
  let lastLine = start;

  for (;;) {
    if (o.signal?.aborted) throw new WaitCancelledError(o.what, state || "not started");
    const seen = await observe();
    const at = now();
    if (seen.state !== state) {
      o.log.info(
        `${o.what}: ${state ? `${state} → ` : ""}${seen.state}${seen.detail ? ` (${seen.detail})` : ""} after ${formatDuration(at - start)}`,
      );
      o.onState?.(seen.state, at);
      state = seen.state;
      interval = first;
      lastLine = at;
    } else if (at - lastLine >= every) {
      o.log.info(
        `${o.what}: still ${state}${seen.detail ? ` (${seen.detail})` : ""} after ${formatDuration(at - start)}`,
      );
      lastLine = at;
    }
    if (seen.failed) throw new Error(`${o.what} ${seen.state}: ${seen.failed}`);
    if (seen.done) return seen.value as T;
    if (at - start >= o.timeoutMs) throw new WaitTimeoutError(o.what, state, at - start);
    const left = o.timeoutMs - (at - start);
    const pause = nextPause(interval, seen.retryAfterMs, o.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS, left);
    await sleep(pause, o.signal);
    interval = Math.min(cap, interval * backoff);
  }
}

/**
 * A long-running operation of the Azure SDK (core-lro poller), followed with waitFor. The SDK's `begin*`
 * polls once at once and hides the headers from us; the client's pacing policy (azureml/lro-pacing.ts) holds
 * each poll until the Retry-After the last answer asked for has passed, so every look here honours it too.
 */
export interface PollerLike<R> {
  poll(options?: { abortSignal?: AbortSignal }): Promise<void>;
  isDone(): boolean;
  getResult(): R | undefined;
  getOperationState(): { status?: string; error?: Error };
}

export async function followPoller<R>(poller: PollerLike<R>, o: WaitOptions): Promise<R> {
  return waitFor<R>(async () => {
    if (!poller.isDone()) await poller.poll({ abortSignal: o.signal });
    const s = poller.getOperationState();
    const status = s.status ?? (poller.isDone() ? "succeeded" : "running");
    const failed = status === "failed" || status === "canceled" ? (s.error?.message ?? status) : undefined;
    return { state: capitalise(status), done: poller.isDone(), value: poller.getResult(), failed };
  }, o);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** 75_000 → "1m 15s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${m}m` : `${m}m ${s % 60}s`;
}
