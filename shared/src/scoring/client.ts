/**
 * The scoring client that action-chat-smoke, action-deploy's smoke prompt and (in Python) promptflow/'s tool
 * share: one conversation → one answer, with
 *
 * - the request shape found out once per run (shape.ts): the walkthrough's flat shape first; when the endpoint
 *   rejects it as unreadable input (400/424), the nested shape once; what was answered is remembered;
 * - transient failures retried with backoff inside a bounded budget (attempt.ts, retry.ts);
 * - the answer read from every shape these containers give (response.ts);
 * - a verdict: an answer, or a definite failure (a non-retryable HTTP error, an unreadable answer, or a
 *   transient error that outlasted the budget), in words that never hold the key.
 */
import { sendWithRetries, type Attempt, type RetryOptions, type SendResult } from "./attempt.js";
import { describeHttpError, describeNetworkError, describeTimeout } from "./http-errors.js";
import { buildHeaders, buildPayload, type ChatMessage, type GenerationSettings, type PayloadShape } from "./payload.js";
import { readAnswer, type ResponseShape } from "./response.js";
import { fallbackFor, rejectsShape, ShapeMemory } from "./shape.js";
import { redactSecrets } from "./text.js";

/** Sends one request of the given shape; must give up when `signal` aborts. */
export type SendShaped = (shape: PayloadShape, signal: AbortSignal) => Promise<SendResult>;

export interface ScoreOptions extends RetryOptions {
  /** When the first shape was rejected and the next one is about to be sent. Must not throw. */
  onFallback?: (event: { from: PayloadShape; to: PayloadShape; status: number }) => void;
}

export interface ScoreOutcome {
  /** The last request's outcome. */
  attempt: Attempt;
  /** Requests made, both shapes together. */
  attempts: number;
  elapsedMs: number;
  /** The shape of the last request. */
  shape: PayloadShape;
  /** True when a retryable failure stands because the retries or the budget ran out. */
  exhausted: boolean;
}

/** Sends in the remembered shape (or the first one); falls back once when the endpoint cannot read it. */
export async function scoreWithFallback(
  send: SendShaped,
  memory: ShapeMemory,
  o: ScoreOptions = {},
): Promise<ScoreOutcome> {
  const shape = memory.first;
  const first = await sendWithRetries((signal) => send(shape, signal), o);
  const next = fallbackFor(shape);
  const rejected =
    "response" in first.attempt && rejectsShape(first.attempt.response.status, first.attempt.response.body);
  if (!rejected || !next || memory.known !== undefined) return remember(memory, { ...first, shape });
  o.onFallback?.({
    from: shape,
    to: next,
    status: first.attempt.outcome.kind === "http" ? first.attempt.outcome.status : 0,
  });
  const second = await sendWithRetries((signal) => send(next, signal), o);
  return remember(memory, {
    ...second,
    shape: next,
    attempts: first.attempts + second.attempts,
    elapsedMs: first.elapsedMs + second.elapsedMs,
  });
}

function remember(memory: ShapeMemory, outcome: ScoreOutcome): ScoreOutcome {
  const { outcome: o } = outcome.attempt;
  if (o.kind === "http" && o.status >= 200 && o.status <= 299) memory.answered(outcome.shape);
  return outcome;
}

export type Verdict =
  | {
      ok: true;
      answer: string;
      responseShape: ResponseShape;
      payloadShape: PayloadShape;
      status: number;
      latencyMs: number;
    }
  | {
      ok: false;
      /** http: an error status; shape: a 2xx whose answer could not be read; timeout / network. */
      kind: "http" | "shape" | "timeout" | "network";
      message: string;
      payloadShape: PayloadShape;
      /** True for a transient failure that outlasted the retries or the budget. */
      transient: boolean;
      status?: number;
      latencyMs?: number;
    };

export interface VerdictContext {
  /** The deployment named in the azureml-model-deployment header, for the 404 message. */
  deployment?: string;
  timeoutMs?: number;
  /** Removed from every message (the key, whatever else was masked). */
  secrets?: readonly (string | undefined)[];
}

/** The answer, or a definite failure in plain words (the secrets removed). */
export function judge(outcome: ScoreOutcome, ctx: VerdictContext = {}): Verdict {
  const { attempt, attempts, shape: payloadShape, exhausted: transient } = outcome;
  const fail = (kind: "http" | "shape" | "timeout" | "network", message: string, extra = {}): Verdict => ({
    ok: false,
    kind,
    message: redactSecrets(message, ctx.secrets),
    payloadShape,
    transient,
    ...extra,
  });
  if (attempt.outcome.kind === "timeout") return fail("timeout", describeTimeout(ctx.timeoutMs ?? 90_000, attempts));
  if (!("response" in attempt)) {
    const message = "message" in attempt ? attempt.message : "";
    return fail("network", describeNetworkError(attempt.outcome.code, message, attempts));
  }
  const { status, body, latencyMs } = attempt.response;
  if (status < 200 || status > 299)
    return fail("http", describeHttpError(status, body, { deployment: ctx.deployment, attempts }), {
      status,
      latencyMs,
    });
  const read = readAnswer(body);
  if (!read.ok) return fail("shape", `${read.message}. The response began: ${read.excerpt}`, { status, latencyMs });
  return { ok: true, answer: read.answer, responseShape: read.shape, payloadShape, status, latencyMs };
}

export interface ScoringClientOptions extends ScoreOptions {
  scoringUri: string;
  /** The endpoint key: sent as a bearer token, never logged, removed from every message. */
  key: string;
  /** Pin one deployment (azureml-model-deployment), bypassing the traffic split. */
  deployment?: string;
  settings: GenerationSettings;
  /** A shape known from an earlier run or input; otherwise found out with the first answer. */
  shape?: PayloadShape;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export interface ScoringClient {
  /** The shape the endpoint answered, once one was. */
  readonly shape: () => PayloadShape | undefined;
  score(conversation: { system?: string; messages: readonly ChatMessage[] }): Promise<Verdict & { attempts: number }>;
}

/** A client for one scoring URI and key, remembering the request shape across its calls. */
export function scoringClient(o: ScoringClientOptions): ScoringClient {
  const memory = new ShapeMemory(o.shape);
  const headers = buildHeaders(o.key, o.deployment);
  const ctx: VerdictContext = { deployment: o.deployment, timeoutMs: o.timeoutMs, secrets: [o.key] };
  return {
    shape: () => memory.known,
    async score(conversation) {
      const send = fetchSender(
        o.scoringUri,
        headers,
        (shape) => buildPayload(conversation, o.settings, shape),
        o.fetch,
      );
      const outcome = await scoreWithFallback(send, memory, o);
      return { ...judge(outcome, ctx), attempts: outcome.attempts };
    },
  };
}

/** A SendShaped over fetch: POSTs the body for the shape and reads the whole answer. */
export function fetchSender(
  uri: string,
  headers: Record<string, string>,
  body: (shape: PayloadShape) => unknown,
  doFetch: typeof fetch = fetch,
): SendShaped {
  return async (shape, signal) => {
    const t0 = performance.now();
    const res = await doFetch(uri, { method: "POST", headers, body: JSON.stringify(body(shape)), signal });
    const text = await res.text();
    return {
      status: res.status,
      body: text,
      latencyMs: Math.round(performance.now() - t0),
      headers: { "retry-after": res.headers.get("retry-after") ?? undefined },
    };
  };
}
