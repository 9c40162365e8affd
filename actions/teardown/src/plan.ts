import { expiresAt, isManaged } from "@phi3-aml/shared/tags";

/** What teardown knows of an endpoint. */
export interface EndpointInfo {
  name: string;
  tags: Record<string, string>;
  /** When it was created: our created-at tag, else Azure's systemData. */
  createdAt?: Date;
}

export interface Decision {
  name: string;
  delete: boolean;
  reason: string;
}

export interface PlanOptions {
  now: Date;
  maxAgeHours?: number;
  /** Only this endpoint (e.g. a pull request's preview when the PR closes). */
  endpoint?: string;
  includeExpired: boolean;
}

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;

/**
 * Which endpoints go. Only endpoints carrying our managed-by tag are ever deleted; one without it is
 * kept and reported, even when named. Ours go when named, when past their expires-at tag (unless
 * include-expired is false), or when older than max-age-hours.
 */
export function plan(endpoints: EndpointInfo[], o: PlanOptions): Decision[] {
  const considered = o.endpoint
    ? endpoints.filter((e) => e.name.toLowerCase() === o.endpoint!.toLowerCase())
    : endpoints;
  return considered.map((e) => {
    if (!isManaged(e.tags))
      return { name: e.name, delete: false, reason: "not created by phi3-aml-actions (no managed-by tag): left alone" };
    if (o.endpoint) return { name: e.name, delete: true, reason: "named for teardown" };
    const expiry = expiresAt(e.tags);
    if (o.includeExpired && expiry && expiry <= o.now)
      return {
        name: e.name,
        delete: true,
        reason: `expired ${hours(o.now.getTime() - expiry.getTime())} ago (expires-at ${expiry.toISOString()})`,
      };
    if (
      o.maxAgeHours !== undefined &&
      e.createdAt &&
      o.now.getTime() - e.createdAt.getTime() > o.maxAgeHours * 3_600_000
    ) {
      return {
        name: e.name,
        delete: true,
        reason: `created ${hours(o.now.getTime() - e.createdAt.getTime())} ago, more than max-age-hours (${o.maxAgeHours})`,
      };
    }
    const why = expiry ? `expires at ${expiry.toISOString()}` : "no expiry";
    return {
      name: e.name,
      delete: false,
      reason:
        o.maxAgeHours !== undefined && e.createdAt
          ? `${why}; ${hours(o.now.getTime() - e.createdAt.getTime())} old, within max-age-hours`
          : why,
    };
  });
}

/** The created-at of an endpoint: our tag, else the time Azure recorded. */
export function createdAt(tags: Record<string, string> | undefined, systemCreatedAt?: Date): Date | undefined {
  const tagged = tags?.["created-at"] ? new Date(tags["created-at"]) : undefined;
  return tagged && !Number.isNaN(tagged.getTime()) ? tagged : systemCreatedAt;
}
