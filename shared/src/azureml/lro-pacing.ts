import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { parseRetryAfter } from "../scoring/retry.js";
import { abortableSleep, MAX_RETRY_AFTER_MS } from "../wait.js";

const LRO_PACING_POLICY = "phi3LroRetryAfterPacing";

export interface LroPacingOptions {
  /** Cap of one Retry-After (default MAX_RETRY_AFTER_MS). */
  maxRetryAfterMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** An operation URL without its query (the api-version policy may rewrite that), as a key. */
const key = (url: string) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`.toLowerCase();
};

/**
 * Honours Retry-After on long-running operations, whoever polls: the answer that starts one (201/202 with
 * Location or Azure-AsyncOperation) or a look at one says when to look next; a GET of that operation URL
 * sent sooner (the SDK's `begin*` polls once at once, followPoller straight after) waits until then, at most
 * `maxRetryAfterMs`. ARM's async contract asks clients to wait Retry-After between looks
 * (Azure/azure-resource-manager-rpc, v1.0/async-api-reference.md).
 */
export class LroPacing {
  private readonly notBefore = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly maxRetryAfterMs: number;
  /** Every hold, in ms, for the log and tests. */
  readonly holds: number[] = [];

  constructor(o: LroPacingOptions = {}) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? abortableSleep;
    this.maxRetryAfterMs = o.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
  }

  /** How long a request to `url` must still wait, in ms (0 when it may go now). */
  holdMs(method: string, url: string): number {
    if (method !== "GET") return 0;
    const at = this.notBefore.get(key(url));
    return at === undefined ? 0 : Math.max(0, at - this.now());
  }

  /** Learns from an answer: the operation URLs it names, or the one it answered, and when to look next. */
  observe(method: string, url: string, status: number, header: (name: string) => string | undefined): void {
    const polled = method === "GET" && this.notBefore.has(key(url));
    const started = status === 201 || status === 202;
    if (!polled && !started) return;
    const asked = parseRetryAfter(header("retry-after"), this.now());
    const next = this.now() + Math.min(asked ?? 0, this.maxRetryAfterMs);
    const targets = [header("location"), header("azure-asyncoperation")].filter((u): u is string => Boolean(u));
    if (polled && status !== 202 && asked === undefined) this.notBefore.delete(key(url));
    else if (polled) this.notBefore.set(key(url), next);
    for (const t of targets) if (URL.canParse(t)) this.notBefore.set(key(t), next);
  }

  /** The pipeline policy (added by mlClient). */
  policy(): PipelinePolicy {
    return {
      name: LRO_PACING_POLICY,
      sendRequest: async (request: PipelineRequest, next) => {
        const hold = this.holdMs(request.method, request.url);
        if (hold > 0) {
          this.holds.push(hold);
          await this.sleep(hold, request.abortSignal as AbortSignal | undefined);
        }
        const response: PipelineResponse = await next(request);
        this.observe(request.method, request.url, response.status, (n) => response.headers.get(n));
        return response;
      },
    };
  }
}
