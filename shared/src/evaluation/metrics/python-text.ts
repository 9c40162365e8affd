/**
 * The few Python string rules the azure-ai-evaluation metrics depend on, written out for JavaScript:
 * Python's `str.split()` whitespace, `\w` / `\b` (Unicode-aware for str patterns) and `string.punctuation`
 * (ASCII only). JavaScript's `\s`, `\w` and `\b` differ (see the reference note's pitfalls), so every regex here
 * names its characters explicitly. All patterns are linear-time (no nested quantifiers).
 */

/** The characters Python's `str.isspace()` accepts, i.e. what `str.split()` with no argument splits on. */
export const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** Python's `\w` for str patterns: letters, numbers and the underscore. */
export const PY_WORD = "\\p{L}\\p{N}_";

const SPLIT = new RegExp(`[${PY_SPACE}]+`, "u");

/** Python's `text.split()`: runs of whitespace separate, no empty strings. */
export function pySplit(text: string): string[] {
  return text.split(SPLIT).filter((t) => t !== "");
}

/** Python's `string.punctuation`. */
export const PY_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/** A multiset of strings (Python's `collections.Counter`). */
export function counter(items: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(it, (m.get(it) ?? 0) + 1);
  return m;
}

/** The size of the multiset intersection (`sum((a & b).values())`). */
export function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let n = 0;
  for (const [k, v] of a) n += Math.min(v, b.get(k) ?? 0);
  return n;
}

/** n-grams of a token list as strings (tokens joined by U+0001, which no token holds after tokenizing). */
export function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join("\u0001"));
  return out;
}

/** 2PR/(P+R), 0 when both are 0 (rouge_score's scoring.fmeasure). */
export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}
