import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "@jest/globals";
import {
  BARE,
  bundleBytes,
  measurePhases,
  phaseTable,
  phasesOf,
  quantile,
  ratios,
  spread,
  startupTable,
  subjects,
  timeRun,
  unexpected,
} from "../src/startup.js";

const dir = mkdtempSync(join(tmpdir(), "startup-bench-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("startup bench: statistics", () => {
  it("interpolates quantiles between ranks and takes the median of an even count as the mean of the middle two", () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([10, 20], 0.75)).toBe(17.5);
    expect(() => quantile([], 0.5)).toThrow();
    expect(spread([5, 1, 9, 3, 7])).toEqual({ median: 5, p25: 3, p75: 7 });
  });

  it("divides each round's time by the same round's bare Node, then takes the median of those ratios", () => {
    // Round 2 is slow for both: per-round ratios stay at 2 where a ratio of medians would not.
    const r = ratios({ [BARE]: [40, 100, 40], action: [80, 200, 80] });
    expect(r.action).toEqual({ median: 2, p25: 2, p75: 2 });
    expect(r[BARE]!.median).toBe(1);
  });
});

describe("startup bench: what counts", () => {
  const main = { name: "a", cwd: dir, args: [], expect: "input-error" as const };
  const post = { name: "a (post)", cwd: dir, args: [], expect: "exit-0" as const };

  it("counts a main run only when it stopped on an input error, and a post run only when it exited 0", () => {
    expect(
      unexpected(main, { ms: 1, code: 1, stdout: "[a] x\n::error title=Input source::source: is required\n" }),
    ).toBeUndefined();
    expect(unexpected(main, { ms: 1, code: 1, stdout: "::error::Cannot find module\n" })).toMatch(
      /did not stop on an input error/,
    );
    expect(unexpected(main, { ms: 1, code: 0, stdout: "::error title=Input x::x\n" })).toMatch(/exit 0/);
    expect(unexpected(post, { ms: 1, code: 0, stdout: "" })).toBeUndefined();
    expect(unexpected(post, { ms: 1, code: 1, stdout: "" })).toMatch(/exited with 1/);
  });

  it("lists bare Node first, then each action's main bundle and its post bundle where there is one", () => {
    mkdirSync(join(dir, "action-x", "dist", "post"), { recursive: true });
    writeFileSync(join(dir, "action-x", "dist", "post", "index.js"), "");
    mkdirSync(join(dir, "action-y", "dist"), { recursive: true });
    expect(subjects(dir, ["action-x", "action-y"]).map((s) => [s.name, s.cwd, s.expect])).toEqual([
      [BARE, dir, "exit-0"],
      ["action-x", join(dir, "action-x", "dist"), "input-error"],
      ["action-x (post)", join(dir, "action-x", "dist", "post"), "exit-0"],
      ["action-y", join(dir, "action-y", "dist"), "input-error"],
    ]);
  });

  it("sizes a bundle as its entry, all its .js and all its files, leaving out the post bundle's folder", () => {
    const d = join(dir, "sizes");
    mkdirSync(join(d, "post"), { recursive: true });
    writeFileSync(join(d, "index.js"), "x".repeat(100));
    writeFileSync(join(d, "12.index.js"), "x".repeat(50));
    writeFileSync(join(d, "licenses.txt"), "x".repeat(7));
    writeFileSync(join(d, "post", "index.js"), "x".repeat(1000));
    expect(bundleBytes(d)).toEqual({ entry: 100, js: 150, all: 157 });
  });

  it("times a real process from spawn to exit, in an environment without NODE_OPTIONS", async () => {
    process.env.NODE_OPTIONS = "--no-such-option-would-fail";
    try {
      const o = await timeRun({
        name: "env",
        cwd: dir,
        args: ["-e", "console.log(JSON.stringify(Object.keys(process.env)))"],
        expect: "exit-0",
      });
      expect(o.code).toBe(0);
      expect(JSON.parse(o.stdout)).toEqual(["PATH"]);
      expect(o.ms).toBeGreaterThan(0);
    } finally {
      delete process.env.NODE_OPTIONS;
    }
  });

  it("marks a ratio over the goal as MISS, and shows the bundle's size without judging it", () => {
    const d = join(dir, "table");
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "index.js"), "x".repeat(2048));
    const list = [
      { name: BARE, cwd: dir, args: [], expect: "exit-0" as const },
      { name: "slow", cwd: d, args: [], expect: "input-error" as const },
    ];
    const table = startupTable(list, { [BARE]: [10, 10, 10], slow: [25, 25, 25] }, 2);
    expect(table).toContain("| slow | 25 (25–25) | 2.50 (2.50–2.50) | 2 KB |");
    expect(table).toMatch(/\| slow .*\| MISS \|$/m);
    const fast = startupTable(list, { [BARE]: [10, 10, 10], slow: [15, 15, 15] }, 2);
    expect(fast).toMatch(/\| slow .*\| ok \|$/m);
  });
});

describe("startup bench: phases", () => {
  it("splits a run into Node's start, the entry and the rest from the hook's line and the parent's time", () => {
    expect(phasesOf("warning\nphases 30.5 80.5\n", 100)).toEqual({ node: 30.5, entry: 50, rest: 19.5 });
    expect(() => phasesOf("nothing", 100)).toThrow(/no phases line/);
  });

  it("shows each entry's time beyond bare Node's", () => {
    const table = phaseTable({
      [BARE]: { node: 30, entry: 2, rest: 10 },
      a: { node: 31, entry: 42, rest: 11 },
    });
    expect(table).toContain("| a | 31 | 42 | 11 | 40 |");
  });

  it("runs a real subject with the hook and gets its phases", async () => {
    const hook = fileURLToPath(new URL("../src/phase-hook.mjs", import.meta.url));
    const phases = await measurePhases([{ name: BARE, cwd: dir, args: ["-e", "0"], expect: "exit-0" }], 1, hook);
    expect(phases[BARE]!.node).toBeGreaterThan(0);
    expect(phases[BARE]!.entry).toBeGreaterThanOrEqual(0);
  });
});
