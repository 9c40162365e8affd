import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { scorePair } from "../../src/evaluation/metrics/index.js";
import { bleuTokens, brevityPenalty, gleuTokens } from "../../src/evaluation/metrics/bleu.js";
import { f1Score, squadTokens } from "../../src/evaluation/metrics/f1.js";
import {
  isLatinOrNumeric,
  nistInternational,
  nltkTokenize,
  sentences,
  treebankWords,
} from "../../src/evaluation/metrics/nltk-tokenize.js";
import { lcsLength, rougeTokens } from "../../src/evaluation/metrics/rouge.js";

// The reference note's vectors (the project reference note on evaluation metrics, §1): nltk 3.8 and azure-ai-evaluation's
// vendored ROUGE and F1 code. Columns: F1, ROUGE-1 F, ROUGE-2 F, ROUGE-L F, BLEU, GLEU.
const VECTORS: [string, string, number[]][] = [
  ["Tokyo is the capital of Japan.", "The capital of Japan is Tokyo.", [1.0, 1.0, 0.6, 0.666667, 0.229618, 0.409091]],
  [
    "The capital of Japan is Tokyo.",
    "Tokyo is Japan's capital.",
    [0.666667, 0.727273, 0, 0.181818, 0.048389, 0.227273],
  ],
  [
    "The quick brown dog jumps on the log.",
    "The quick brown fox jumps over the lazy dog",
    [0.615385, 0.705882, 0.266667, 0.588235, 0.171838, 0.3],
  ],
  ["I don't know.", "I do not know.", [0.571429, 0.5, 0, 0.5, 0.171418, 0.428571]],
  ["An apple a day!", "apple day", [1.0, 0.666667, 0, 0.666667, 0.054287, 0.142857]],
  ["Paris", "Paris", [1.0, 1.0, 0, 1.0, 1.0, 1.0]],
  ["", "Some reference.", [0, 0, 0, 0, 0, 0]],
];

describe("metric ports match the reference vectors to 1e-6", () => {
  it.each(VECTORS)("%s → %s", (response, reference, expected) => {
    const s = scorePair(response, reference);
    const got = [s.f1, s.rouge1, s.rouge2, s.rougeL, s.bleu, s.gleu];
    got.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThanOrEqual(1e-6));
  });
});

describe("F1 (SQuAD normalisation)", () => {
  it("lower-cases, drops ASCII punctuation and articles, splits on Python whitespace", () => {
    expect(squadTokens("The Japan's  capital, an APPLE\u3000a day")).toEqual(["japans", "capital", "apple", "day"]);
  });
  it("keeps non-ASCII punctuation (string.punctuation is ASCII) and treats articles by Unicode word boundaries", () => {
    expect(squadTokens("«the» théa")).toEqual(["«", "»", "théa"]);
  });
  it("uses multiset overlap", () => {
    // prediction a a b; reference a b b → overlap 2 (a, b): P = R = 2/3.
    expect(f1Score("x x y", "x y y")).toBeCloseTo(2 / 3, 12);
  });
});

describe("ROUGE tokenizer and LCS", () => {
  it("keeps [a-z0-9] runs only (non-ASCII letters are separators)", () => {
    expect(rougeTokens("Café-au-lait, 3x ÉTÉ!")).toEqual(["caf", "au", "lait", "3x", "t"]);
  });
  it("computes the longest common subsequence", () => {
    expect(lcsLength(["a", "b", "c", "d"], ["b", "d", "a", "c", "d"])).toBe(3);
    expect(lcsLength([], ["a"])).toBe(0);
  });
});

describe("nltk word tokenizer port", () => {
  const cases: { text: string; tokens: string[] }[] = JSON.parse(
    readFileSync(new URL("./fixtures/treebank-nltk-3.8.json", import.meta.url), "utf8"),
  );
  it.each(cases)("NLTKWordTokenizer: $text", ({ text, tokens }) => {
    expect(treebankWords(text)).toEqual(tokens);
  });
  it("splits sentences after a full stop before a capital, not after initials or abbreviations", () => {
    expect(sentences("Dr. Who went home. He slept. J. R. R. Tolkien wrote. the end")).toEqual([
      "Dr. Who went home.",
      "He slept.",
      "J. R. R. Tolkien wrote. the end",
    ]);
    expect(nltkTokenize("It rained. Then it stopped.")).toEqual(["It", "rained", ".", "Then", "it", "stopped", "."]);
  });
  it("sends text with a line break or a character outside Latin-1 to the NIST tokenizer", () => {
    expect(isLatinOrNumeric("Café, 1.5 €")).toBe(false);
    expect(isLatinOrNumeric("Café, 1.5")).toBe(true);
    expect(isLatinOrNumeric("two\nlines")).toBe(false);
    expect(nltkTokenize("costs 3.5€ — fine.")).toEqual(["costs", "3", ".", "5", "€", "—", "fine."]);
  });
  // Expected tokens from nltk 3.8's international_tokenize regexes, with \p{N}, \p{P} and \p{S} built from
  // Python's unicodedata (this machine has no perluniprops data).
  it.each([
    ["東京は1,000円です。&amp; 5.", ["東京は", "1", ",", "000", "円です。", "&", "5", "."]],
    ["x+1=2 «ok» 2.5% ½,3", ["x", "+", "1", "=", "2", "«", "ok", "»", "2", ".", "5", "%", "½", ",", "3"]],
    ["line one.\nline two, 4,5", ["line", "one.", "line", "two,", "4", ",", "5"]],
  ])("NIST international tokenizer: %s", (text, tokens) => {
    expect(nistInternational(text)).toEqual(tokens);
  });
});

describe("BLEU (method4) and GLEU", () => {
  it("is 0 without a unigram match, and skips zero precisions for one-token answers", () => {
    expect(bleuTokens(["a", "b"], ["c", "d"])).toBe(0);
    expect(bleuTokens(["Paris"], ["Paris"])).toBe(1);
  });
  it("applies the brevity penalty", () => {
    expect(brevityPenalty(10, 5)).toBeCloseTo(Math.exp(1 - 2), 12);
    expect(brevityPenalty(5, 10)).toBe(1);
    expect(brevityPenalty(5, 0)).toBe(0);
  });
  it("GLEU is matching 1–4-grams over the larger count", () => {
    // hyp a b: 3 n-grams (a, b, a b); ref a b c: 6 n-grams; overlap 3 → 3/6.
    expect(gleuTokens(["a", "b", "c"], ["a", "b"])).toBeCloseTo(0.5, 12);
    expect(gleuTokens([], [])).toBe(0);
  });
  it("stays bounded on a long hostile answer", () => {
    const long = "word ".repeat(50_000);
    const t0 = performance.now();
    const s = scorePair(long, "word word");
    expect(s.f1).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
