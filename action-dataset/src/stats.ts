/** Token-length statistics of the prepared conversations, for the job summary. */

export interface TokenStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Conversations longer than max-tokens among those counted (kept with on-too-long: keep). */
  overMax: number;
  /** Eight equal bins from 0 to max-tokens, then one for everything longer. */
  histogram: Array<{ from: number; to: number | null; count: number }>;
}

/** Nearest-rank percentile (the smallest value with at least p% of the values at or below it). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

/** `counts` is read, not kept: prepare passes a view of its index's typed array. */
export function tokenStats(counts: ArrayLike<number>, maxTokens: number): TokenStats {
  const sorted = Float64Array.from(counts).sort(); // a typed array sorts numerically
  const bins = 8;
  const width = Math.max(1, Math.ceil(maxTokens / bins));
  const histogram: TokenStats["histogram"] = [];
  for (let b = 0; b < bins; b++)
    histogram.push({ from: b * width, to: Math.min((b + 1) * width, maxTokens), count: 0 });
  histogram.push({ from: maxTokens, to: null, count: 0 });
  let overMax = 0;
  for (const c of sorted) {
    const bin = c > maxTokens ? bins : Math.min(Math.floor(c / width), bins - 1);
    (histogram[bin] as { count: number }).count++;
    if (c > maxTokens) overMax++;
  }
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    overMax,
    histogram,
  };
}
