/**
 * Plain messages for what the scoring endpoint answered when it did not answer the question. Each names
 * the likely cause and what to check, and shows an excerpt of the body (what the server said). The key
 * is never part of a message: only the status, our own words and the server's body go in.
 */
import { DEPLOYMENT_HEADER } from "./payload.js";
import { excerpt, formatInt } from "./text.js";

export interface HttpErrorContext {
  /** The deployment named in the azureml-model-deployment header, if one was sent. */
  deployment?: string;
  /** How many requests were made in all, when more than one (the message then says it was retried). */
  attempts?: number;
  /** Longest body excerpt, in characters (default 300). */
  maxExcerpt?: number;
}

const DEFAULT_MAX_EXCERPT = 300;

/** One message for an HTTP error status from the scoring URI. */
export function describeHttpError(status: number, body: string, ctx: HttpErrorContext = {}): string {
  const said = bodyExcerpt(body, ctx.maxExcerpt ?? DEFAULT_MAX_EXCERPT);
  const server = said ? ` The endpoint said: ${said}` : " The response body was empty.";
  const retried = ctx.attempts && ctx.attempts > 1 ? ` (still failing after ${ctx.attempts} attempts)` : "";
  switch (true) {
    case status === 401:
      return `401 Unauthorized: the endpoint did not accept the key. Check api-key (or the endpoint's keys, if they were regenerated) and the endpoint's auth mode: a key works only with auth mode "key", not "aml_token" or "aad_token".${server}`;
    case status === 403:
      return `403 Forbidden: the endpoint refused this caller. Check that the key belongs to this endpoint, and the endpoint's public network access (a private endpoint cannot be reached from a GitHub-hosted runner).${server}`;
    case status === 404: {
      const dep = ctx.deployment
        ? ` The request asked for deployment "${ctx.deployment}" in the ${DEPLOYMENT_HEADER} header: check that this deployment exists on the endpoint.`
        : " Check the endpoint name or scoring URI, and that the endpoint has a deployment with traffic.";
      return `404 Not Found: no such endpoint or deployment.${dep}${server}`;
    }
    case status === 408:
      return `408 Request Timeout${retried}: the model did not answer within the endpoint's request timeout (request_timeout_ms of the deployment). A cold or overloaded endpoint can be slow: raise timeout-seconds, retries or the deployment's request timeout.${server}`;
    case status === 424:
      return `424 Failed Dependency${retried}: model error, the model container failed on this input (it is not retried; only the request's nested shape is tried once when the flat one could not be read). See the deployment's logs (az ml online-deployment get-logs).${server}`;
    case status === 429:
      return `429 Too Many Requests${retried}: the endpoint is throttling. Lower concurrency, or raise the deployment's max_concurrent_requests_per_instance or instance count.${server}`;
    case status === 502 || status === 503 || status === 504:
      return `${status} ${STATUS_TEXT[status] ?? "Server Error"}${retried}: the endpoint is not ready or is overloaded (it may still be starting or scaling).${server}`;
    case status >= 500:
      return `${status} ${STATUS_TEXT[status] ?? "Server Error"}${retried}: the endpoint failed on its side.${server}`;
    case status === 400 || status === 422:
      return `${status} ${STATUS_TEXT[status] ?? "Bad Request"}: the endpoint rejected the request. The deployment may expect another request shape than {"input_data": {"input_string": [...], "parameters": {...}}} (or its nested form [[...]], tried once when the body says the input could not be read), or a parameter is invalid.${server}`;
    default:
      return `${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ""}: the endpoint answered with an error.${server}`;
  }
}

/** The request did not get an answer within timeout-seconds. */
export function describeTimeout(timeoutMs: number, attempts = 1): string {
  const tries = attempts > 1 ? `, ${attempts} times` : "";
  return `timed out: no answer within ${formatInt(timeoutMs / 1000)} s${tries}. A cold endpoint can be slow on its first requests: raise timeout-seconds or retries.`;
}

/** The connection failed (reset, refused, DNS). */
export function describeNetworkError(code: string | undefined, message: string, attempts = 1): string {
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  const why = code ? (NETWORK_TEXT[code] ?? code) : "connection failed";
  return `could not reach the endpoint${tries}: ${why}${code ? ` (${code})` : ""}: ${excerpt(message, 200)}`;
}

const NETWORK_TEXT: Record<string, string> = {
  ECONNRESET: "the connection was reset",
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name does not resolve; check the scoring URI",
  EAI_AGAIN: "the host name could not be resolved just now",
  ETIMEDOUT: "the connection timed out",
  EPIPE: "the connection was closed while sending",
  UND_ERR_SOCKET: "the connection was closed",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
};

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  422: "Unprocessable Entity",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * What the server said: the message inside a JSON error body when there is one ({"message": …},
 * {"error": {"message": …}}, {"detail": …}, {"error": "…"}), else the body itself; one line, trimmed.
 */
export function bodyExcerpt(body: string, max = DEFAULT_MAX_EXCERPT): string {
  let said = body;
  try {
    const v = JSON.parse(body) as unknown;
    const msg = messageIn(v);
    if (msg) said = msg;
  } catch {
    /* not JSON: show the text as it is */
  }
  return excerpt(said, max);
}

function messageIn(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const err = o.error;
  if (typeof err === "object" && err !== null) {
    const e = err as Record<string, unknown>;
    if (typeof e.message === "string") return typeof e.code === "string" ? `${e.code}: ${e.message}` : e.message;
  }
  for (const k of ["message", "detail", "error"]) if (typeof o[k] === "string" && o[k]) return o[k] as string;
  return undefined;
}
