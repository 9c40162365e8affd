// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.mjs into src/line-tokens-wasm.ts.
//
// The hot loop of the Phi-3 token count (see src/line-tokens.ts, which loads this and explains the
// method): scan the contents of output lines for chunks and look each chunk up in byte caches; the
// JavaScript side is asked (imports) only for what needs the tokenizer: a chunk not cached (bpe) and a
// content this loop does not handle (slowContent).
//
// Linear memory, fixed layout (all offsets in bytes):
//   [0, 64)                scratch: slowContent writes where the content literal ended at 0
//   [HOT, +2 MB)           2^16 slots of 32 B: direct-mapped cache of the frequent chunks (≤ 24 B)
//   [SHORT, +8 MB)         2^18 slots of 32 B: two-way set-associative cache, chunks of ≤ 24 B
//   [LONG, +2 MB)          2^15 slots of 64 B: the same for chunks of 25 to 56 B
//   [UNIT_IDS, +128 KB)    the BPE's tables, filled by the JavaScript side from src/bpe.ts: the token of
//   [BYTE_IDS, +512 B)       each UTF-16 unit (i16, -1: none), the byte-fallback tokens (i16), and the
//   [PAIRS, +1.5 MB)         merges, open addressing: pair key (i32, 0: empty), priority, merged token
//   [WORK, +8 KB)          the BPE's token ids and pair priorities while it merges
//   [INPUT, …)             the lines to count, copied in by the JavaScript side
// A cache slot: hash (u32), length (u8), count (u8), 2 unused bytes, then the chunk's bytes, zero-padded.

@external("env", "bpe")
declare function bpe(start: u32, length: u32): u32;

@external("env", "slowContent")
declare function slowContent(start: u32, limit: u32): u32;

const HOT: u32 = 64;
const HOT_SLOTS: u32 = 1 << 16;
const SHORT: u32 = HOT + HOT_SLOTS * 32;
const SHORT_SLOTS: u32 = 1 << 18;
const LONG: u32 = SHORT + SHORT_SLOTS * 32;
const LONG_SLOTS: u32 = 1 << 15;
export const UNIT_IDS: u32 = LONG + LONG_SLOTS * 64;
export const BYTE_IDS: u32 = UNIT_IDS + 65536 * 2;
const PAIRS: u32 = BYTE_IDS + 256 * 2;
const PAIR_SLOTS: u32 = 1 << 17;
const IDS: u32 = PAIRS + PAIR_SLOTS * 12;
const RANKS: u32 = IDS + 64 * 4;
const MERGED: u32 = RANKS + 64 * 4;
export const INPUT: u32 = MERGED + 64 * 4 + 7168;

const HEADER: u32 = 8;
const SHORT_MAX: u32 = 32 - HEADER;
const LONG_MAX: u32 = 64 - HEADER;

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const SPACE: u32 = 0x20;

let contentEnd: u32 = 0;

/** Tokens of the conversation of the output line at [start, end) (without its "\n"); 0xffffffff if it is not one. */
export function countLine(start: u32, end: u32): u32 {
  let total: u32 = 1; // <|endoftext|>
  let at = start + 22; // {"messages":[{"role":"
  while (true) {
    while (at < end && <u32>load<u8>(at) != QUOTE) at++; // the role name
    at += 13; // ","content":"
    total += 2 + contentTokens(at, end); // <|role|> … <|end|>
    at = contentEnd + 1;
    if (<u32>load<u8>(at + 1) != 0x2c) break; // `}]}` ends the line, `},{` goes on
    at += 11; // },{"role":"
  }
  if (at + 3 != end || <u32>load<u8>(at + 1) != 0x5d) return 0xffffffff;
  return total;
}

/**
 * The length of the whitespace character at `p` as it sits in a JSON string literal, or 0 when there is
 * none: whitespace as Rust's char::is_whitespace sees it (what the tokenizer strips after a role
 * marker): space, \t \n \r \f, \u000b, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
 * U+205F and U+3000 (UTF-8; JSON.stringify escapes only the control characters).
 */
