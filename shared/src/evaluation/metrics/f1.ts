/**
 * F1 as azure-ai-evaluation's F1ScoreEvaluator computes it (Azure/azure-sdk-for-python:
 * sdk/evaluation/azure-ai-evaluation/azure/ai/evaluation/_evaluators/_f1_score/_f1_score.py), the SQuAD
 * normalisation: lower-case, delete ASCII punctuation, replace the articles a/an/the by a space, split on
 * whitespace; then the multiset overlap of the two token lists, 0 when nothing overlaps, else 2PR/(P+R).
 */
import { counter, overlap, PY_PUNCTUATION, PY_WORD, pySplit } from "./python-text.js";

const PUNCT = new Set(PY_PUNCTUATION);
// Python's \b(a|an|the)\b with a Unicode \w: a word boundary is a change between \w and not-\w.
const ARTICLES = new RegExp(`(?<![${PY_WORD}])(?:a|an|the)(?![${PY_WORD}])`, "gu");

/** The SQuAD normalisation, as tokens. */
export function squadTokens(text: string): string[] {
  const lowered = text.toLowerCase();
  const noPunct = Array.from(lowered)
    .filter((c) => !PUNCT.has(c))
    .join("");
  return pySplit(noPunct.replace(ARTICLES, " "));
}

/** F1 of a response against its reference (ground truth), in 0..1. */
export function f1Score(response: string, reference: string): number {
  const pred = squadTokens(response);
  const ref = squadTokens(reference);
  const common = overlap(counter(pred), counter(ref));
  if (common === 0) return 0;
  const precision = common / pred.length;
  const recall = common / ref.length;
  return (2 * precision * recall) / (precision + recall);
}
