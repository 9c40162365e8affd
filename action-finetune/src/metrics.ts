/**
 * Training metrics from the job's MLflow run (reference §10): metric histories, as
 * GET .../metrics/get-history answers them per key, reduced to the final values (the `metrics` output),
 * a progress line, and the series of the loss chart.
 */

/** One point of an MLflow metric history. MLflow may write non-finite values as strings ("NaN"). */
export interface MetricPoint {
  key: string;
  value: number | string;
  step?: number;
  timestamp?: number;
}

/** Metric key → its history (in any order). */
export type MetricHistories = Readonly<Record<string, readonly MetricPoint[]>>;

/** The keys shown first, in this order; others follow alphabetically. */
const HEADLINE = [
  "loss",
  "eval_loss",
  "learning_rate",
  "epoch",
  "train_loss",
  "train_runtime",
  "train_samples_per_second",
  "train_steps_per_second",
  "total_flos",
];

interface Point {
  step: number;
  value: number;
}

/** A history as finite points by step: one point per step (the last logged), in step order. */
export function series(history: readonly MetricPoint[]): Point[] {
  const byStep = new Map<number, { value: number; timestamp: number; order: number }>();
  history.forEach((p, order) => {
    const value = typeof p.value === "number" ? p.value : Number(p.value);
    if (!Number.isFinite(value)) return;
    const step = typeof p.step === "number" && Number.isFinite(p.step) ? p.step : order;
    const timestamp = typeof p.timestamp === "number" ? p.timestamp : 0;
    const had = byStep.get(step);
    if (!had || timestamp > had.timestamp || (timestamp === had.timestamp && order > had.order))
      byStep.set(step, { value, timestamp, order });
  });
  return [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, p]) => ({ step, value: p.value }));
}

const ordered = (keys: Iterable<string>) => {
  const all = [...keys];
  return [...HEADLINE.filter((k) => all.includes(k)), ...all.filter((k) => !HEADLINE.includes(k)).sort()];
};

/** Each metric's last value (highest step): the `metrics` output. Keys without a finite value are left out. */
export function finalMetrics(h: MetricHistories): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ordered(Object.keys(h))) {
    const last = series(h[key] ?? []).at(-1);
    if (last) out[key] = last.value;
  }
  return out;
}

/** 0.91234 → "0.9123", 2e-5 → "2.000e-5", 1234.5 → "1234.5": four significant digits, exponent for the very small or large. */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(3).replace(/e\+?/, "e");
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(a >= 1000 ? 6 : 4)));
}

/** "step 120: loss 0.9123, eval_loss 1.031, learning_rate 1.200e-5", or undefined before the first point. */
export function progressLine(
  h: MetricHistories,
  keys: readonly string[] = ["loss", "eval_loss", "learning_rate"],
): string | undefined {
  const last = keys
    .map((k) => ({ k, p: series(h[k] ?? []).at(-1) }))
    .filter((x): x is { k: string; p: Point } => x.p !== undefined);
  if (!last.length) return undefined;
  const step = Math.max(...last.map((x) => x.p.step));
  return `step ${step}: ${last.map((x) => `${x.k} ${formatMetric(x.p.value)}`).join(", ")}`;
}

/** How many points there are in all: a change means new metrics arrived (worth a progress line). */
export const pointCount = (h: MetricHistories) => Object.values(h).reduce((a, v) => a + series(v).length, 0);

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Steps, one per category of the x axis. */
  x: number[];
  /** Lines drawn over the same steps, in order. */
  lines: Array<{ name: string; values: number[] }>;
}

/** At most `max` points, evenly spread, the first and the last kept: real values, not averages. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max || max < 2) return [...points];
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))]!);
}

/**
 * The loss chart: loss and eval_loss on one chart when they were logged at the same steps; otherwise each
 * on its own (the trainer often logs training loss every few steps and evaluation loss once an epoch, and a
 * Mermaid line cannot have gaps, so one chart would have to invent values).
 */
export function lossCharts(h: MetricHistories, o: { maxPoints?: number } = {}): Chart[] {
  const max = o.maxPoints ?? 60;
  const present = ["loss", "eval_loss"]
    .map((key) => ({ key, points: series(h[key] ?? []) }))
    .filter((s) => s.points.length > 0);
  const [a, b] = present;
  if (!a) return [];
  const sameSteps = b && a.points.length === b.points.length && a.points.every((p, i) => p.step === b.points[i]!.step);
  if (b && sameSteps) {
    const idx = thin(
      a.points.map((_, i) => i),
      max,
    );
    return [
      {
        title: "Loss",
        xLabel: "step",
        yLabel: "loss",
        x: idx.map((i) => a.points[i]!.step),
        lines: present.map((s) => ({ name: s.key, values: idx.map((i) => s.points[i]!.value) })),
      },
    ];
  }
  return present.map((s) => {
    const pts = thin(s.points, max);
    return {
      title: s.key === "loss" ? "Training loss" : "Evaluation loss",
      xLabel: "step",
      yLabel: s.key,
      x: pts.map((p) => p.step),
      lines: [{ name: s.key, values: pts.map((p) => p.value) }],
    };
  });
}
