/** The tags every resource we create carries, so that people and teardown can tell what is ours. */
export const MANAGED_BY_TAG = "managed-by";
export const MANAGED_BY = "phi3-aml-actions";
export const EXPIRES_TAG = "expires-at";

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
  if (env.GITHUB_REPOSITORY) tags.repository = env.GITHUB_REPOSITORY;
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

/** When teardown may delete the resource, if it says. */
export function expiresAt(tags: Record<string, string> | undefined): Date | undefined {
  const v = tags?.[EXPIRES_TAG];
  const d = v ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}
