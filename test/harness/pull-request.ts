import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control } from "./emulator.js";

const REPOSITORY = "octo-org/phi3-demo";

/** A pull_request event payload, as the runner writes it to GITHUB_EVENT_PATH; `fork`: its head is someone else's. */
export function prEvent(number: number, fork = false): Record<string, string> {
  const file = join(mkdtempSync(join(tmpdir(), "phi3-event-")), "event.json");
  const head = { repo: { full_name: fork ? "someone/phi3-demo" : REPOSITORY } };
  writeFileSync(file, JSON.stringify({ pull_request: { number, head }, repository: { full_name: REPOSITORY } }));
  return { GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: file };
}

/** The comments the emulator's GitHub holds on that pull request. */
export const prComments = (number: number) =>
  control<Array<{ body: string }>>("GET", `/github/comments?issue=${encodeURIComponent(`${REPOSITORY}#${number}`)}`);
