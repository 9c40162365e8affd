/**
 * From scored examples to the report's metric rows and the gate verdict: means per deployment, the paired
 * bootstrap of every metric's difference (one set of resamples shared by all metrics), the Wilcoxon p-value
 * of the gate metric, and the verdict.
 */
import { gateVerdict, GATE_DEFAULTS, type GateSettings, type GateVerdict } from "./gate.js";
import { METRICS, type MetricName, type Scores } from "./metrics/index.js";
import { bootstrapMean, DEFAULT_RESAMPLES, drawResamples, mean, wilcoxonPValue } from "./stats.js";
import { DEFAULT_SEED } from "./examples.js";
import type { DroppedCount, ExampleResult, MetricRow } from "./types.js";

const GATEABLE: ReadonlySet<MetricName> = new Set(["f1", "rouge1", "rouge2", "rougeL"]);
const isGateable = (m: MetricName) => GATEABLE.has(m);

export interface Summary {
  metrics: MetricRow[];
  gate: GateVerdict;
  resamples: number;
}

/** Metric rows and verdict for the used examples. */
export function summarise(
  examples: readonly ExampleResult[],
  o: { hasBaseline: boolean; candidateErrorRate: number; budgetExceeded: boolean; gate?: GateSettings },
): Summary {
  const settings = { ...GATE_DEFAULTS, ...o.gate };
  const used = examples.filter((e) => e.used);
  const resamples =
    o.hasBaseline && used.length > 0
      ? drawResamples(used.length, settings.resamples ?? DEFAULT_RESAMPLES, settings.seed ?? DEFAULT_SEED)
      : [];
  const metrics = METRICS.map((metric): MetricRow => {
    const cand = used.map((e) => e.candidate.scores![metric]);
    const row: MetricRow = {
      metric,
      gateable: isGateable(metric),
      gated: metric === settings.metric,
      candidate: mean(cand),
    };
    const floor = o.gate?.floors?.[metric];
    if (!o.hasBaseline && floor !== undefined) row.floor = floor;
    if (!o.hasBaseline || used.length === 0) return row;
    const diffs = used.map((e) => e.delta![metric]);
    const boot = bootstrapMean(diffs, resamples);
    row.baseline = mean(used.map((e) => e.baseline!.scores![metric]));
    row.delta = boot.mean;
    row.interval95 = boot.interval95;
    row.lower95 = boot.lower95;
    if (row.gated) row.wilcoxonP = wilcoxonPValue(diffs, settings.tolerance);
    return row;
  });
  const gateRow = metrics.find((m) => m.gated)!;
  const gate = gateVerdict(
    {
      n: used.length,
      hasBaseline: o.hasBaseline,
      candidateMeans: Object.fromEntries(metrics.map((m) => [m.metric, m.candidate])) as Scores,
      lowerBound: gateRow.lower95,
      candidateErrorRate: o.candidateErrorRate,
      budgetExceeded: o.budgetExceeded,
    },
    o.gate,
  );
  return { metrics, gate, resamples: resamples.length };
}

/** candidate − baseline per metric. */
export function difference(candidate: Scores, baseline: Scores): Scores {
  return Object.fromEntries(METRICS.map((m) => [m, candidate[m] - baseline[m]])) as Scores;
}

/** Dropped lines and examples counted by reason, most frequent first. */
export function countDropped(reasons: readonly string[]): DroppedCount[] {
  const m = new Map<string, number>();
  for (const r of reasons) m.set(r, (m.get(r) ?? 0) + 1);
  return [...m].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}
