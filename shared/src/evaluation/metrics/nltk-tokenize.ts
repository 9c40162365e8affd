/**
 * The tokenizer azure-ai-evaluation gives BLEU and GLEU (`_common/utils.py` `nltk_tokenize`), ported:
 *
 * - text whose every character is in U+0020–U+007E or U+00A0–U+00FF (so a line break or a tab is not!) goes
 *   to `nltk.word_tokenize`: a Punkt sentence split, then NLTKWordTokenizer's regexes on each sentence
 *   (nltk/nltk: nltk/tokenize/destructive.py, nltk 3.8);
 * - anything else goes to `NISTTokenizer().international_tokenize` (nltk/tokenize/nist.py).
 *
 * Punkt is a trained model and is not ported: sentences are split after . ? or ! (and closing quotes or
 * brackets) followed by a space and a character that is not a lower-case letter, unless the word before is a
 * single letter or a common abbreviation. Punkt agrees on ordinary prose; where it would not, only the
 * tokens of a period change (BLEU and GLEU are reported, not gated; F1 and ROUGE do not use this).
 *
 * Python's `\w` and `\b` are Unicode-aware and its `\s` and `$` differ from JavaScript's: the patterns below
 * say which characters they mean. All patterns are linear-time.
 */
import { PY_SPACE, PY_WORD, pySplit } from "./python-text.js";

const W = `[${PY_WORD}]`;
// Python's \b between a word character and the start, the end or a non-word character.
const B_AFTER = `(?!${W})`;
const B_BEFORE = `(?<!${W})`;
const S = `[${PY_SPACE}]`;

type Rule = [RegExp, string];
const rx = (source: string, flags = "gu") => new RegExp(source, flags);

const STARTING_QUOTES: Rule[] = [
  [rx("([«“‘„]|[`]+)"), " $1 "],
  [rx('^"', "u"), "``"],
  [rx("(``)"), " $1 "],
  [rx(`([ ([{<])("|'{2})`), "$1 `` "],
  // (?i)(\')(?!re|ve|ll|m|t|s|d|n)(\w)\b
  [rx(`(')(?!re|ve|ll|m|t|s|d|n)(${W})${B_AFTER}`, "giu"), "$1 $2"],
];

// Python's `$` also matches before a final "\n".
const END = "(?=\\n?$)";
const PUNCTUATION: Rule[] = [
  [rx(`([^.])(\\.)([\\])}>"'»”’ ]*)${S}*${END}`, "u"), "$1 $2 $3 "],
  [rx("([:,])([^\\d])"), " $1 $2"],
  [rx(`([:,])${END}`, "u"), " $1 "],
  [rx("\\.{2,}"), " $& "],
  [rx("[;@#$%&]"), " $& "],
  [rx(`([^.])(\\.)([\\])}>"']*)${S}*${END}`, "u"), "$1 $2$3 "],
  [rx("[?!]"), " $& "],
  [rx("([^'])' "), "$1 ' "],
  [rx("[*]"), " $& "],
];

const PARENS_BRACKETS: Rule = [rx("[\\][(){}<>]"), " $& "];
const DOUBLE_DASHES: Rule = [rx("--"), " -- "];

const ENDING_QUOTES: Rule[] = [
  [rx("([»”’])"), " $1 "],
  [rx("''"), " '' "],
  [rx('"'), " '' "],
  [rx("([^' ])('[sS]|'[mM]|'[dD]|') "), "$1 $2 "],
  [rx("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "), "$1 $2 "],
];

// MacIntyre's contractions: (?i)\b(can)(not)\b … ; the last one ends in (?=\s).
const CONTRACTIONS: Rule[] = [
  ...[
    ["can", "not"],
    ["d", "'ye"],
    ["gim", "me"],
    ["gon", "na"],
    ["got", "ta"],
    ["lem", "me"],
    ["more", "'n"],
  ].map(([a, b]): Rule => [rx(`${B_BEFORE}(${a})(${b})${B_AFTER}`, "giu"), " $1 $2 "]),
  [rx(`${B_BEFORE}(wan)(na)(?=${S})`, "giu"), " $1 $2 "],
  [rx(` ('t)(is)${B_AFTER}`, "giu"), " $1 $2 "],
  [rx(` ('t)(was)${B_AFTER}`, "giu"), " $1 $2 "],
];

const apply = (text: string, rules: readonly Rule[]) => rules.reduce((t, [re, to]) => t.replace(re, to), text);

/** NLTKWordTokenizer.tokenize(text) for one sentence. */
export function treebankWords(sentence: string): string[] {
  let text = apply(sentence, STARTING_QUOTES);
  text = apply(text, PUNCTUATION);
  text = apply(text, [PARENS_BRACKETS, DOUBLE_DASHES]);
  text = apply(` ${text} `, ENDING_QUOTES);
  text = apply(text, CONTRACTIONS);
  return pySplit(text);
}

const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "vs",
  "etc",
  "e.g",
  "i.e",
  "no",
  "fig",
]);

/** Sentences as Punkt would split ordinary prose (see the file comment for what is not ported). */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const boundary = /[.?!]['")\]’”]*(?=[ \xa0]+([^ \xa0]))/g;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    const next = m[1] ?? "";
    if (next.toLowerCase() !== next.toUpperCase() && next === next.toLowerCase()) continue;
    const word = /([^ \xa0]*)$/.exec(text.slice(start, m.index))?.[1] ?? "";
    const bare = word.replace(/^['"([]+/, "").toLowerCase();
    if (m[0][0] === "." && (bare.length === 1 || ABBREVIATIONS.has(bare))) continue;
    const end = m.index + m[0].length;
    out.push(text.slice(start, end).trim());
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/** nltk.word_tokenize: sentences, then the treebank words of each. */
function wordTokenize(text: string): string[] {
  return sentences(text).flatMap(treebankWords);
}

const XML_ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&apos;": "'" };

/** NISTTokenizer().international_tokenize(text) with its defaults (no lower-casing, split_non_ascii). */
export function nistInternational(text: string): string[] {
  let t = text.replace(/<skipped>/g, "").replace(/\u2028/g, " ");
  // xml.sax.saxutils.unescape: &amp; last, so "&amp;lt;" stays "&lt;".
  t = t.replace(/&(lt|gt|quot|apos);/g, (e) => XML_ENTITIES[e]!).replace(/&amp;/g, "&");
  // NIST NONASCII: pads every run of ASCII (control characters included) with spaces.
  // eslint-disable-next-line no-control-regex
  t = t.replace(/([\x00-\x7f]+)/g, " $1 ");
  t = t.replace(/(\p{N})(\p{P})/gu, "$1 $2 ");
  t = t.replace(/(\p{P})(\p{N})/gu, " $1 $2");
  t = t.replace(/(\p{S})/gu, " $1 ");
  return pySplit(t);
}

/** True when azure-ai-evaluation sends the text to word_tokenize (Basic Latin printable or Latin-1 Supplement). */
export function isLatinOrNumeric(text: string): boolean {
  return /^[\x20-\x7e\xa0-\xff]*$/.test(text);
}

/** azure-ai-evaluation's nltk_tokenize. */
export function nltkTokenize(text: string): string[] {
  return isLatinOrNumeric(text) ? wordTokenize(text) : nistInternational(text);
}
