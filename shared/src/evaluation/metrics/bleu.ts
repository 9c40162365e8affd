/**
 * BLEU and GLEU as azure-ai-evaluation's BleuScoreEvaluator and GleuScoreEvaluator compute them: nltk's
 * `sentence_bleu([reference], hypothesis, smoothing_function=SmoothingFunction().method4)` with weights
 * 0.25 × 4, and `sentence_gleu([reference], hypothesis)` (1- to 4-grams), both on `nltk_tokenize` tokens
 * (nltk/nltk: nltk/translate/bleu_score.py and gleu_score.py, nltk 3.8). Case-sensitive.
 */
import { counter, ngrams, overlap } from "./python-text.js";
import { nltkTokenize } from "./nltk-tokenize.js";

/** modified_precision: clipped n-gram matches over max(1, hypothesis n-grams). */
function modifiedPrecision(reference: readonly string[], hypothesis: readonly string[], n: number) {
  const hyp = counter(ngrams(hypothesis, n));
  const numerator = overlap(hyp, counter(ngrams(reference, n)));
  return { numerator, denominator: Math.max(1, hypothesis.length >= n ? hypothesis.length - n + 1 : 0) };
}

/** exp(1 − r/c) when the hypothesis is not longer than the reference; 0 for an empty one. */
export function brevityPenalty(refLength: number, hypLength: number): number {
  if (hypLength > refLength) return 1;
  if (hypLength === 0) return 0;
  return Math.exp(1 - refLength / hypLength);
}

/** sentence_bleu with smoothing method4 (k = 5), on token lists. */
export function bleuTokens(reference: readonly string[], hypothesis: readonly string[]): number {
  const p = [1, 2, 3, 4].map((n) => modifiedPrecision(reference, hypothesis, n));
  if (p[0]!.numerator === 0) return 0;
  const hypLen = hypothesis.length;
  // method4: the i-th zero precision becomes 1/(2^i · k / ln(hyp_len)) / denominator, when hyp_len > 1.
  let incvnt = 1;
  const smoothed = p.map(({ numerator, denominator }) => {
    if (numerator !== 0 || hypLen <= 1) return numerator / denominator;
    const value = 1 / ((2 ** incvnt * 5) / Math.log(hypLen)) / denominator;
    incvnt++;
    return value;
  });
  // Zero precisions (left when hyp_len ≤ 1) are skipped in the log-sum, as nltk does.
  const logSum = smoothed.filter((x) => x > 0).reduce((s, x) => s + 0.25 * Math.log(x), 0);
  return brevityPenalty(reference.length, hypLen) * Math.exp(logSum);
}

/** sentence_gleu with min_len 1 and max_len 4, on token lists. */
export function gleuTokens(reference: readonly string[], hypothesis: readonly string[]): number {
  const every = (t: readonly string[]) => counter([1, 2, 3, 4].flatMap((n) => ngrams(t, n)));
  const hyp = every(hypothesis);
  const ref = every(reference);
  const count = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const all = Math.max(count(hyp), count(ref));
  return all > 0 ? overlap(hyp, ref) / all : 0;
}

export function bleuScore(response: string, reference: string): number {
  return bleuTokens(nltkTokenize(reference), nltkTokenize(response));
}

export function gleuScore(response: string, reference: string): number {
  return gleuTokens(nltkTokenize(reference), nltkTokenize(response));
}
