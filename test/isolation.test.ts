import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./harness/paths.js";

// The integration test files run side by side on one emulator (jest.config.js: several workers). A file must not
// change what another sees (docs/internals.md, Developing): quota only in a region of its own, and faults removed by
// id, never all at once. The test harness's global setup is the one place that sets the default region's quota.

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

/** Each quota call's argument text: from the call to its closing parenthesis. */
function quotaCalls(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('"/quotas"'); at >= 0; at = text.indexOf('"/quotas"', at + 1))
    out.push(text.slice(at, text.indexOf(")", at)));
  return out;
}

describe("integration test files keep out of each other's way on the shared emulator", () => {
  it("reads the test sources", () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.some((s) => quotaCalls(s.text).length > 0)).toBe(true);
  });

  it("sets quota only in a region the file names", () => {
    const unplaced = sources.flatMap((s) =>
      quotaCalls(s.text)
        .filter((call) => !/\blocation\b/.test(call))
        .map((call) => `${s.file}: ${call.replace(/\s+/g, " ")}`),
    );
    expect(unplaced).toEqual([]);
  });

  it("removes its faults by id, never every fault at once", () => {
    const clears = sources.filter((s) => /control\(\s*"DELETE",\s*"\/faults"\s*\)/.test(s.text)).map((s) => s.file);
    expect(clears).toEqual([]);
  });
});
