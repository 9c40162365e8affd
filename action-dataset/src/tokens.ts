/**
 * Phi-3 token counts, offline. Phi-3-mini's tokenizer is Llama 2's 32,000-piece SentencePiece BPE plus
 * added special tokens; llama-tokenizer-js ships that vocabulary and merge table in its JavaScript, so
 * nothing is downloaded. The conversation is counted as Phi-3-mini-4k-instruct's chat template renders it
 * for training (tokenizer_config.json):
 *
 *   {% for m in messages %}<|{{m.role}}|>\n{{m.content}}<|end|>\n{% endfor %}<|endoftext|>
 *
 * and as its tokenizer splits that text (LlamaTokenizer, legacy: false, add_bos_token: false):
 * - <|system|> 32006, <|user|> 32010, <|assistant|> 32001, <|end|> 32007 and <|endoftext|> 32000 are one
 *   token each, not text;
 * - the role markers and <|end|> are added tokens with rstrip: true, so the "\n" after them (and any
 *   whitespace at the start of a message) is absorbed into the special token and costs nothing;
 * - each piece of text between special tokens is encoded without BOS and without SentencePiece's dummy
 *   leading space (legacy: false);
 * - special-token strings inside a message (a literal "<|end|>") are special tokens too, as the
 *   Hugging Face tokenizer treats them.
 * So: tokens = Σ over messages (2 + tokens of the content) + 1.
 */
import llamaTokenizer from "llama-tokenizer-js";
import { bpeTokenCount } from "./bpe.js";
import type { Message } from "./conversation.js";

/** The chat template's text for a conversation (what the fine-tune sees, before tokenizing). */
export function renderPhi3(messages: readonly Message[]): string {
  return messages.map((m) => `<|${m.role}|>\n${m.content}<|end|>\n`).join("") + "<|endoftext|>";
}

/** Tokens of a conversation rendered with Phi-3's chat template. */
export function countConversationTokens(messages: readonly Message[]): number {
  let total = 1; // <|endoftext|>
  for (const m of messages) total += 2 + countContentTokens(m.content); // <|role|> … <|end|>
  return total;
}

// Whitespace as Rust's char::is_whitespace sees it (what the tokenizers library strips for rstrip).
const LEADING_WS = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

// Every added token of Phi-3-mini that can appear in text; all but <unk>, <s> and <|endoftext|> have rstrip.
const SPECIAL_IN_TEXT = /<\|(?:endoftext|assistant|system|end|user|placeholder[1-6])\|>|<\/?s>|<unk>/g;
const NO_RSTRIP = new Set(["<unk>", "<s>", "<|endoftext|>"]);

/** Tokens of one message's content as it sits after its role marker (leading whitespace absorbed). */
export function countContentTokens(content: string): number {
  const text = content.replace(LEADING_WS, "");
  if (!text.includes("<")) return countTextTokens(text);
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(SPECIAL_IN_TEXT)) {
    const at = m.index ?? 0;
    total += countTextTokens(text.slice(last, at)) + 1;
    last = at + m[0].length;
    if (!NO_RSTRIP.has(m[0])) last += LEADING_WS.exec(text.slice(last))?.[0].length ?? 0;
  }
  return total + countTextTokens(text.slice(last));
}

/**
 * Tokens of plain text: SentencePiece BPE of the Llama 2 vocabulary, without BOS or a dummy leading
 * space (spaces become "▁").
 *
 * Why it is fast: no piece of this vocabulary contains "▁" after another character (checked in the
 * tests), so no merge ever crosses the point where a run of spaces starts after a word: the text splits
 * there into chunks (spaces + word) that encode independently to the same tokens. Text repeats its
 * chunks, so their counts are cached, and only a chunk not seen (recently) is encoded (bpe.ts). The
 * cache is looked up without making a string of the chunk: the loop that finds the chunk boundaries
 * hashes the characters on the way, and a candidate entry is compared character by character. About 30
 * million characters a second once warm, on one core.
 */
export function countTextTokens(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  let total = 0;
  let start = 0;
  let c = text.charCodeAt(0);
  let space = c === 0x20 || c === 0x2581;
  let hash = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
  for (let i = 1; i < n; i++) {
    c = text.charCodeAt(i);
    const wasSpace = space;
    // A chunk is a run of spaces (or literal ▁, which the tokenizer treats alike) and the word after it;
    // a new chunk starts wherever a space follows a non-space.
    space = c === 0x20 || c === 0x2581;
    if (space && !wasSpace) {
      total += chunkTokens(text, start, i, hash);
      start = i;
      hash = FNV_OFFSET;
    }
    hash = Math.imul(hash ^ c, FNV_PRIME);
  }
  return total + chunkTokens(text, start, n, hash);
}

// FNV-1a over UTF-16 code units, then a final mix so that the low bits (the slot) depend on every character.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * A fixed-size, two-way set-associative cache of chunk → token count. A chunk can sit in one of two
 * slots chosen by its hash; a new chunk takes the first and moves the one there to the second, so the
 * older of the two is evicted. Unlike a map that is cleared when full, frequent chunks survive a long
 * tail of rare ones, and the memory is fixed (CACHE_SLOTS × 64 bytes).
 *
 * Each slot is 32 UTF-16 units in one typed array: hash (2 units), length, count, then the chunk's
 * characters, so that checking a slot reads one 64-byte cache line rather than chasing a string on the
 * heap (which made lookups several times slower). Chunks longer than fit are not cached: they are rare
 * in prose, and long ones (code, URLs, CJK without spaces) seldom repeat.
 *
 * 1 MB: large datasets are counted by line-tokens.ts (WebAssembly, with caches of its own), which hands
 * this path only the contents that hold a special token or a "▁".
 */
const CACHE_SLOTS = 1 << 14;
const SLOT = 32;
const CACHE_MAX_CHUNK = SLOT - 4;
const cache = new Uint16Array(CACHE_SLOTS * SLOT);

function chunkTokens(text: string, start: number, end: number, hash: number): number {
  const length = end - start;
  if (length > CACHE_MAX_CHUNK) return bpeTokenCount(text.slice(start, end));
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  const lo = hash & 0xffff;
  const hi = hash >>> 16;
  const first = (hash & (CACHE_SLOTS - 2)) * SLOT; // an even slot: the set is it and the next
  for (let at = first; at <= first + SLOT; at += SLOT) {
    if (cache[at] === lo && cache[at + 1] === hi && cache[at + 2] === length && sameChars(at + 4, text, start, length))
      return cache[at + 3] ?? 0;
  }
  const count = bpeTokenCount(text.slice(start, end));
  // Counts above 65535 cannot happen: a cached chunk has at most 28 characters, at most 4 byte tokens each.
  cache.copyWithin(first + SLOT, first, first + SLOT);
  cache[first] = lo;
  cache[first + 1] = hi;
  cache[first + 2] = length;
  cache[first + 3] = count;
  for (let k = 0; k < length; k++) cache[first + 4 + k] = text.charCodeAt(start + k);
  return count;
}

function sameChars(at: number, text: string, start: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (cache[at + k] !== text.charCodeAt(start + k)) return false;
  return true;
}

/** The tokenizer's own encoding of the whole text (no chunks, no cache): the reference the tests hold countTextTokens to. */
export function referenceTextTokens(text: string): number[] {
  return text === "" ? [] : llamaTokenizer.encode(text, false, false);
}

/** The Llama 2 vocabulary by id, for the tests' check of the chunking premise. */
export function vocabulary(): readonly string[] {
  return llamaTokenizer.vocabById;
}
