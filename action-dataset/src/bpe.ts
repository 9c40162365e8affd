/**
 * How many tokens the Llama 2 BPE (llama-tokenizer-js's vocabulary and merges) makes of a short piece of
 * text, without llama-tokenizer-js's encode().
 *
 * encode() builds a linked list, a priority queue and a string key per candidate pair ("▁t he"), which
 * costs about 20 µs even for a five-letter word; counting the distinct words of a large dataset spent
 * seconds there. This is the same algorithm on integers: the text's code points become token ids (bytes
 * of UTF-8 where the vocabulary has no piece for a character, as encode() does), then the adjacent pair
 * whose merge comes first in the merge table is merged, the leftmost of equal pairs first, until no
 * pair has a merge. Merge ranks are all different, so "lowest rank, leftmost" is exactly the order of
 * encode()'s queue (rank, then position). The scan for the best pair is quadratic, which is cheapest
 * for the short chunks it is given; longer text goes to encode(). The tests hold it to encode().
 */
import llamaTokenizer from "llama-tokenizer-js";

const { vocabById, vocabByString, merges } = llamaTokenizer;

/** Pairs of token ids as one number: both ids are below 32768. */
const pairKey = (left: number, right: number): number => left * 32768 + right;

/**
 * pair key → merge priority, open addressing in two typed arrays: looked up for every adjacent pair of a
 * chunk not cached, several times faster than a Map of numbers.
 */
