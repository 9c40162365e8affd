import { notOurs, ownership } from "@phi3-aml/shared/ownership";
import { parseTimestamp, readExpiry, type Expiry } from "@phi3-aml/shared/tags";

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
  /** Something the person who reads the log should fix (an unreadable expires-at tag). */
  warning?: string;
}

export interface PlanOptions {
  now: Date;
  /** GITHUB_REPOSITORY: only endpoints tagged with it are ours. */
  repository: string;
  maxAgeHours?: number;
  /** Only this endpoint (e.g. a pull request's preview when the PR closes). */
  endpoint?: string;
  includeExpired: boolean;
}

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;

/**
 * Which endpoints go. Only ours (the shared ownership rule, shared/src/ownership.ts) are ever deleted. Ours go when named, when past a
 * readable expires-at (unless include-expired is false), or when older than max-age-hours; one whose
 * expires-at cannot be read is kept, with a warning. A named endpoint that is not ours is kept here;
 * refusals() turns it into an error.
 */
export function plan(endpoints: EndpointInfo[], o: PlanOptions): Decision[] {
  const considered = o.endpoint
    ? endpoints.filter((e) => e.name.toLowerCase() === o.endpoint!.toLowerCase())
    : endpoints;
  return considered.map((e) => decide(e, o));
}

function decide(e: EndpointInfo, o: PlanOptions): Decision {
  const foreign = notOurs(e.tags, o.repository);
  if (foreign) return { name: e.name, delete: false, reason: `${foreign}: left alone` };
  if (o.endpoint) return { name: e.name, delete: true, reason: "named for teardown" };
  const expiry = readExpiry(e.tags);
  if (expiry.kind === "unreadable") {
    const warning = `Keeping ${e.name}: its expires-at tag "${expiry.value}" is not a full ISO-8601 timestamp (such as 2026-01-31T18:00:00Z); fix or remove the tag so teardown can decide.`;
    return { name: e.name, delete: false, reason: `unreadable expires-at "${expiry.value}": kept`, warning };
  }
  return expired(e, expiry, o) ?? tooOld(e, o) ?? kept(e, expiry, o);
}

function expired(e: EndpointInfo, expiry: Expiry, o: PlanOptions): Decision | undefined {
  if (!o.includeExpired || expiry.kind !== "at" || expiry.date > o.now) return undefined;
  const ago = hours(o.now.getTime() - expiry.date.getTime());
  return { name: e.name, delete: true, reason: `expired ${ago} ago (expires-at ${expiry.date.toISOString()})` };
}

function tooOld(e: EndpointInfo, o: PlanOptions): Decision | undefined {
  if (o.maxAgeHours === undefined || !e.createdAt) return undefined;
  const age = o.now.getTime() - e.createdAt.getTime();
  if (age <= o.maxAgeHours * 3_600_000) return undefined;
  return {
    name: e.name,
    delete: true,
    reason: `created ${hours(age)} ago, more than max-age-hours (${o.maxAgeHours})`,
  };
}

function kept(e: EndpointInfo, expiry: Expiry, o: PlanOptions): Decision {
  const why = expiry.kind === "at" ? `expires at ${expiry.date.toISOString()}` : "no expiry";
  const age = e.createdAt ? hours(o.now.getTime() - e.createdAt.getTime()) : undefined;
  return {
    name: e.name,
    delete: false,
    reason: o.maxAgeHours !== undefined && age ? `${why}; ${age} old, within max-age-hours` : why,
  };
}

/** The named endpoint, when it exists and is not ours: teardown refuses (a reason per such endpoint). */
export function refusals(decisions: Decision[], o: PlanOptions): string[] {
  if (!o.endpoint) return [];
  return decisions.filter((d) => !d.delete).map((d) => `endpoint "${d.name}" is not ours to delete: ${d.reason}`);
}

/** The created-at of an endpoint: our tag when it is a full ISO-8601 timestamp, else the time Azure recorded. */
export function createdAt(tags: Record<string, string> | undefined, systemCreatedAt?: Date): Date | undefined {
  return parseTimestamp(tags?.["created-at"]) ?? systemCreatedAt;
}

/** Why an endpoint of ours must stay for one of its deployments: it belongs to another repository. */
export function foreignDeployment(
  deployments: ReadonlyArray<{ name: string; tags?: Record<string, string> }>,
  repository: string,
): string | undefined {
  for (const d of deployments) {
    const o = ownership(d.tags, repository);
    if (o.kind === "foreign") return `its deployment ${d.name} belongs to repository ${o.owner}`;
  }
  return undefined;
}