function whitespaceAt(p: u32): u32 {
  const c = <u32>load<u8>(p);
  if (c == SPACE) return 1;
  const d = <u32>load<u8>(p + 1);
  if (c == BACKSLASH) {
    if (d == 0x6e || d == 0x74 || d == 0x72 || d == 0x66) return 2; // \n \t \r \f
    return d == 0x75 && load<u32>(p + 2) == 0x62303030 ? 6 : 0; // \u000b
  }
  if (c == 0xc2) return d == 0x85 || d == 0xa0 ? 2 : 0;
  const e = <u32>load<u8>(p + 2);
  if (c == 0xe1) return d == 0x9a && e == 0x80 ? 3 : 0;
  if (c == 0xe2) {
    if (d == 0x80) return (e >= 0x80 && e <= 0x8a) || e == 0xa8 || e == 0xa9 || e == 0xaf ? 3 : 0;
    return d == 0x81 && e == 0x9f ? 3 : 0;
  }
  if (c == 0xe3) return d == 0x80 && e == 0x80 ? 3 : 0;
  return 0;
}

/** Whether the "<" at `p` may begin one of Phi-3's special tokens: <|…|>, <s>, </s>, <unk>. */
function mayBeSpecial(p: u32): bool {
  const a = <u32>load<u8>(p + 1);
  if (a == 0x7c) return true; // <|
  if (a == 0x73) return <u32>load<u8>(p + 2) == 0x3e; // <s>
  if (a == 0x2f) return <u32>load<u16>(p + 2) == 0x3e73; // </s>
  return a == 0x75 && load<u32>(p + 1) == 0x3e6b6e75; // <unk>
}

function contentTokens(start: u32, limit: u32): u32 {
  // Whitespace at the start is absorbed by the role marker: it costs nothing.
  let from = start;
  for (let w = whitespaceAt(from); w != 0; w = whitespaceAt(from)) from += w;
  // 16 bytes at a time (SIMD): only the bytes that matter are visited, in order: spaces (a chunk starts
  // at a space after a non-space), the closing quote, escapes (their bytes belong to the chunk), "<"
  // (which may begin a special token) and 0xE2 (which may begin ▁, which the tokenizer treats as a
  // space); a special token or a ▁ sends the content to the JavaScript side. The block may read past
  // the line: INPUT is padded.
  let total: u32 = 0;
  let chunkStart = from;
  let lastSpace: u32 = 0; // where the last space was: a space right after it goes on the same run
  let skipTo = from; // bytes before this are inside an escape
  for (let block = from; block < limit; block += 16) {
    const v = v128.load(block);
    const special = v128.or(
      v128.or(i8x16.eq(v, i8x16.splat(0x20)), i8x16.eq(v, i8x16.splat(0x22))),
      v128.or(v128.or(i8x16.eq(v, i8x16.splat(0x5c)), i8x16.eq(v, i8x16.splat(0x3c))), i8x16.eq(v, i8x16.splat(<i8>0xe2))),
    );
    let mask = i8x16.bitmask(special);
    while (mask != 0) {
      const p = block + ctz(mask);
      mask &= mask - 1;
      if (p < skipTo) continue;
      const c = <u32>load<u8>(p);
      if (c == SPACE) {
        if (lastSpace != p - 1) {
          total += chunkTokens(chunkStart, p);
          chunkStart = p;
        }
        lastSpace = p;
      } else if (c == QUOTE) {
        contentEnd = p;
        return total + chunkTokens(chunkStart, p);
      } else if (c == BACKSLASH) {
        skipTo = p + (<u32>load<u8>(p + 1) == 0x75 ? 6 : 2); // \u00xx, or \n, \", …
      } else if (c == 0x3c ? mayBeSpecial(p) : <u32>load<u8>(p + 1) == 0x96 && <u32>load<u8>(p + 2) == 0x81) {
        return slow(start, limit);
      }
    }
  }
  return slow(start, limit); // no closing quote: not reached for an output line
}

function slow(start: u32, limit: u32): u32 {
  const count = slowContent(start, limit);
  contentEnd = load<u32>(0);
  return count;
}

