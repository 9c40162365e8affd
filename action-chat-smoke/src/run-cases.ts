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
import type { SendResult } from "@phi3-aml/shared/scoring/attempt";
import { judge, scoreWithFallback, type ScoreOutcome } from "@phi3-aml/shared/scoring/client";
import type { PayloadShape } from "@phi3-aml/shared/scoring/payload";
import type { ResponseShape } from "@phi3-aml/shared/scoring/response";
import type { BackoffPolicy } from "@phi3-aml/shared/scoring/retry";
import { ShapeMemory } from "@phi3-aml/shared/scoring/shape";
import type { CaseStatus } from "./stats.js";

export type { SendResult };

/** Sends one case in the given request shape; must give up when `signal` aborts (the per-request timeout). */
export type Send = (c: ChatCase, signal: AbortSignal, shape: PayloadShape) => Promise<SendResult>;

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
  /** The request shape of the last request ("flat", or "nested" after the endpoint could not read "flat"). */
  payloadShape?: PayloadShape;
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
  | { type: "fallback"; case: ChatCase; from: PayloadShape; to: PayloadShape; status: number }
  | { type: "result"; result: CaseResult };

export interface RunOptions {
  /** Requests at once (default 2). */
  concurrency?: number;
  /** Retries after the first request, for retryable outcomes (default 3: up to 4 requests). */
  retries?: number;
  /** Time for one case's requests and waits; a retry that would end after it is not made. */
  budgetMs?: number;
  /** The request shape, shared by every case of the run (and read by the caller afterwards). */
  shapes?: ShapeMemory;
  /** Per request (default 90 000, the endpoint's usual request_timeout_ms). */
  timeoutMs?: number;
  /** Expectation on every answered case. */
  maxLatencyMs?: number;
  /** The deployment header that was sent, for the 404 message. */
  deployment?: string;
  /** Removed from every error message (the endpoint's key). */
  secrets?: readonly string[];
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
  const shapes = options.shapes ?? new ShapeMemory();

  const worker = async () => {
    for (;;) {
      const i = next++;
      const c = cases[i];
      if (!c) return;
      const result = stoppedBy
        ? skipped(c, stoppedBy)
        : options.signal?.aborted
          ? outOfTime(c, 0, 0, options)
          : await runOne(c, send, shapes, options);
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

async function runOne(c: ChatCase, send: Send, shapes: ShapeMemory, options: RunOptions): Promise<CaseResult> {
  const outcome = await scoreWithFallback((shape, signal) => send(c, signal, shape), shapes, {
    ...options,
    onRetry: (e) => options.onEvent?.({ type: "retry", case: c, ...e }),
    onFallback: (e) => options.onEvent?.({ type: "fallback", case: c, ...e }),
  });
  // The run's budget (timeout-minutes) cut the exchange short: say so rather than judge a half answer.
  if (options.signal?.aborted) return outOfTime(c, outcome.attempts, outcome.elapsedMs, options);
  return finish(c, outcome, options);
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

function finish(c: ChatCase, outcome: ScoreOutcome, options: RunOptions): CaseResult {
  const base = { ...baseResult(c, outcome.attempts, outcome.elapsedMs), payloadShape: outcome.shape };
  const verdict = judge(outcome, {
    deployment: options.deployment,
    timeoutMs: options.timeoutMs,
    secrets: options.secrets,
  });
  const response = "response" in outcome.attempt ? outcome.attempt.response : undefined;
  const withResponse = response ? { ...base, httpStatus: response.status, latencyMs: response.latencyMs } : base;
  if (!verdict.ok) return { ...withResponse, status: "error", reasons: [verdict.message] };
  const check = checkAnswer(verdict.answer, c.expect, {
    latencyMs: verdict.latencyMs,
    maxLatencyMs: options.maxLatencyMs,
  });
  return {
    ...withResponse,
    status: check.pass ? "passed" : "failed",
    answer: verdict.answer,
    shape: verdict.responseShape,
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
