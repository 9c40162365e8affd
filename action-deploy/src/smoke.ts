/**
 * The smoke prompt: one question to the new deployment alone (azureml-model-deployment), before it takes live
 * traffic, through the shared scoring client. Transient failures (429 with Retry-After, 5xx, resets, timeouts)
 * are retried with backoff inside SMOKE_RETRY's budget; only a definite failure comes back as `error` and
 * makes the rollout remove the new deployment: a wrong (empty) answer, an answer in no known shape, an HTTP
 * error that retrying cannot fix, or a transient failure that outlasted the budget.
 */
import type { Logger } from "@phi3-aml/shared/log";
import { scoringClient, type ScoreOptions } from "@phi3-aml/shared/scoring/client";
import type { GenerationSettings } from "@phi3-aml/shared/scoring/payload";

/**
 * Up to 6 retries within 5 minutes, each request up to 2 minutes: a deployment that has just turned Succeeded
 * can still answer 502/503 for a little while as its instances join the endpoint.
 */
const SMOKE_RETRY: ScoreOptions = { retries: 6, budgetMs: 5 * 60_000, timeoutMs: 120_000 };

/** The walkthrough's generation settings for its test prompt. */
const SMOKE_SETTINGS: GenerationSettings = { temperature: 0.7, maxNewTokens: 128 };

export interface SmokeResult {
  prompt: string;
  answer?: string;
  ms: number;
  /** A definite failure, in words that never hold the key. */
  error?: string;
  /** The request shape the deployment answered (flat or nested). */
  payloadShape?: string;
  /** Requests made, retries and the shape fallback included. */
  attempts?: number;
}

export interface SmokeOptions {
  scoringUri: string;
  key: string;
  deployment: string;
  prompt: string;
  log: Logger;
  /** Overrides of SMOKE_RETRY (tests inject clocks and sleeps here). */
  retry?: ScoreOptions;
  fetch?: typeof fetch;
}

export async function smokeTest(o: SmokeOptions): Promise<SmokeResult> {
  const t0 = Date.now();
  const client = scoringClient({
    ...SMOKE_RETRY,
    ...o.retry,
    scoringUri: o.scoringUri,
    key: o.key,
    deployment: o.deployment,
    settings: SMOKE_SETTINGS,
    fetch: o.fetch,
    onRetry: (e) =>
      o.log.info(`Smoke prompt: ${e.reason} from ${o.deployment}; trying again in ${Math.ceil(e.delayMs / 1000)} s.`),
    onFallback: (e) =>
      o.log.info(
        `Smoke prompt: ${o.deployment} could not read the ${e.from} request (HTTP ${e.status}); sending the ${e.to} one.`,
      ),
  });
  const v = await client.score({ messages: [{ role: "user", content: o.prompt }] });
  const ms = Date.now() - t0;
  const base = { prompt: o.prompt, ms, payloadShape: v.payloadShape, attempts: v.attempts };
  if (!v.ok) return { ...base, error: v.transient ? `${v.message} (gave up within the retry budget)` : v.message };
  if (!v.answer.trim()) return { ...base, answer: v.answer, error: "the deployment answered with an empty text" };
  o.log.info(
    `Smoke prompt answered by ${o.deployment} in ${ms} ms (${v.payloadShape} request, ${v.responseShape} answer, ${v.attempts} request(s)).`,
  );
  return { ...base, answer: v.answer };
}
