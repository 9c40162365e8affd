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
import type { Message } from "./conversation.js";

/** The added tokens of Phi-3-mini (ids from its tokenizer.json) that the template uses. */
export const PHI3_SPECIAL_TOKENS = {
  "<|endoftext|>": 32000,
  "<|assistant|>": 32001,
  "<|system|>": 32006,
  "<|end|>": 32007,
  "<|user|>": 32010,
} as const;

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
 * Why it is fast: llama-tokenizer-js runs BPE over the whole string with a priority queue, about
 * 200,000 tokens a second. But no piece of this vocabulary contains "▁" after another character
 * (checked in the tests), so no merge ever crosses the point where a run of spaces starts after a word:
 * the text splits there into chunks (spaces + word) that encode independently to the same tokens, and
 * text repeats its chunks, so their counts are cached (about 15 million tokens a second once warm).
 */
export function countTextTokens(text: string): number {
  // A chunk is a run of spaces (or literal ▁, which the tokenizer treats alike) and the word after it;
  // a new chunk starts wherever a space follows a non-space.
  let total = 0;
  let start = 0;
  for (let i = 1; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i)) && !isSpace(text.charCodeAt(i - 1))) {
      total += chunkTokens(text.slice(start, i));
      start = i;
    }
  }
  return text.length === 0 ? 0 : total + chunkTokens(text.slice(start));
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x2581;
}

const cache = new Map<string, number>();
const CACHE_MAX_ENTRIES = 100_000; // ~10 MB at worst; cleared when full rather than tracking recency
const CACHE_MAX_CHUNK = 48; // long chunks (code, URLs, CJK without spaces) rarely repeat

function chunkTokens(chunk: string): number {
  const cached = cache.get(chunk);
  if (cached !== undefined) return cached;
  const n = llamaTokenizer.encode(chunk, false, false).length;
  if (chunk.length <= CACHE_MAX_CHUNK) {
    if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
    cache.set(chunk, n);
  }
  return n;
}

/** The tokenizer's own encoding of the whole text (no chunks, no cache): the reference the tests hold countTextTokens to. */
export function referenceTextTokens(text: string): number[] {
  return text === "" ? [] : llamaTokenizer.encode(text, false, false);
}

/** The Llama 2 vocabulary by id, for the tests' check of the chunking premise. */
export function vocabulary(): readonly string[] {
  return llamaTokenizer.vocabById;
}
