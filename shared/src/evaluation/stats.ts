/**
 * The statistics of the comparison:
 *
 * - a seeded paired bootstrap of the mean difference (Koehn 2004, "Statistical significance tests for machine
 *   translation evaluation", W04-3250): resample the examples with replacement B times, take the mean of the
 *   per-example differences each time; the spread of those means is the uncertainty of the observed mean;
 * - the Wilcoxon signed-rank test of the same differences, from @stdlib/stats-wilcoxon (not hand-written);
 * - latency percentiles by the nearest-rank method (as action-chat-smoke reports them).
 *
 * The random source is pure-rand's xoroshiro128+ with a seed derived from a string, so the same differences
 * and seed always give the same interval.
 */
import { createHash } from "node:crypto";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import wilcoxon from "@stdlib/stats-wilcoxon";

export const DEFAULT_RESAMPLES = 10_000;

export interface Interval {
  low: number;
  high: number;
}

export interface Bootstrap {
  mean: number;
  /** 2.5th and 97.5th percentiles of the resampled means: the two-sided 95 % interval. */
  interval95: Interval;
  /** 5th percentile of the resampled means: the one-sided 95 % lower bound the gate compares. */
  lower95: number;
  resamples: number;
}

/** A 32-bit integer seed from any string. */
export function seedOf(text: string): number {
  return createHash("sha256").update(text).digest().readInt32LE(0);
}

/**
 * Resampled index lists, drawn once and shared by every metric: the bootstrap is paired across metrics and
 * deployments (each resample uses the same examples for all of them).
 */
export function drawResamples(n: number, resamples: number, seed: string): Uint32Array[] {
  const rng = xoroshiro128plus(seedOf(seed));
  const out: Uint32Array[] = [];
  for (let b = 0; b < resamples && n > 0; b++) {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = uniformInt(rng, 0, n - 1);
    out.push(idx);
  }
  return out;
}

export const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : NaN;
};

/** The bootstrap distribution of mean(values) over the given resamples. */
export function bootstrapMean(values: readonly number[], resamples: readonly Uint32Array[]): Bootstrap {
  const means = new Float64Array(resamples.length);
  resamples.forEach((idx, b) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += values[idx[i]!]!;
    means[b] = s / idx.length;
  });
  means.sort();
  return {
    mean: mean(values),
    interval95: { low: quantile(means, 0.025), high: quantile(means, 0.975) },
    lower95: quantile(means, 0.05),
    resamples: resamples.length,
  };
}

/** Linear-interpolation quantile of sorted values (numpy's default, "type 7"). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * One-sided Wilcoxon signed-rank p-value that the differences are centred above −tolerance (H1: "greater"),
 * Pratt's treatment of zero differences. Undefined when the test cannot be run (fewer than 2 differences,
 * or every difference exactly −tolerance).
 */
export function wilcoxonPValue(diffs: readonly number[], tolerance: number): number | undefined {
  if (diffs.length < 2) return undefined;
  try {
    const r = wilcoxon(diffs.slice(), { mu: -tolerance, alternative: "greater", zeroMethod: "pratt" });
    return Number.isFinite(r.pValue) ? r.pValue : undefined;
  } catch {
    return undefined;
  }
}

/** Nearest-rank percentile (p in 0..100): always one of the values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length));
  return sorted[rank - 1];
}
