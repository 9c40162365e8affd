// `tsx scripts/release-notes.ts v1.2.3`: prints the CHANGELOG.md section of that version (the release notes the
// release workflow publishes). Fails, naming the fix, when the tag is not vX.Y.Z or CHANGELOG.md has no section.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The body of `## [X.Y.Z] …` up to the next `## `, trimmed. */
export function releaseNotes(changelog: string, tag: string): string {
  const m = /^v(\d+\.\d+\.\d+)$/.exec(tag);
  if (!m) throw new Error(`tag "${tag}" is not a release tag: push a tag like v1.2.3`);
  const lines = changelog.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`## [${m[1]}]`));
  if (start < 0) throw new Error(`CHANGELOG.md has no "## [${m[1]}]" section: add one, then tag again`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  const body = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join("\n")
    .trim();
  if (!body) throw new Error(`CHANGELOG.md's "## [${m[1]}]" section is empty: say what changed`);
  return body;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    console.log(releaseNotes(readFileSync("CHANGELOG.md", "utf8"), process.argv[2] ?? ""));
  } catch (e) {
    console.error(`release-notes: ${(e as Error).message}`);
    process.exit(1);
  }
}
