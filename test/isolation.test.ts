import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./harness/paths.js";

// The integration test files run side by side on one emulator (jest.config.js: several workers). A file must not
// change what another sees (docs/internals.md, Developing): quota only in a region no other file uses, and faults
// and degradations removed by id or endpoint, never all at once. The test harness's global setup is the one place
// that sets the default region's quota.

/** The one file that sets the default region's quota (for every file, before any runs). */
const GLOBAL_SETUP = "test/harness/global-setup.ts";

/** Regions two files may share: every quota either sets there is "no limit" (-1), so neither holds the other back. */
const SHARED_UNLIMITED = new Set(["westus3"]);

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return testSources(path);
    return /\/test\/.*\.ts$/.test(path) && !path.endsWith("isolation.test.ts") ? [path] : [];
  });
}

const sources = testSources(REPO_ROOT).map((path) => ({
  file: relative(REPO_ROOT, path),
  text: readFileSync(path, "utf8"),
}));
/** The files that work on the shared emulator: the integration tests and the helpers they call it through. */
const onEmulator = sources.filter((s) => s.file.endsWith(".int.test.ts") || /\bcontrol(<[^>]*>)?\(/.test(s.text));

/** Each quota call's argument text: from the call to its closing parenthesis. */
function quotaCalls(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('"/quotas"'); at >= 0; at = text.indexOf('"/quotas"', at + 1))
    out.push(text.slice(at, text.indexOf(")", at)));
  return out;
}

/** The regions a file names: `location: "…"`, `location = "…"`, `REGION = "…"`. */
function regionsOf(text: string): Set<string> {
  return new Set([...text.matchAll(/\b(?:location|REGION|region)\s*[:=]\s*"([a-z][a-z0-9]*)"/g)].map((m) => m[1]!));
}

/** "region: file and file" for each region where a file sets quota and another file works too. */
function sharedQuotaRegions(files: ReadonlyArray<{ file: string; text: string }>): string[] {
  const setters = files.filter((f) => quotaCalls(f.text).length > 0);
  return setters.flatMap((f) =>
    [...regionsOf(f.text)]
      .filter((r) => !SHARED_UNLIMITED.has(r))
      .flatMap((r) =>
        files.filter((g) => g !== f && regionsOf(g.text).has(r)).map((g) => `${r}: ${f.file} and ${g.file}`),
      ),
  );
}

describe("integration test files keep out of each other's way on the shared emulator", () => {
  it("reads the test sources", () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.some((s) => quotaCalls(s.text).length > 0)).toBe(true);
  });

  it("sets quota only in a region the file names", () => {
    const unplaced = sources
      .filter((s) => s.file !== GLOBAL_SETUP)
      .flatMap((s) =>
        quotaCalls(s.text)
          .filter((call) => !/\blocation\b/.test(call))
          .map((call) => `${s.file}: ${call.replace(/\s+/g, " ")}`),
      );
    expect(unplaced).toEqual([]);
  });

  it("sets quota only in a region no other file works in", () => {
    expect(onEmulator.length).toBeGreaterThan(30);
    expect(sharedQuotaRegions(onEmulator)).toEqual([]);
    // The check itself: two files in one region, one of them setting its quota.
    const a = { file: "a", text: 'control("POST", "/quotas", { limit: 1, location: "x1" });' };
    expect(sharedQuotaRegions([a, { file: "b", text: 'const location = "x1";' }])).toEqual(["x1: a and b"]);
  });

  it("removes its faults by id, never every fault at once", () => {
    const clears = sources.filter((s) => /control\(\s*"DELETE",\s*"\/faults"\s*\)/.test(s.text)).map((s) => s.file);
    expect(clears).toEqual([]);
  });

  it("restores its own endpoint's answers, never every degraded deployment", () => {
    const clears = sources.filter((s) => /"\/scoring\/degrade"\s*\)/.test(s.text)).map((s) => s.file);
    expect(clears).toEqual([]);
  });
});
