/**
 * One scoring request with its timeout, and the retries around it: transient outcomes (429, 5xx, 408, our
 * timeouts, connection resets; see retry.ts) are tried again with backoff, within a number of retries and,
 * when given, a time budget for the whole exchange (requests and waits). Everything that waits or reads the
 * clock is injectable, so the tests run without real time.
 */
import { abortableSleep } from "../wait.js";
import { BACKOFF, isRetryable, nextDelayMs, type BackoffPolicy, type Outcome } from "./retry.js";

export interface SendResult {
  status: number;
  body: string;
  /** Time of this one request, measured by the sender (from sending to the whole body read). */
  latencyMs: number;
  /** Response headers, names in lower case (only retry-after is read). */
  headers?: Record<string, string | undefined>;
}

/** Sends one request; must give up when `signal` aborts (the per-request timeout). */
export type SendOnce = (signal: AbortSignal) => Promise<SendResult>;

export type Attempt =
  | { outcome: Outcome & { kind: "http" }; response: SendResult }
  | { outcome: Outcome & { kind: "timeout" } }
  | { outcome: Outcome & { kind: "network" }; message: string };

interface RetryEvent {
  /** The request that failed (1 = the first). */
  attempt: number;
  delayMs: number;
  /** "HTTP 503", "timed out", "ECONNRESET"… */
  reason: string;
}

export interface RetryOptions {
  /** Retries after the first request, for retryable outcomes (default 3: up to 4 requests). */
  retries?: number;
  /** Per request (default 90 000, the endpoint's usual request_timeout_ms). */
  timeoutMs?: number;
  /**
   * Time for all the requests and waits of one exchange. A retry whose wait would end after it is not made:
   * the transient failure then stands as the answer ("outlasted the budget").
   */
  budgetMs?: number;
  backoff?: BackoffPolicy;
  /** Injected for tests: waiting between retries, the timeout timer, jitter and the clock. */
  sleep?: (ms: number) => Promise<void>;
  setTimer?: (ms: number, fire: () => void) => () => void;
  random?: () => number;
  now?: () => number;
  /** Before each wait. Must not throw. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * A whole run's budget (action-chat-smoke's timeout-minutes): when it aborts, the request in flight is cut
   * off as its own timeout would cut it, a wait ends at once, and no further request is made.
   */
  signal?: AbortSignal;
}

export interface Attempted {
  /** The last request's outcome. */
  attempt: Attempt;
  /** Requests made. */
  attempts: number;
  /** From the first request to the last outcome, waits included. */
  elapsedMs: number;
  /** True when a retryable outcome was left standing because the retries or the budget ran out. */
  exhausted: boolean;
}

const DEFAULT_TIMEOUT_MS = 90_000;
const TIMED_OUT = Symbol("timed out");
const realTimer = (ms: number, fire: () => void) => {
  const t = setTimeout(fire, ms);
  return () => clearTimeout(t);
};

/** Sends until an outcome is final: an answer, a non-retryable error, or retries / budget spent. */
export async function sendWithRetries(send: SendOnce, o: RetryOptions = {}): Promise<Attempted> {
  const retries = Math.max(0, Math.floor(o.retries ?? 3));
  const now = o.now ?? Date.now;
  const started = now();
  for (let attempts = 1; ; attempts++) {
    const attempt = await attemptOnce(send, o);
    const elapsedMs = now() - started;
    if (!isRetryable(attempt.outcome)) return { attempt, attempts, elapsedMs, exhausted: false };
    const delayMs = retryDelay(attempt, attempts, o, now());
    const overBudget = o.budgetMs !== undefined && elapsedMs + delayMs > o.budgetMs;
    if (attempts > retries || overBudget || o.signal?.aborted) return { attempt, attempts, elapsedMs, exhausted: true };
    o.onRetry?.({ attempt: attempts, delayMs, reason: shortReason(attempt) });
    await (o.sleep ?? ((ms: number) => abortableSleep(ms, o.signal)))(delayMs);
    if (o.signal?.aborted) return { attempt, attempts, elapsedMs: now() - started, exhausted: true };
  }
}

function retryDelay(attempt: Attempt, attempts: number, o: RetryOptions, nowMs: number): number {
  const retryAfter = "response" in attempt ? header(attempt.response, "retry-after") : undefined;
  return nextDelayMs(attempts, retryAfter, o.random ?? Math.random, nowMs, o.backoff ?? BACKOFF);
}

/** One request with its timeout: aborts `send` through the signal when the timer fires first. */
async function attemptOnce(send: SendOnce, o: RetryOptions = {}): Promise<Attempt> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  let cancel: () => void = () => undefined;
  const timer = new Promise<typeof TIMED_OUT>((resolve) => {
    const fire = () => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve(TIMED_OUT);
    };
    const stop = (o.setTimer ?? realTimer)(timeoutMs, fire);
    // A whole run's budget ends the request as its own timeout would; the caller then reports the budget.
    o.signal?.addEventListener("abort", fire, { once: true });
    cancel = () => {
      stop();
      o.signal?.removeEventListener("abort", fire);
    };
  });
  // A send that throws synchronously is a rejected request, like any other; and a send that rejects after
  // the timeout already won the race must not surface as an unhandled rejection.
  const sending = Promise.resolve().then(() => send(controller.signal));
  sending.catch(() => undefined);
  try {
    const r = await Promise.race([sending, timer]);
    if (r === TIMED_OUT) return { outcome: { kind: "timeout" } };
    return { outcome: { kind: "http", status: r.status }, response: r };
  } catch (e) {
    return timedOut ? { outcome: { kind: "timeout" } } : networkAttempt(e);
  } finally {
    cancel();
  }
}

/** fetch (undici) throws TypeError("fetch failed") with the socket error as its cause. */
function networkAttempt(e: unknown): Attempt {
  const err = e as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code =
    typeof err?.code === "string" ? err.code : typeof err?.cause?.code === "string" ? err.cause.code : undefined;
  const message = [err?.message, err?.cause?.message].filter((m) => typeof m === "string" && m).join(": ") || String(e);
  return { outcome: code ? { kind: "network", code } : { kind: "network" }, message };
}

function shortReason(a: Attempt): string {
  switch (a.outcome.kind) {
    case "timeout":
      return "timed out";
    case "network":
      return a.outcome.code ?? "connection failed";
    case "http":
      return `HTTP ${a.outcome.status}`;
  }
}

function header(r: SendResult, name: string): string | undefined {
  if (!r.headers) return undefined;
  for (const [k, v] of Object.entries(r.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