function chunkTokens(start: u32, end: u32): u32 {
  const length = end - start;
  if (length == 0) return 0;
  if (length > LONG_MAX) return bpe(start, length);
  // The first and last 8 bytes (overlapping under 16; under 8, the chunk masked off what follows it).
  let head = load<u64>(start);
  let tail: u64 = 0;
  if (length < 8) head &= (<u64>1 << (<u64>length * 8)) - 1;
  else tail = load<u64>(end - 8);
  let h = head * 0x9e3779b97f4a7c15 ^ tail * 0xc2b2ae3d27d4eb4f ^ <u64>length;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9;
  h ^= h >> 32;
  const hash = <u32>h;
  if (length <= SHORT_MAX) {
    const hot = HOT + (hash >> 16) * 32; // the top 16 bits
    if (matches(hot, length, head, tail, start)) return <u32>load<u8>(hot + 5);
    const set = SHORT + (hash & (SHORT_SLOTS - 2)) * 32;
    if (matches(set, length, head, tail, start)) return promote(hot, set, hash, length, start);
    if (matches(set + 32, length, head, tail, start)) return promote(hot, set + 32, hash, length, start);
    return miss(set, 32, hash, start, length);
  }
  const set = LONG + (hash & (LONG_SLOTS - 2)) * 64;
  if (matches(set, length, head, tail, start)) return <u32>load<u8>(set + 5);
  if (matches(set + 64, length, head, tail, start)) return <u32>load<u8>(set + 69);
  return miss(set, 64, hash, start, length);
}

@inline
function matches(slot: u32, length: u32, head: u64, tail: u64, start: u32): bool {
  if (<u32>load<u8>(slot + 4) != length || load<u64>(slot + HEADER) != head) return false;
  if (length <= 8) return true;
  if (load<u64>(slot + HEADER + length - 8) != tail) return false;
  for (let k: u32 = 8; k + 8 < length; k += 8) if (load<u64>(slot + HEADER + k) != load<u64>(start + k)) return false;
  return true;
}

function promote(hot: u32, slot: u32, hash: u32, length: u32, start: u32): u32 {
  const count = <u32>load<u8>(slot + 5);
  put(hot, 32, hash, start, length, count);
  return count;
}

function miss(set: u32, size: u32, hash: u32, start: u32, length: u32): u32 {
  let count = bpeCount(start, length);
  if (count == NONE) count = bpe(start, length);
  memory.copy(set + size, set, size); // the first of the set becomes the second: the older is evicted
  put(set, size, hash, start, length, count);
  return count;
}

function put(slot: u32, size: u32, hash: u32, start: u32, length: u32, count: u32): void {
  store<u32>(slot, hash);
  store<u8>(slot + 4, <u8>length);
  store<u8>(slot + 5, <u8>count);
  memory.fill(slot + HEADER, 0, size - HEADER);
  memory.copy(slot + HEADER, start, length);
}

// ---------------------------------------------------------------------------------------------------
// The BPE of src/bpe.ts on a chunk's bytes (escapes decoded here): code points to tokens (a piece of its
// own, or the bytes of its UTF-8), then the adjacent pair whose merge has the lowest priority is merged,
// the leftmost of equal pairs first, until no pair has a merge. A chunk with a character beyond U+FFFF
// goes to the JavaScript side (NONE), as the vocabulary's few such pieces are looked up there.

const NONE: u32 = 0xffffffff;
const NO_MERGE: u32 = 0x7fffffff;
const MAX_IDS: u32 = 64; // a cached chunk has at most 56 bytes: at most 56 tokens

/** Adds a merge to the table (the JavaScript side, once, for every merge of src/bpe.ts). */
export function addMerge(key: u32, priority: u32, merged: u32): void {
  let slot = (key * 0x9e3779b1) >> 15 & (PAIR_SLOTS - 1);
  while (load<u32>(PAIRS + slot * 12) != 0) slot = (slot + 1) & (PAIR_SLOTS - 1);
  store<u32>(PAIRS + slot * 12, key);
  store<u32>(PAIRS + slot * 12 + 4, priority);
  store<u32>(PAIRS + slot * 12 + 8, merged);
}

/** The merge of the pair at ids k, k + 1: its priority into RANKS[k] and its token into MERGED[k]. */
@inline
function pairAt(k: u32): void {
  const key = load<u32>(IDS + k * 4) * 32768 + load<u32>(IDS + k * 4 + 4);
  let slot = (key * 0x9e3779b1) >> 15 & (PAIR_SLOTS - 1);
  while (true) {
    const at = load<u32>(PAIRS + slot * 12);
    if (at == key) {
      store<u32>(RANKS + k * 4, load<u32>(PAIRS + slot * 12 + 4));
      store<u32>(MERGED + k * 4, load<u32>(PAIRS + slot * 12 + 8));
      return;
    }
    if (at == 0) break;
    slot = (slot + 1) & (PAIR_SLOTS - 1);
  }
  store<u32>(RANKS + k * 4, NO_MERGE);
}

