/** The shapes the evaluation module gives back: one report for a comparison, a floors check or `pairs`. */
import type { GateVerdict } from "./gate.js";
import type { MetricName, Scores } from "./metrics/index.js";
import type { Interval } from "./stats.js";

export type Role = "candidate" | "baseline";

/** One deployment's answer to one example. */
export interface Answer {
  answer?: string;
  /** Why there is no answer (an HTTP error, a timeout, not sent…), secrets removed. */
  error?: string;
  latencyMs?: number;
  /** The answer's estimated length reached max_new_tokens: probably cut short. */
  cut?: boolean;
  scores?: Scores;
}

export interface ExampleResult {
  id: string;
  line: number;
  /** The last user turn sent (for the report). */
  prompt: string;
  reference: string;
  /** Oldest turns left out so that the prompt fits the context (the same for both deployments). */
  trimmedTurns: number;
  candidate: Answer;
  baseline?: Answer;
  /** candidate − baseline per metric, when both were scored. */
  delta?: Scores;
  /** Scored on every deployment called: counts in the means and the gate. */
  used: boolean;
  /** Why not used. */
  droppedReason?: string;
}

export interface MetricRow {
  metric: MetricName;
  /** F1 and ROUGE can gate; BLEU and GLEU are reported only. */
  gateable: boolean;
  /** The gate metric. */
  gated: boolean;
  candidate: number;
  baseline?: number;
  /** Mean of candidate − baseline. */
  delta?: number;
  /** Bootstrap 95 % interval of the mean difference (two-sided: 2.5th..97.5th percentile). */
  interval95?: Interval;
  /** One-sided 95 % lower bound (5th percentile) of the mean difference. */
  lower95?: number;
  /** Wilcoxon signed-rank p-value, H1: the difference is centred above −tolerance. */
  wilcoxonP?: number;
  /** The floor given for this metric (min-f1 …), when there is no baseline. */
  floor?: number;
}

export interface DeploymentStats {
  role: Role;
  name: string;
  /** Examples sent (each may take several requests). */
  sent: number;
  answered: number;
  errors: number;
  /** errors ÷ sent (0 when nothing was sent). */
  errorRate: number;
  /** Retries after 429/503/408/resets. */
  retries: number;
  p50Ms?: number;
  p95Ms?: number;
  /** Answers probably cut by max_new_tokens. */
  cut: number;
  /** Requests in flight at most. */
  concurrency: number;
}

export interface DroppedCount {
  reason: string;
  count: number;
}

export interface EvaluationReport {
  kind: "deployments" | "pairs";
  endpoint?: string;
  candidate?: string;
  baseline?: string;
  /** Usable examples in the data (before selection) and how many were selected. */
  available: number;
  selected: number;
  /** Examples that count. */
  used: number;
  /** Lines and examples that do not count, by reason. */
  dropped: DroppedCount[];
  examples: ExampleResult[];
  metrics: MetricRow[];
  deployments: DeploymentStats[];
  /** The decoding parameters sent to every deployment. */
  decoding?: { maxNewTokens: number; parameters: Record<string, unknown> };
  gate: GateVerdict;
  resamples: number;
  budgetExceeded: boolean;
  elapsedMs: number;
}
