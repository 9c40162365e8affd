import { describe, expect, it } from "@jest/globals";
import {
  bootstrapMean,
  drawResamples,
  percentile,
  quantile,
  seedOf,
  wilcoxonPValue,
} from "../../src/evaluation/stats.js";

describe("paired bootstrap", () => {
  it("is the same for the same seed and different for another", () => {
    const a = drawResamples(30, 100, "s1");
    const b = drawResamples(30, 100, "s1");
    const c = drawResamples(30, 100, "s2");
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.max(...a.flatMap((x) => [...x]))).toBeLessThan(30);
  });
  it("puts a constant difference's interval on the constant", () => {
    const r = bootstrapMean(new Array(20).fill(-0.01), drawResamples(20, 1000, "x"));
    expect(r.mean).toBeCloseTo(-0.01, 12);
    expect(r.lower95).toBeCloseTo(-0.01, 12);
    expect(r.interval95.low).toBeCloseTo(-0.01, 12);
    expect(r.interval95.high).toBeCloseTo(-0.01, 12);
  });
  it("gives an interval around the mean that narrows with more examples, lower95 inside it", () => {
    const diffs = (n: number) => Array.from({ length: n }, (_, i) => ((i * 37) % 11) / 10 - 0.5);
    const small = bootstrapMean(diffs(20), drawResamples(20, 10_000, "seed"));
    const large = bootstrapMean(diffs(400), drawResamples(400, 10_000, "seed"));
    for (const r of [small, large]) {
      expect(r.interval95.low).toBeLessThan(r.mean);
      expect(r.interval95.high).toBeGreaterThan(r.mean);
      expect(r.lower95).toBeGreaterThan(r.interval95.low);
      expect(r.lower95).toBeLessThan(r.mean);
    }
    expect(large.interval95.high - large.interval95.low).toBeLessThan(small.interval95.high - small.interval95.low);
    expect(small.resamples).toBe(10_000);
  });
  it("standard error of the bootstrap mean is close to sd/sqrt(n)", () => {
    const xs = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1));
    const r = bootstrapMean(xs, drawResamples(100, 10_000, "se"));
    // sd 1, n 100 → se 0.1; the 95 % interval is about ±1.96 se.
    expect(r.interval95.high - r.interval95.low).toBeGreaterThan(0.36);
    expect(r.interval95.high - r.interval95.low).toBeLessThan(0.42);
  });
  it("derives a 32-bit seed from a string", () => {
    expect(seedOf("a")).toBe(seedOf("a"));
    expect(seedOf("a")).not.toBe(seedOf("b"));
    expect(Number.isInteger(seedOf("a"))).toBe(true);
  });
});

describe("quantile and percentile", () => {
  it("interpolates like numpy's default", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([1, 2, 3, 4, 5], 0.05)).toBeCloseTo(1.2, 12);
  });
  it("nearest rank for latencies", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe("Wilcoxon signed-rank (@stdlib/stats-wilcoxon)", () => {
  // @stdlib's README example (Hollander & Wolfe): x − y gives statistic 40 and two-sided p = 0.0390625; the
  // one-sided "greater" p is half of it.
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  it("matches the library's published vector, one-sided", () => {
    const d = x.map((v, i) => v - y[i]!);
    expect(wilcoxonPValue(d, 0)).toBeCloseTo(0.0390625 / 2, 10);
  });
  it("tests against −tolerance: identical deployments are clearly not worse", () => {
    expect(wilcoxonPValue(new Array(20).fill(0), 0.02)!).toBeLessThan(0.001);
  });
  it("a clearly worse candidate gets a large p", () => {
    expect(wilcoxonPValue(new Array(20).fill(-0.2), 0.02)!).toBeGreaterThan(0.99);
  });
  it("is undefined when it cannot be computed", () => {
    expect(wilcoxonPValue([0.1], 0.02)).toBeUndefined();
  });
});
