/** The tags every resource we create carries, so that people and teardown can tell what is ours. */
export const MANAGED_BY_TAG = "managed-by";
export const MANAGED_BY = "phi3-aml-actions";
export const EXPIRES_TAG = "expires-at";
export const REPOSITORY_TAG = "repository";

export interface TagOptions {
  now?: Date;
  /** Hours until teardown may delete the resource; undefined = no expiry. */
  ttlHours?: number;
  extra?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

export function standardTags(o: TagOptions = {}): Record<string, string> {
  const env = o.env ?? process.env;
  const now = o.now ?? new Date();
  const tags: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY, "created-at": now.toISOString() };
  if (env.GITHUB_REPOSITORY) tags[REPOSITORY_TAG] = env.GITHUB_REPOSITORY;
  const run = workflowRunUrl(env);
  if (run) tags["workflow-run"] = run;
  if (env.GITHUB_SHA) tags.commit = env.GITHUB_SHA;
  if (o.ttlHours !== undefined) tags[EXPIRES_TAG] = new Date(now.getTime() + o.ttlHours * 3_600_000).toISOString();
  return { ...tags, ...o.extra };
}

export function workflowRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : "";
  return `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`;
}

export const isManaged = (tags: Record<string, string> | undefined) => tags?.[MANAGED_BY_TAG] === MANAGED_BY;

/**
 * A full ISO-8601 timestamp: date, time (at least hours and minutes) and a zone (Z or ±hh:mm). "0",
 * "2026", "2026-01-02" or "tomorrow" are not: JavaScript's Date would read some of them as real dates.
 */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export type Expiry = { kind: "none" } | { kind: "at"; date: Date } | { kind: "unreadable"; value: string };

/** A full ISO-8601 timestamp as a Date, or undefined for anything else. */
export function parseTimestamp(v: string | undefined): Date | undefined {
  const t = v?.trim() ?? "";
  const date = ISO_TIMESTAMP.test(t) && realCalendarDate(t) ? new Date(t) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * Whether the date and time written exist: JavaScript rolls 2026-02-30 over to 2 March and 24:00 to the next
 * day, which a strict reading must refuse.
 */
function realCalendarDate(t: string): boolean {
  const [y, mo, d, h, mi, se] = [0, 5, 8, 11, 14, 17].map((at, i) => Number(t.slice(at, at + (i ? 2 : 4))));
  const second = t[16] === ":" ? se! : 0;
  if (mo! < 1 || mo! > 12 || d! < 1 || h! > 23 || mi! > 59 || second > 59) return false;
  return d! <= new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
}

/** The expires-at tag, read strictly: absent, a timestamp, or unreadable (teardown keeps such an endpoint). */
export function readExpiry(tags: Record<string, string> | undefined): Expiry {
  const v = tags?.[EXPIRES_TAG];
  if (v === undefined || v.trim() === "") return { kind: "none" };
  const date = parseTimestamp(v);
  return date ? { kind: "at", date } : { kind: "unreadable", value: v };
}

/** When teardown may delete the resource, if it says so readably. */
export function expiresAt(tags: Record<string, string> | undefined): Date | undefined {
  const e = readExpiry(tags);
  return e.kind === "at" ? e.date : undefined;
}