class PairTable {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(entries: number) {
    let size = 1024;
    while (size < entries * 2) size *= 2;
    this.keys = new Int32Array(size).fill(-1);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  private slot(key: number): number {
    let i = Math.imul(key, 0x9e3779b1) >>> 0;
    i = (i ^ (i >>> 15)) & this.mask;
    while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  set(key: number, value: number): void {
    const i = this.slot(key);
    this.keys[i] = key;
    this.values[i] = value;
  }

  get(key: number): number | undefined {
    const i = this.slot(key);
    return this.keys[i] === key ? this.values[i] : undefined;
  }
}

// pair → the merge's priority in the table (what encode() orders by); mergedIds[priority] is the token
// the pair becomes. Every merge of the table joins two pieces of the vocabulary into a third (checked
// in the tests), so none is left out here that encode() would apply.
const pairRank = new PairTable(merges.size);
let maxPriority = 0;
for (const priority of merges.values()) maxPriority = Math.max(maxPriority, priority);
const mergedIds = new Int32Array(maxPriority + 1);
/** The merges as pair key, priority and merged id, for bpeTables(). */
const mergeList: Array<[number, number, number]> = [];
for (const [mergeString, priority] of merges) {
  const space = mergeString.indexOf(" "); // pieces hold "▁", never " ", so the first space separates them
  const left = mergeString.slice(0, space);
  const right = mergeString.slice(space + 1);
  const leftId = vocabByString.get(left);
  const rightId = vocabByString.get(right);
  const merged = vocabByString.get(left + right);
  if (leftId === undefined || rightId === undefined || merged === undefined) continue;
  pairRank.set(pairKey(leftId, rightId), priority);
  mergedIds[priority] = merged;
  mergeList.push([pairKey(leftId, rightId), priority, merged]);
}

/** How many merges of the table do not join two pieces into a third (zero: the premise above). */
export function irregularMerges(): number {
  let n = 0;
  for (const mergeString of merges.keys()) {
    const space = mergeString.indexOf(" ");
    const left = mergeString.slice(0, space);
    const right = mergeString.slice(space + 1);
    if (!vocabByString.has(left) || !vocabByString.has(right) || !vocabByString.has(left + right)) n++;
  }
  return n;
}

/** encode()'s byte fallback: <0xE2> and so on. */
const byteIds = Array.from(
  { length: 256 },
  (_, b) => vocabByString.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`) ?? 0,
);
const SPACE_PIECE = vocabById[29871] ?? "\u2581";

/**
 * The token of each UTF-16 code unit that is a piece of its own (-1: none, so its UTF-8 bytes are used),
 * " " being "▁" as encode() replaces it: a typed-array lookup instead of a string-keyed map per character.
 */
const unitIds = new Int32Array(0x10000).fill(-1);
for (let unit = 0; unit < 0x10000; unit++) {
  if (unit >= 0xd800 && unit <= 0xdfff) continue; // surrogates: never a character of their own
  const id = vocabByString.get(unit === 0x20 ? SPACE_PIECE : String.fromCharCode(unit));
  if (id !== undefined) unitIds[unit] = id;
}

/** Above this length the quadratic scan loses to encode()'s priority queue. */
const MAX_QUADRATIC = 256;
const NO_MERGE = 0x7fffffff;

// Scratch space, reused: a chunk has at most 4 byte tokens per code unit.
const ids = new Int32Array(MAX_QUADRATIC * 4);
const ranks = new Int32Array(MAX_QUADRATIC * 4);

function pushBytes(codePoint: number, n: number): number {
  // UTF-8 of one code point (what TextEncoder gives; a lone surrogate arrives here as U+FFFD).
  if (codePoint < 0x80) ids[n++] = byteIds[codePoint] ?? 0;
  else if (codePoint < 0x800) {
    ids[n++] = byteIds[0xc0 | (codePoint >> 6)] ?? 0;
    ids[n++] = byteIds[0x80 | (codePoint & 0x3f)] ?? 0;
  } else if (codePoint < 0x10000) {
    ids[n++] = byteIds[0xe0 | (codePoint >> 12)] ?? 0;
    ids[n++] = byteIds[0x80 | ((codePoint >> 6) & 0x3f)] ?? 0;
    ids[n++] = byteIds[0x80 | (codePoint & 0x3f)] ?? 0;
  } else {
    ids[n++] = byteIds[0xf0 | (codePoint >> 18)] ?? 0;
    ids[n++] = byteIds[0x80 | ((codePoint >> 12) & 0x3f)] ?? 0;
    ids[n++] = byteIds[0x80 | ((codePoint >> 6) & 0x3f)] ?? 0;
    ids[n++] = byteIds[0x80 | (codePoint & 0x3f)] ?? 0;
  }
  return n;
}

const rankOf = (left: number, right: number): number => pairRank.get(pairKey(left, right)) ?? NO_MERGE;

/** Tokens of `text` (no BOS, no dummy leading space): exactly encode(text, false, false).length. */
export function bpeTokenCount(text: string): number {
  if (text.length === 0) return 0;
  if (text.length > MAX_QUADRATIC) return llamaTokenizer.encode(text, false, false).length;
  // Code points to token ids, as encode() maps the characters of Array.from(text).
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const id = unitIds[unit] ?? -1;
    if (id >= 0) {
      ids[n++] = id;
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const pairId = vocabByString.get(text.slice(i, i + 2));
        if (pairId !== undefined) ids[n++] = pairId;
        else n = pushBytes(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00), n);
        i++;
        continue;
      }
    }
    n = pushBytes(unit >= 0xd800 && unit <= 0xdfff ? 0xfffd : unit, n);
  }
  // ranks[i]: the rank of merging ids[i] and ids[i + 1]. Merge the lowest, leftmost first, until none is left.
  for (let i = 0; i + 1 < n; i++) ranks[i] = rankOf(ids[i] ?? 0, ids[i + 1] ?? 0);
  for (;;) {
    let best = -1;
    let bestRank = NO_MERGE;
    for (let i = 0; i + 1 < n; i++) {
      const r = ranks[i] ?? NO_MERGE;
      if (r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return n;
    ids[best] = mergedIds[bestRank] ?? 0;
    // Shift the rest left by one (a loop: copyWithin's call costs more than these few elements).
    for (let i = best + 1; i < n - 1; i++) ids[i] = ids[i + 1] ?? 0;
    for (let i = best; i < n - 2; i++) ranks[i] = ranks[i + 1] ?? NO_MERGE;
    n--;
    if (best > 0) ranks[best - 1] = rankOf(ids[best - 1] ?? 0, ids[best] ?? 0);
    if (best + 1 < n) ranks[best] = rankOf(ids[best] ?? 0, ids[best + 1] ?? 0);
  }
}

/**
 * The tables this BPE runs on, for the WebAssembly copy of it (line-tokens.ts): the token of each UTF-16
 * unit that is a piece of its own (-1: none; " " is "▁"), the byte-fallback tokens, and every merge as
 * [pair key (left × 32768 + right), priority, merged token].
 */
export function bpeTables(): {
  unitIds: Int32Array;
  byteIds: readonly number[];
  merges: ReadonlyArray<readonly [number, number, number]>;
} {
  return { unitIds, byteIds, merges: mergeList };
}