@inline
function hexDigit(c: u32): u32 {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

function pushBytes(codePoint: u32, n: u32): u32 {
  if (codePoint < 0x80) {
    store<u32>(IDS + n * 4, <u32>load<u16>(BYTE_IDS + codePoint * 2));
    return n + 1;
  }
  if (codePoint < 0x800) {
    store<u32>(IDS + n * 4, <u32>load<u16>(BYTE_IDS + (0xc0 | (codePoint >> 6)) * 2));
    store<u32>(IDS + n * 4 + 4, <u32>load<u16>(BYTE_IDS + (0x80 | (codePoint & 0x3f)) * 2));
    return n + 2;
  }
  store<u32>(IDS + n * 4, <u32>load<u16>(BYTE_IDS + (0xe0 | (codePoint >> 12)) * 2));
  store<u32>(IDS + n * 4 + 4, <u32>load<u16>(BYTE_IDS + (0x80 | ((codePoint >> 6) & 0x3f)) * 2));
  store<u32>(IDS + n * 4 + 8, <u32>load<u16>(BYTE_IDS + (0x80 | (codePoint & 0x3f)) * 2));
  return n + 3;
}

function bpeCount(start: u32, length: u32): u32 {
  const end = start + length;
  let n: u32 = 0;
  let i = start;
  while (i < end) {
    const c = <u32>load<u8>(i);
    let cp: u32;
    let lone = false;
    if (c == BACKSLASH) {
      const e = <u32>load<u8>(i + 1);
      if (e == 0x75) {
        cp = (hexDigit(<u32>load<u8>(i + 2)) << 12) | (hexDigit(<u32>load<u8>(i + 3)) << 8) | (hexDigit(<u32>load<u8>(i + 4)) << 4) | hexDigit(<u32>load<u8>(i + 5));
        lone = cp >= 0xd800 && cp <= 0xdfff; // only a lone surrogate is written escaped
        i += 6;
      } else {
        cp = e == 0x6e ? 10 : e == 0x74 ? 9 : e == 0x72 ? 13 : e == 0x62 ? 8 : e == 0x66 ? 12 : e; // \" \\ \/ as they are
        i += 2;
      }
    } else if (c < 0x80) {
      cp = c;
      i++;
    } else if (c < 0xe0) {
      cp = ((c & 0x1f) << 6) | (<u32>load<u8>(i + 1) & 0x3f);
      i += 2;
    } else if (c < 0xf0) {
      cp = ((c & 0x0f) << 12) | ((<u32>load<u8>(i + 1) & 0x3f) << 6) | (<u32>load<u8>(i + 2) & 0x3f);
      i += 3;
    } else {
      return NONE;
    }
    if (n + 3 > MAX_IDS) return NONE;
    const id = lone ? -1 : <i32>load<i16>(UNIT_IDS + cp * 2);
    if (id >= 0) {
      store<u32>(IDS + n * 4, <u32>id);
      n++;
    } else {
      n = pushBytes(lone ? 0xfffd : cp, n);
    }
  }
  if (n < 2) return n;
  for (let k: u32 = 0; k + 1 < n; k++) pairAt(k);
  while (true) {
    let best: i32 = -1;
    let bestRank = NO_MERGE;
    for (let k: u32 = 0; k + 1 < n; k++) {
      const r = load<u32>(RANKS + k * 4);
      if (r < bestRank) {
        bestRank = r;
        best = <i32>k;
      }
    }
    if (best < 0) return n;
    const b = <u32>best;
    store<u32>(IDS + b * 4, load<u32>(MERGED + b * 4));
    // Shift the rest left by one: the ids after the pair, and the priorities (and tokens) after it.
    memory.copy(IDS + (b + 1) * 4, IDS + (b + 2) * 4, (n - b - 2) * 4);
    if (b + 2 < n) {
      memory.copy(RANKS + b * 4, RANKS + (b + 1) * 4, (n - b - 2) * 4);
      memory.copy(MERGED + b * 4, MERGED + (b + 1) * 4, (n - b - 2) * 4);
    }
    n--;
    if (b > 0) pairAt(b - 1);
    if (b + 1 < n) pairAt(b);
  }
  return n;
}
