import { readFileSync } from "node:fs";
import { join } from "node:path";
import { releaseNotes } from "../scripts/release-notes.js";
import { REPO_ROOT } from "./harness/paths.js";

describe("release notes from CHANGELOG.md", () => {
  const changelog =
    "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2027-01-02\n\n- b\n\n## [1.0.0] - 2026-12-06\n\n- a\n";

  it("take the tag's section, up to the next one", () => {
    expect(releaseNotes(changelog, "v1.1.0")).toBe("- b");
    expect(releaseNotes(changelog, "v1.0.0")).toBe("- a");
  });

  it("refuse a tag that is not vX.Y.Z, or a version without a section, naming the fix", () => {
    expect(() => releaseNotes(changelog, "v1")).toThrow(/not a release tag: push a tag like v1.2.3/);
    expect(() => releaseNotes(changelog, "v2.0.0")).toThrow(/no "## \[2.0.0\]" section: add one/);
  });

  it("exist for the first release in this repository's CHANGELOG.md", () => {
    expect(releaseNotes(readFileSync(join(REPO_ROOT, "CHANGELOG.md"), "utf8"), "v1.0.0")).toMatch(/action-deploy/);
  });
});
