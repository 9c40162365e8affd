/**
 * ROUGE-1, ROUGE-2 and ROUGE-L F-measure as azure-ai-evaluation's RougeScoreEvaluator computes them: its
 * vendored rouge_score (`_vendor/rouge_score/`), `RougeScorer([type])` with no stemmer, called as
 * `score(ground_truth, response)`.
 *
 * Tokenizer: lower-case, every run of characters outside [a-z0-9] becomes a space, split, keep tokens of
 * [a-z0-9] only (so letters outside ASCII are dropped). ROUGE-N: clipped n-gram overlap, precision over
 * max(#prediction n-grams, 1), recall over max(#target n-grams, 1). ROUGE-L: longest common subsequence,
 * 0 when either side has no tokens.
 */
import { counter, fmeasure, ngrams, overlap } from "./python-text.js";

interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** rouge_score's default tokenizer without stemming. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter((t) => /^[a-z0-9]+$/.test(t));
}

/** ROUGE-N of a prediction against a target (reference). */
function rougeN(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
  const t = counter(ngrams(target, n));
  const p = counter(ngrams(prediction, n));
  const common = overlap(t, p);
  const precision = common / Math.max(sum(p), 1);
  const recall = common / Math.max(sum(t), 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** ROUGE-L (sentence-level LCS) of a prediction against a target. */
function rougeL(target: readonly string[], prediction: readonly string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** Length of the longest common subsequence, in O(n·m) time and O(m) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}

function sum(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

/** ROUGE-1, ROUGE-2 and ROUGE-L F-measure of a response against its reference. */
export function rougeScores(response: string, reference: string): { rouge1: number; rouge2: number; rougeL: number } {
  const target = rougeTokens(reference);
  const prediction = rougeTokens(response);
  return {
    rouge1: rougeN(target, prediction, 1).fmeasure,
    rouge2: rougeN(target, prediction, 2).fmeasure,
    rougeL: rougeL(target, prediction).fmeasure,
  };
}
