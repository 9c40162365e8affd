/**
 * Fault switches for tests: make a route answer 429/500, drop the connection before or after the request
 * was processed, answer slowly, or refuse the caller's token as expired.
 *
 * - "drop": the connection is closed before the request reaches the service: nothing happened.
 * - "drop-after": the service processes the request (a PUT creates, a DELETE starts), then the connection
 *   is closed instead of answering: the client cannot know it happened, as after a lost answer in Azure.
 * - "expired-token": Resource Manager answers 401 ExpiredAuthenticationToken, as it does for a token that
 *   expired in flight (the client must get a fresh token and retry).
 */
export interface FaultRule {
  /** Which server: "arm", "entra", "oidc", "scoring", "github". */
  service: string;
  method?: string;
  /** A regular expression matched against the path (case-insensitive). */
  path: string;
  kind: "status" | "drop" | "drop-after" | "delay" | "expired-token";
  /** For kind "status": 429, 500, 503... */
  status?: number;
  /** For kind "status": the error code in the body (default TooManyRequests for 429, else InternalServerError). */
  code?: string;
  /** Seconds, sent as Retry-After with a status fault. */
  retryAfter?: number;
  /** For kind "delay": how long before the real answer. */
  delayMs?: number;
  /** How many requests it applies to; default 1. 0 = until removed. */
  count?: number;
}

interface Active extends FaultRule {
  id: number;
  hits: number;
  regex: RegExp;
}

export class Faults {
  private rules: Active[] = [];
  private next = 1;

  add(rule: FaultRule): number {
    const id = this.next++;
    this.rules.push({ ...rule, id, hits: 0, regex: new RegExp(rule.path, "i") });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  list(): Active[] {
    return this.rules;
  }

  /** The fault to apply to this request, if any; counts it. */
  take(service: string, method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find(
      (r) => r.service === service && (!r.method || r.method.toUpperCase() === method) && r.regex.test(path),
    );
    if (!rule) return undefined;
    rule.hits++;
    if (rule.count !== 0 && rule.hits >= (rule.count ?? 1)) this.rules = this.rules.filter((r) => r !== rule);
    return rule;
  }
}
