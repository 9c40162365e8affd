import type { Resource } from "./arm/store.js";

/**
 * What a managed online deployment takes, per learn.microsoft.com "Troubleshoot online endpoint deployment and
 * scoring" (MicrosoftDocs/azure-ai-docs articles/machine-learning/how-to-troubleshoot-online-endpoints.md, HTTP
 * status codes):
 * - 429 "Too many pending requests": at most `2 * max_concurrent_requests_per_instance * instance_count`
 *   requests are processed in parallel; the ones beyond are rejected;
 * - 408 "Request timeout": the model took longer than `request_timeout_ms` (request_settings).
 * Defaults (OnlineRequestSettings, mfe.json / @azure/arm-machinelearning): requestTimeout 5000 ms,
 * maxConcurrentRequestsPerInstance 1.
 *
 * The emulator applies them to deployments that state their requestSettings (every deployment action-deploy
 * creates does). Deployments a test seeds as "an earlier run's" carry none and keep answering without limits, so
 * tests that inject long latencies into them are not cut short.
 */
export interface ServingLimits {
  /** Requests processed at once; more are answered 429. */
  maxInFlight: number;
  requestTimeoutMs: number;
}

export function limitsOf(deployment: Resource): ServingLimits | undefined {
  const settings = deployment.properties.requestSettings as
    { requestTimeout?: unknown; maxConcurrentRequestsPerInstance?: unknown } | undefined;
  if (!settings || typeof settings !== "object") return undefined;
  const perInstance = positive(settings.maxConcurrentRequestsPerInstance) ?? 1;
  const instances = positive((deployment.sku as { capacity?: unknown } | undefined)?.capacity) ?? 1;
  return {
    maxInFlight: 2 * perInstance * instances,
    requestTimeoutMs: isoDurationMs(settings.requestTimeout) ?? 5000,
  };
}

const positive = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);

/** PT1M30S, PT90S, PT0.5S, PT1H → ms; undefined when not a time-only ISO 8601 duration. */
export function isoDurationMs(v: unknown): number | undefined {
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(String(v ?? ""));
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  const [h, min, s] = [m[1], m[2], m[3]].map((x) => Number(x ?? 0));
  return Math.round(((h! * 60 + min!) * 60 + s!) * 1000);
}

/** Requests in flight per deployment id: taken before the model runs, given back when it answers. */
export class InFlight {
  private readonly counts = new Map<string, number>();

  /** Takes a slot, or returns false when the deployment is already at its limit. */
  take(id: string, limit: number): boolean {
    const n = this.counts.get(id) ?? 0;
    if (n >= limit) return false;
    this.counts.set(id, n + 1);
    return true;
  }

  give(id: string): void {
    const n = (this.counts.get(id) ?? 1) - 1;
    if (n > 0) this.counts.set(id, n);
    else this.counts.delete(id);
  }
}
