/**
 * The one ownership rule every action follows (deploy, teardown, and their cancel/rollback paths). A
 * resource (endpoint or deployment) is one of:
 *
 * - "ours": our managed-by tag AND a repository tag naming this repository. Ours may be deleted, re-tagged,
 *   and have its traffic changed.
 * - "foreign": a repository tag naming another repository. Never deleted, never re-tagged, its traffic
 *   never changed; deploying onto such an endpoint is refused before any write, naming the owner.
 * - "unclaimed": no tags of ours that name a repository (made by hand, by another tool, or by us without a
 *   repository tag). An endpoint may be deployed to (a deployment of ours is added and traffic moved to it),
 *   but it is never deleted or re-tagged, and its deployments that are not ours are never deleted.
 *
 * GitHub owner and repository names are case-insensitive (no two repositories differ only in case), so is
 * the comparison.
 */
import { isManaged, MANAGED_BY, MANAGED_BY_TAG, REPOSITORY_TAG } from "./tags.js";

export type Tags = Record<string, string> | null | undefined;

export type Ownership = { kind: "ours" } | { kind: "foreign"; owner: string } | { kind: "unclaimed"; why: string };

/** Whose the resource is, by its tags, for `repository` (GITHUB_REPOSITORY). */
export function ownership(tags: Tags, repository: string | undefined): Ownership {
  const t = tags ?? undefined;
  const tagged = t?.[REPOSITORY_TAG]?.trim();
  if (tagged && repository && tagged.toLowerCase() === repository.toLowerCase() && isManaged(t))
    return { kind: "ours" };
  if (tagged && tagged.toLowerCase() !== (repository ?? "").toLowerCase()) return { kind: "foreign", owner: tagged };
  if (!isManaged(t)) return { kind: "unclaimed", why: `no ${MANAGED_BY_TAG}: ${MANAGED_BY} tag` };
  return { kind: "unclaimed", why: "no repository tag, so no repository can tell it is its own" };
}

/** Ours to delete, re-tag, and move traffic of. */
export const isOurs = (tags: Tags, repository: string | undefined) => ownership(tags, repository).kind === "ours";

/** Why the resource is not ours (one sentence fragment), or undefined when it is. */
export function notOurs(tags: Tags, repository: string | undefined): string | undefined {
  const o = ownership(tags, repository);
  if (o.kind === "ours") return undefined;
  if (o.kind === "foreign") return `belongs to repository ${o.owner}, not ${repository ?? "(no GITHUB_REPOSITORY)"}`;
  return o.kind === "unclaimed" && o.why.startsWith("no managed-by")
    ? "not created by phi3-aml-actions (no managed-by tag)"
    : o.why;
}

/** The repository this run acts for. */
export const thisRepository = (env: NodeJS.ProcessEnv = process.env) => env.GITHUB_REPOSITORY ?? "";
