/**
 * Runs the cases against the endpoint through an injected `send` (the real one does the HTTP request;
 * tests pass fakes), a few at a time, with a timeout per request and retries with backoff, and checks
 * each answer. Results come back in input order whatever order the requests finish in.
 *
 * When a case ends in 401, 403 or 404, the cases not yet started are not sent: every request goes to the
 * same URI with the same key, so they would all fail the same way (and a wrong key should not be tried
 * dozens of times). They are reported as skipped, naming the case that stopped the run.
 */
import { caseLabel, promptOf, type ChatCase } from "./cases.js";
import { checkAnswer } from "./expect.js";
import { describeHttpError, describeNetworkError, describeTimeout } from "./http-errors.js";
import { readAnswer, type ResponseShape } from "./response.js";
import { BACKOFF, isRetryable, nextDelayMs, type BackoffPolicy, type Outcome } from "./retry.js";
import type { CaseStatus } from "./stats.js";

export interface SendResult {
  status: number;
  body: string;
  /** Time of this one request, measured by the sender (from sending to the whole body read). */
  latencyMs: number;
  /** Response headers, names in lower case (only retry-after is read). */
  headers?: Record<string, string | undefined>;
}

/** Sends one case; must give up when `signal` aborts (the per-request timeout). */
export type Send = (c: ChatCase, signal: AbortSignal) => Promise<SendResult>;

export interface CaseResult {
  index: number;
  label: string;
  id?: string;
  name?: string;
  /** The user message the model answered. */
  prompt: string;
  source: ChatCase["source"];
  status: CaseStatus;
  answer?: string;
  shape?: ResponseShape;
  /** Why it did not pass: each failed expectation, or the one error message. Empty when passed. */
  reasons: string[];
  /** The HTTP status of the last response, when there was one. */
  httpStatus?: number;
  /** Latency of the last request that got a response (the one that answered, for an answered case). */
  latencyMs?: number;
  /** Requests made for this case (0 when skipped). */
  attempts: number;
  /** Time from the first request to the result, retries and waits included. */
  elapsedMs: number;
}

export type RunEvent =
  | { type: "retry"; case: ChatCase; attempt: number; delayMs: number; reason: string }
  | { type: "result"; result: CaseResult };

export interface RunOptions {
  /** Requests at once (default 2). */
  concurrency?: number;
  /** Retries after the first request, for retryable outcomes (default 3: up to 4 requests). */
  retries?: number;
  /** Per request (default 90 000, the endpoint's usual request_timeout_ms). */
  timeoutMs?: number;
  /** Expectation on every answered case. */
  maxLatencyMs?: number;
  /** The deployment header that was sent, for the 404 message. */
  deployment?: string;
  /** Final statuses after which no further case is sent (default 401, 403, 404). */
  stopOnStatus?: readonly number[];
  backoff?: BackoffPolicy;
  /** Injected for tests: waiting between retries, the timeout timer, jitter and the clock. */
  sleep?: (ms: number) => Promise<void>;
  setTimer?: (ms: number, fire: () => void) => () => void;
  random?: () => number;
  now?: () => number;
  /**
   * The whole run's time budget (timeout-minutes): when it aborts, requests in flight are cut off and
   * cases not yet sent are not sent; both are reported with `budget` as the reason.
   */
  signal?: AbortSignal;
  budget?: string;
  /** Progress, for log lines. Must not throw. */
  onEvent?: (event: RunEvent) => void;
}

const TIMED_OUT = Symbol("timed out");

type Attempt =
  | { outcome: Outcome & { kind: "http" }; response: SendResult }
  | { outcome: Outcome & { kind: "timeout" } }
  | { outcome: Outcome & { kind: "network" }; message: string };

export async function runCases(
  cases: readonly ChatCase[],
  send: Send,
  options: RunOptions = {},
): Promise<CaseResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const stopOn = options.stopOnStatus ?? [401, 403, 404];
  const results: CaseResult[] = new Array<CaseResult>(cases.length);
  let next = 0;
  let stoppedBy: CaseResult | undefined;

  const worker = async () => {
    for (;;) {
      const i = next++;
      const c = cases[i];
      if (!c) return;
      const result = stoppedBy
        ? skipped(c, stoppedBy)
        : options.signal?.aborted
          ? outOfTime(c, 0, 0, options)
          : await runOne(c, send, options);
      if (
        !stoppedBy &&
        result.httpStatus !== undefined &&
        result.status === "error" &&
        stopOn.includes(result.httpStatus)
      )
        stoppedBy = result;
      results[i] = result;
      options.onEvent?.({ type: "result", result });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  return results;
}

async function runOne(c: ChatCase, send: Send, options: RunOptions): Promise<CaseResult> {
  const retries = Math.max(0, Math.floor(options.retries ?? 3));
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, options.signal));
  const started = now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const attempt = await attemptOnce(c, send, options);
    if (options.signal?.aborted) return outOfTime(c, attempts, now() - started, options);
    const retryable = isRetryable(attempt.outcome);
    if (!retryable || attempts > retries) return finish(c, attempt, attempts, now() - started, options);
    const retryAfter = "response" in attempt ? header(attempt.response, "retry-after") : undefined;
    const delayMs = nextDelayMs(attempts, retryAfter, options.random ?? Math.random, now(), options.backoff ?? BACKOFF);
    options.onEvent?.({ type: "retry", case: c, attempt: attempts, delayMs, reason: shortReason(attempt) });
    await sleep(delayMs);
    if (options.signal?.aborted) return outOfTime(c, attempts, now() - started, options);
  }
}

