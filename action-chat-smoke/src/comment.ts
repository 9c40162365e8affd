import type { Logger } from "@phi3-aml/shared/log";
import { upsertMarkedComment } from "@phi3-aml/shared/pr-comment";
import { commentMarker } from "./markdown.js";

export { pullRequestNumber } from "@phi3-aml/shared/pr-comment";

/** One comment per endpoint on the pull request (shared/src/pr-comment.ts), updated in place on each run. */
export async function upsertComment(
  o: { token: string; number: number; endpoint: string; body: string },
  log: Logger,
): Promise<{ id: number; updated: boolean; url?: string }> {
  return upsertMarkedComment(
    { token: o.token, number: o.number, marker: commentMarker(o.endpoint), body: o.body },
    log,
  );
}
