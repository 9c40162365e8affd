/** `pairs` scoring: given responses against their references, no endpoint; floors or report-only. */
import type { Dropped, Pair } from "./examples.js";
import type { GateSettings } from "./gate.js";
import { scorePair } from "./metrics/index.js";
import { countDropped, summarise } from "./summarise.js";
import type { EvaluationReport, ExampleResult } from "./types.js";

export function evaluatePairs(
  pairs: readonly Pair[],
  o: { dropped?: readonly Dropped[]; gate?: GateSettings } = {},
): EvaluationReport {
  const started = Date.now();
  const examples: ExampleResult[] = pairs.map((p) => ({
    id: p.id,
    line: p.line,
    prompt: "",
    reference: p.reference,
    trimmedTurns: 0,
    candidate: { answer: p.response, scores: scorePair(p.response, p.reference) },
    used: true,
  }));
  const summary = summarise(examples, {
    hasBaseline: false,
    candidateErrorRate: 0,
    budgetExceeded: false,
    gate: o.gate,
  });
  return {
    kind: "pairs",
    available: pairs.length,
    selected: pairs.length,
    used: pairs.length,
    dropped: countDropped((o.dropped ?? []).map((d) => d.reason)),
    examples,
    ...summary,
    deployments: [],
    budgetExceeded: false,
    elapsedMs: Date.now() - started,
  };
}
