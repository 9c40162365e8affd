/**
 * What is retried and how long to wait. Pure: the random source and the clock are parameters, so tests
 * (and the runner's log line "retrying in 3.4 s") see the same numbers.
 *
 * Retried: 429 (throttled), every 5xx (a starting, scaling or overloaded endpoint), 408 and our own
 * timeouts (a cold endpoint), and transient connection failures. Not retried: other 4xx (a wrong key,
 * endpoint or request will not get better) and 424 (the model failed on this input; the same input fails
 * the same way, and each try can take the whole request timeout).
 */

export interface BackoffPolicy {
  /** Wait before the first retry, before jitter. */
  baseMs: number;
  factor: number;
  /** Cap of the exponential wait. */
  maxMs: number;
  /** Cap of a server's Retry-After, so a bad header cannot hold the job for hours. */
  maxRetryAfterMs: number;
}

/** 2 s, 4 s, 8 s, 16 s, 30 s, 30 s… before jitter; Retry-After honoured up to 2 minutes. */
export const BACKOFF: BackoffPolicy = { baseMs: 2000, factor: 2, maxMs: 30_000, maxRetryAfterMs: 120_000 };

export type Outcome = { kind: "http"; status: number } | { kind: "timeout" } | { kind: "network"; code?: string };

/** Connection failures worth another try. ENOTFOUND is not one (a wrong host stays wrong); EAI_AGAIN is. */
const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export function isRetryable(outcome: Outcome): boolean {
  switch (outcome.kind) {
    case "timeout":
      return true;
    case "network":
      return outcome.code !== undefined && RETRYABLE_NETWORK_CODES.has(outcome.code);
    case "http":
      return outcome.status === 408 || outcome.status === 429 || (outcome.status >= 500 && outcome.status <= 599);
  }
}

/**
 * A Retry-After header in milliseconds from `nowMs`: delay-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT"; a date in the past means now). Undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  const v = header?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only real dates: Date.parse also accepts bare numbers like "1.5", which are not HTTP-dates.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * How long to wait before retry number `attempt` (1 = before the second request).
 *
 * With a readable Retry-After, that (capped at `maxRetryAfterMs`): the server knows when it will be ready.
 * Otherwise exponential backoff with "equal jitter": half the exponential wait fixed, half random. The fixed
 * half keeps a real pause for an endpoint that is warming up; the random half spreads out the concurrent
 * requests that failed together, so they do not all come back at the same instant.
 */
export function nextDelayMs(
  attempt: number,
  retryAfterHeader?: string,
  random: () => number = Math.random,
  nowMs: number = Date.now(),
  policy: BackoffPolicy = BACKOFF,
): number {
  const retryAfter = parseRetryAfter(retryAfterHeader, nowMs);
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterMs);
  const n = Math.max(1, Math.floor(attempt));
  const exp = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (n - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp / 2 + (r * exp) / 2);
}
