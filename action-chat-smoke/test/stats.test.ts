import { percentile, summarize } from "../src/stats.js";

describe("percentiles (nearest rank)", () => {
  it("takes the value at rank ceil(p/100 × N)", () => {
    const v = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    expect(percentile(v, 50)).toBe(500);
    expect(percentile(v, 95)).toBe(1000);
    expect(percentile(v, 90)).toBe(900);
    expect(percentile(v, 0)).toBe(100);
  });

  it("does not depend on input order and never interpolates", () => {
    expect(percentile([900, 100, 400], 50)).toBe(400);
    expect(percentile([1, 2], 50)).toBe(1);
  });

  it("has no percentile for no values", () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("totals", () => {
  it("counts each status, and takes latencies only from answered cases", () => {
    const t = summarize([
      { status: "passed", latencyMs: 1000 },
      { status: "failed", latencyMs: 3000 },
      { status: "passed", latencyMs: 2000 },
      { status: "error", latencyMs: 50 },
      { status: "skipped" },
    ]);
    expect(t).toEqual({
      cases: 5,
      passed: 2,
      failed: 3,
      failedChecks: 1,
      errors: 1,
      skipped: 1,
      answered: 3,
      p50Ms: 2000,
      p95Ms: 3000,
      maxMs: 3000,
    });
  });

  it("has no percentiles when nothing was answered", () => {
    const t = summarize([{ status: "error" }]);
    expect(t.p50Ms).toBeUndefined();
    expect(t.failed).toBe(1);
  });
});