/** A wait between retries that ends early, and leaves no timer behind, when the run's budget runs out. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** A case the run's time budget stopped: not sent (no attempts), or cut off while in flight. */
function outOfTime(c: ChatCase, attempts: number, elapsedMs: number, options: RunOptions): CaseResult {
  const budget = options.budget ?? "the run's time budget";
  return {
    ...baseResult(c, attempts, elapsedMs),
    status: attempts ? "error" : "skipped",
    reasons: [attempts ? `cut off: ${budget} ran out` : `not sent: ${budget} ran out`],
  };
}

/** One request with its timeout: aborts `send` through the signal when the timer fires first. */
async function attemptOnce(c: ChatCase, send: Send, options: RunOptions): Promise<Attempt> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const setTimer =
    options.setTimer ??
    ((ms: number, fire: () => void) => {
      const t = setTimeout(fire, ms);
      return () => clearTimeout(t);
    });
  const controller = new AbortController();
  let timedOut = false;
  let cancel: () => void = () => undefined;
  const timer = new Promise<typeof TIMED_OUT>((resolve) => {
    const fire = () => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve(TIMED_OUT);
    };
    const stop = setTimer(timeoutMs, fire);
    // The run's budget ends the request as its own timeout would; runOne then reports the budget.
    options.signal?.addEventListener("abort", fire, { once: true });
    cancel = () => {
      stop();
      options.signal?.removeEventListener("abort", fire);
    };
  });
  // A send that throws synchronously is a rejected request, like any other; and a send that rejects after
  // the timeout already won the race must not surface as an unhandled rejection.
  const sending = Promise.resolve().then(() => send(c, controller.signal));
  sending.catch(() => undefined);
  try {
    const r = await Promise.race([sending, timer]);
    if (r === TIMED_OUT) return { outcome: { kind: "timeout" } };
    return { outcome: { kind: "http", status: r.status }, response: r };
  } catch (e) {
    if (timedOut) return { outcome: { kind: "timeout" } };
    const err = e as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
    // fetch (undici) throws TypeError("fetch failed") with the socket error as its cause.
    const code =
      typeof err?.code === "string" ? err.code : typeof err?.cause?.code === "string" ? err.cause.code : undefined;
    const message =
      [err?.message, err?.cause?.message].filter((m) => typeof m === "string" && m).join(": ") || String(e);
    return { outcome: code ? { kind: "network", code } : { kind: "network" }, message };
  } finally {
    cancel();
  }
}

function finish(c: ChatCase, attempt: Attempt, attempts: number, elapsedMs: number, options: RunOptions): CaseResult {
  const base = baseResult(c, attempts, elapsedMs);
  if (attempt.outcome.kind === "timeout")
    return { ...base, status: "error", reasons: [describeTimeout(options.timeoutMs ?? 90_000, attempts)] };
  if (!("response" in attempt))
    return {
      ...base,
      status: "error",
      reasons: [describeNetworkError(attempt.outcome.code, "message" in attempt ? attempt.message : "", attempts)],
    };
  const { status, body, latencyMs } = attempt.response;
  const withResponse = { ...base, httpStatus: status, latencyMs };
  if (status < 200 || status > 299)
    return {
      ...withResponse,
      status: "error",
      reasons: [describeHttpError(status, body, { deployment: options.deployment, attempts })],
    };
  const read = readAnswer(body);
  if (!read.ok)
    return { ...withResponse, status: "error", reasons: [`${read.message}. The response began: ${read.excerpt}`] };
  const check = checkAnswer(read.answer, c.expect, { latencyMs, maxLatencyMs: options.maxLatencyMs });
  return {
    ...withResponse,
    status: check.pass ? "passed" : "failed",
    answer: read.answer,
    shape: read.shape,
    reasons: check.reasons,
  };
}

function skipped(c: ChatCase, by: CaseResult): CaseResult {
  const what =
    by.httpStatus === 401
      ? "a wrong key"
      : by.httpStatus === 404
        ? "no such endpoint or deployment"
        : "the endpoint refusing requests";
  return {
    ...baseResult(c, 0, 0),
    status: "skipped",
    reasons: [`not sent: case ${by.label} got ${by.httpStatus} (${what}); every other request would fail the same way`],
  };
}

function baseResult(c: ChatCase, attempts: number, elapsedMs: number): Omit<CaseResult, "status" | "reasons"> {
  const r: Omit<CaseResult, "status" | "reasons"> = {
    index: c.index,
    label: caseLabel(c),
    prompt: promptOf(c),
    source: c.source,
    attempts,
    elapsedMs,
  };
  if (c.id !== undefined) r.id = c.id;
  if (c.name !== undefined) r.name = c.name;
  return r;
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
