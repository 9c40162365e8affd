/**
 * The text-overlap metrics of azure-ai-evaluation, ported exactly (see each file and
 * docs/evaluation.md): F1 and ROUGE-1/2/L F-measure (gated), BLEU and GLEU (reported).
 */
import { bleuScore, gleuScore } from "./bleu.js";
import { f1Score } from "./f1.js";
import { rougeScores } from "./rouge.js";

export const METRICS = ["f1", "rouge1", "rouge2", "rougeL", "bleu", "gleu"] as const;
export type MetricName = (typeof METRICS)[number];
export type Scores = Record<MetricName, number>;

/**
 * Most characters of a response or reference that are scored: model answers are hostile input, and ROUGE-L
 * is quadratic in tokens. 20,000 characters is far above any answer max-new-tokens allows (4096 tokens).
 */
const MAX_SCORED_CHARS = 20_000;

/** Every metric of one response against its reference, each in 0..1. */
export function scorePair(response: string, reference: string): Scores {
  const r = response.slice(0, MAX_SCORED_CHARS);
  const g = reference.slice(0, MAX_SCORED_CHARS);
  return { f1: f1Score(r, g), ...rougeScores(r, g), bleu: bleuScore(r, g), gleu: gleuScore(r, g) };
}
