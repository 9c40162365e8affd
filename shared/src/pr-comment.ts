/**
 * One sticky comment per action and endpoint on a pull request: found by a hidden first-line marker among the
 * comments bots wrote, updated in place on each run, created the first time. action-chat-smoke and
 * action-evaluate use it (each with its own marker kind, so their comments never replace each other).
 */
import * as github from "@actions/github";
import { describeError } from "./errors.js";
import type { Logger } from "./log.js";

/** The `comment` input of the actions that comment: on a pull request only (auto), insisting (always), or not. */
export type CommentWhen = "auto" | "always" | "never";

/** The pull request this run is about, if any (pull_request and pull_request_target events). */
function pullRequestNumber(): number | undefined {
  const pr = github.context.payload.pull_request as { number?: number } | undefined;
  return pr?.number;
}

/**
 * The hidden first line of the comment of one action ("chat-smoke", "evaluate") for one endpoint. Endpoint
 * names are case-insensitive in Azure, so the marker uses the lower-case name; anything outside [a-z0-9-] is
 * percent-encoded, so a name can never close the HTML comment.
 */
export function commentMarker(kind: string, endpoint: string): string {
  const key = encodeURIComponent(endpoint.trim().toLowerCase()).replace(
    /[^A-Za-z0-9%\-._]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
  return `<!-- phi3-${kind}:endpoint=${key} -->`;
}

export interface MarkedComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
}

/**
 * The comment to update: one whose body starts with the marker (a comment that merely quotes the marker
 * further down is not ours). With `author` (the login the token posts as), only that author's comments: a
 * token that can write comments could otherwise overwrite a person's. Of several, the oldest (lowest id), so
 * every run updates the same one.
 */
export function findMarkedComment<T extends MarkedComment>(
  comments: readonly T[],
  marker: string,
  options: { author?: string } = {},
): T | undefined {
  let found: T | undefined;
  for (const c of comments) {
    if (!(c.body ?? "").trimStart().startsWith(marker)) continue;
    if (options.author !== undefined && c.user?.login?.toLowerCase() !== options.author.toLowerCase()) continue;
    if (!found || c.id < found.id) found = c;
  }
  return found;
}

/** Updates the bot comment that starts with `marker`, or creates it. `body` must start with the marker. */
async function upsertMarkedComment(
  o: { token: string; number: number; marker: string; body: string },
  log: Logger,
): Promise<{ id: number; updated: boolean; url?: string }> {
  const octokit = github.getOctokit(o.token);
  const { owner, repo } = github.context.repo;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: o.number,
    per_page: 100,
  });
  const mine = comments.filter((c) => c.user?.type === "Bot");
  const existing = findMarkedComment(mine, o.marker);
  if (existing) {
    const r = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: o.body });
    log.info(`Updated the results comment on pull request #${o.number}.`);
    return { id: r.data.id, updated: true, url: r.data.html_url };
  }
  const r = await octokit.rest.issues.createComment({ owner, repo, issue_number: o.number, body: o.body });
  log.info(`Commented the results on pull request #${o.number}.`);
  return { id: r.data.id, updated: false, url: r.data.html_url };
}

/**
 * The one rule for whether and how an action comments its results: never with `never`; only on a pull
 * request (with `always` off one, a warning); only with a token. A comment that cannot be written (a fork's
 * read-only token) is a warning, never a failure: the step summary has everything.
 */
export async function commentResults(
  o: { when: CommentWhen; token?: string; marker: string; body: string },
  log: Logger,
): Promise<void> {
  if (o.when === "never") return;
  const number = pullRequestNumber();
  if (!number) {
    if (o.when === "always")
      log.warning("comment is always, but this run is not about a pull request: nothing to comment on.");
    return;
  }
  if (!o.token) {
    log.warning("No github-token: the results are not commented on the pull request.");
    return;
  }
  try {
    await upsertMarkedComment({ token: o.token, number, marker: o.marker, body: o.body }, log);
  } catch (e) {
    log.warning(`Could not comment on pull request #${number}: ${describeError(e)}`);
  }
}
