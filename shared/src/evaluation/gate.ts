/**
 * The gate's verdict from the per-example scores.
 *
 * - Candidate against baseline: d_i = candidate − baseline of the gate metric on each usable example; a
 *   seeded paired bootstrap of mean(d). Passed when the one-sided 95 % lower bound (5th percentile) is
 *   ≥ −tolerance: the candidate is not worse than production by more than the tolerance (non-inferiority).
 * - Candidate alone with floors (first deploy, or `pairs`): passed when every floored metric's mean is ≥ its
 *   floor. Without floors: report-only.
 * - Fails closed: fewer than `minExamples` usable examples, or a time budget that ran out, is "inconclusive"
 *   (the gate refuses to judge); a candidate whose error rate exceeds `maxErrorRate` fails.
 * - Gate mode "report" (or "off") computes everything and shows what the verdict would be, but the result is
 *   "report-only".
 */
import type { MetricName } from "./metrics/index.js";

export type GateResult = "passed" | "failed" | "report-only" | "inconclusive";
export type GateMode = "on" | "report" | "off";

export interface GateSettings {
  /** on: the result can fail; report / off: always report-only (default on). */
  mode?: GateMode;
  /** The compared metric (default f1). */
  metric?: MetricName;
  /** How much worse than production the mean may be, in metric units (default 0.02). */
  tolerance?: number;
  /** Absolute floors on the candidate's means, used when there is no baseline (min-f1 …). */
  floors?: Partial<Record<MetricName, number>>;
  /** Fewer usable examples than this: inconclusive (default 10). */
  minExamples?: number;
  /** Candidate error rate above this fails the gate (default 0.05). */
  maxErrorRate?: number;
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  /** Seed of the selection and the bootstrap (default "phi3-aml-evaluation"). */
  seed?: string;
}

export const GATE_DEFAULTS = {
  mode: "on",
  metric: "f1",
  tolerance: 0.02,
  minExamples: 10,
  maxErrorRate: 0.05,
} as const;

export interface GateInput {
  /** Usable examples (scored on every deployment called). */
  n: number;
  hasBaseline: boolean;
  /** Candidate means per metric. */
  candidateMeans: Record<MetricName, number>;
  /** One-sided 95 % lower bound of mean(candidate − baseline) of the gate metric (with a baseline). */
  lowerBound?: number;
  /** Errors ÷ requests of the candidate. */
  candidateErrorRate: number;
  /** True when the time budget ran out before every example was done. */
  budgetExceeded: boolean;
}

export interface GateVerdict {
  result: GateResult;
  /** What the evidence says, whatever the mode ("report-only" when there is nothing to judge against). */
  decision: GateResult;
  /** "compare": against the baseline; "floors": against min-* floors; "none": no baseline and no floors. */
  basis: "compare" | "floors" | "none";
  mode: GateMode;
  metric: MetricName;
  tolerance: number;
  /** One sentence: why. */
  reason: string;
}

/** The verdict for the given evidence and settings. */
export function gateVerdict(input: GateInput, settings: GateSettings = {}): GateVerdict {
  const s = { ...GATE_DEFAULTS, ...settings };
  const floors = Object.entries(s.floors ?? {}).filter(([, v]) => v !== undefined) as [MetricName, number][];
  const basis = input.hasBaseline ? "compare" : floors.length ? "floors" : "none";
  const decided = decide(input, s, basis, floors);
  const result = s.mode === "on" ? decided.decision : "report-only";
  return { ...decided, result, basis, mode: s.mode, metric: s.metric, tolerance: s.tolerance };
}

function decide(
  input: GateInput,
  s: Required<Omit<GateSettings, "floors" | "resamples" | "seed">>,
  basis: GateVerdict["basis"],
  floors: [MetricName, number][],
): { decision: GateResult; reason: string } {
  if (input.budgetExceeded)
    return { decision: "inconclusive", reason: "the time budget ran out before every example was scored" };
  if (basis === "none")
    return {
      decision: "report-only",
      reason: "no baseline deployment and no floors (min-f1 …): nothing to judge against",
    };
  if (input.n < s.minExamples)
    return {
      decision: "inconclusive",
      reason: `only ${input.n} usable example(s); the gate judges from ${s.minExamples}`,
    };
  if (input.candidateErrorRate > s.maxErrorRate)
    return {
      decision: "failed",
      reason: `the candidate failed ${pct(input.candidateErrorRate)} of its requests (more than ${pct(s.maxErrorRate)})`,
    };
  if (basis === "floors") return floorDecision(input, floors);
  const lb = input.lowerBound ?? NaN;
  const ok = lb >= -s.tolerance;
  return {
    decision: ok ? "passed" : "failed",
    reason: `the 95 % lower bound of Δ ${s.metric} is ${fmt(lb)}, ${ok ? "≥" : "<"} -${s.tolerance} (the tolerance)`,
  };
}

function floorDecision(input: GateInput, floors: [MetricName, number][]): { decision: GateResult; reason: string } {
  const below = floors.filter(([m, floor]) => !(input.candidateMeans[m] >= floor));
  if (below.length === 0)
    return { decision: "passed", reason: `every floor holds (${floors.map(([m, f]) => `${m} ≥ ${f}`).join(", ")})` };
  return {
    decision: "failed",
    reason: below.map(([m, f]) => `mean ${m} ${fmt(input.candidateMeans[m])} is below its floor ${f}`).join("; "),
  };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : "not computed");
