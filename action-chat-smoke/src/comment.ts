import * as github from "@actions/github";
import type { Logger } from "@phi3-aml/shared/log";
import { findMarkedComment } from "./markdown.js";

/** The pull request this run is about, if any (pull_request and pull_request_target events). */
export function pullRequestNumber(): number | undefined {
  const pr = github.context.payload.pull_request as { number?: number } | undefined;
  return pr?.number;
}

/**
 * One comment per endpoint on the pull request, found by its hidden marker among the comments the
 * Actions bot wrote, and updated in place on each run; created the first time.
 */
export async function upsertComment(
  o: { token: string; number: number; endpoint: string; body: string },
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
  const existing = findMarkedComment(mine, o.endpoint);
  if (existing) {
    const r = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: o.body });
    log.info(`Updated the results comment on pull request #${o.number}.`);
    return { id: r.data.id, updated: true, url: r.data.html_url };
  }
  const r = await octokit.rest.issues.createComment({ owner, repo, issue_number: o.number, body: o.body });
  log.info(`Commented the results on pull request #${o.number}.`);
  return { id: r.data.id, updated: false, url: r.data.html_url };
}
