/**
 * Totals and latency percentiles of a run.
 *
 * Percentiles use the nearest-rank method: the p-th percentile of N sorted values is the value at rank
 * ceil(p/100 × N) (1-based). It is always one of the measured latencies (no interpolation between two
 * requests), and with few cases it reads as expected: p95 of 10 latencies is the slowest one.
 *
 * Latencies are those of the cases that got an answer (passed or failed a check); cases with no answer
 * (an error, or not sent) have no latency to count.
 */

export type CaseStatus = "passed" | "failed" | "error" | "skipped";

export interface Totals {
  cases: number;
  passed: number;
  /** Every case that did not pass: failedChecks + errors + skipped (the action's `failed` output). */
  failed: number;
  /** Got an answer, but an expectation did not hold. */
  failedChecks: number;
  /** Got no answer (HTTP error, timeout, unreadable response). */
  errors: number;
  /** Not sent, because an earlier case showed that no request could succeed (e.g. a wrong key). */
  skipped: number;
  /** Number of latencies the percentiles are taken over. */
  answered: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
}

/** Nearest-rank percentile (p in 0..100) of the values; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarize(results: ReadonlyArray<{ status: CaseStatus; latencyMs?: number }>): Totals {
  const count = (s: CaseStatus) => results.filter((r) => r.status === s).length;
  const latencies = results
    .filter((r) => (r.status === "passed" || r.status === "failed") && r.latencyMs !== undefined)
    .map((r) => r.latencyMs as number);
  const passed = count("passed");
  const totals: Totals = {
    cases: results.length,
    passed,
    failed: results.length - passed,
    failedChecks: count("failed"),
    errors: count("error"),
    skipped: count("skipped"),
    answered: latencies.length,
  };
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const max = percentile(latencies, 100);
  if (p50 !== undefined) totals.p50Ms = Math.round(p50);
  if (p95 !== undefined) totals.p95Ms = Math.round(p95);
  if (max !== undefined) totals.maxMs = Math.round(max);
  return totals;
}
