/**
 * Phi-3 token counts of output lines, read as the bytes writeJsonLine wrote them
 * ({"messages":[{"role":…,"content":"…"},…]}, UTF-8): the same counts as countConversationTokens
 * (tokens.ts), made several times faster by a small WebAssembly module (assembly/line-tokens.ts).
 *
 * Why: counting is the most expensive step of the preparation. The method is tokens.ts's — a content
 * splits into chunks (a run of spaces and the word after it) that the BPE never merges across, and a
 * chunk's count is cached — but on strings, in JavaScript, each chunk cost ~30 ns of lookup and each
 * character a UTF-16 read. The WebAssembly scans each content inside its JSON string literal 16 bytes at
 * a time (SIMD), visiting only spaces, quotes and escapes, and looks each chunk up by its bytes, 8 at a
 * time, in caches in its own memory (a 2 MB one of frequent chunks, in front of 10 MB of others). A
 * chunk is keyed by its bytes as they sit in the literal, escapes included: writeJsonLine writes each
 * text in one way only, so equal bytes are equal text.
 *
 * A chunk it has not cached it encodes itself, with bpe.ts's algorithm and tables (copied into its
 * memory at start); whitespace at the start of a content (absorbed by the role marker) it skips. It asks
 * this side (imports) for the rest: a chunk with a character beyond U+FFFF or longer than 56 bytes
 * (bpe.ts), and a whole content that holds what may be a special token ("<|", "<s>", "</s>", "<unk>")
 * or a "▁" (which the tokenizer treats as a space), counted by countContentTokens. That is rare in chat
 * data, and exact either way.
 */
import { bpeTables, bpeTokenCount } from "./bpe.js";
import { LINE_TOKENS_WASM } from "./line-tokens-wasm.js";
import { countContentTokens, countConversationTokens } from "./tokens.js";
import { messagesOfLine } from "./json-line.js";
import type { WasmMemory } from "./wasm.js";
import { growTo, instantiate } from "./wasm.js";

/** What assembly/line-tokens.ts exports. */
interface Exports {
  memory: WasmMemory;
  INPUT: { value: number };
  UNIT_IDS: { value: number };
  BYTE_IDS: { value: number };
  countLine(start: number, end: number): number;
  addMerge(key: number, priority: number, merged: number): void;
}

/** Lines longer than this are counted on the string path, so that the module's memory stays small. */
const MAX_LINE_IN_MODULE = 8 << 20;
/** Bytes after the lines in the module's memory: its 16-byte SIMD reads may pass the last line's end. */
const PADDING = 64;
const NOT_A_LINE = 0xffffffff;

const decoder = new TextDecoder();
let module: { exports: Exports; input: number } | undefined;
let memory = new Uint8Array(0);

function load(): { exports: Exports; input: number } {
  if (module) return module;
  const exports = instantiate<Exports>(LINE_TOKENS_WASM, {
    bpe: (start, length) => bpeTokenCount(chunkText(start, start + length)),
    slowContent: (start, limit) => {
      let end = start;
      while (end < limit && memory[end] !== 0x22) end += memory[end] === 0x5c ? 2 : 1;
      new DataView(memory.buffer).setUint32(0, end, true); // where the module reads the literal's end
      return countContentTokens(JSON.parse(decoder.decode(memory.subarray(start - 1, end + 1))) as string);
    },
  });
  module = { exports, input: exports.INPUT.value };
  // The BPE's tables, for the chunks the module encodes itself.
  reserve(module, 0);
  const tables = bpeTables();
  new Int16Array(memory.buffer, exports.UNIT_IDS.value, tables.unitIds.length).set(tables.unitIds);
  new Int16Array(memory.buffer, exports.BYTE_IDS.value, tables.byteIds.length).set(tables.byteIds);
  for (const [key, priority, merged] of tables.merges) exports.addMerge(key, priority, merged);
  return module;
}

/** The text of a chunk's bytes in the module's memory (escapes and all) as the tokenizer takes it. */
function chunkText(start: number, end: number): string {
  const raw = decoder.decode(memory.subarray(start, end));
  return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** Makes the module's memory hold `bytes` of input (it only grows: batches are about the same size). */
function reserve(m: { exports: Exports; input: number }, bytes: number): void {
  growTo(m.exports.memory, m.input + bytes + PADDING);
  if (memory.buffer !== m.exports.memory.buffer) memory = new Uint8Array(m.exports.memory.buffer);
}

/**
 * Token counts of the lines in `bytes`: line i is bytes[ends[i - 1], ends[i]) (from 0 for the first),
 * without its "\n".
 */
export function countLines(bytes: Uint8Array, ends: Uint32Array): Uint32Array {
  const m = load();
  const counts = new Uint32Array(ends.length);
  let i = 0;
  while (i < ends.length) {
    // As many lines as fit at once, each longer one on its own.
    const from = i === 0 ? 0 : (ends[i - 1] ?? 0);
    let to = i;
    while (to < ends.length && (ends[to] ?? 0) - from <= MAX_LINE_IN_MODULE) to++;
    if (to === i) {
      const end = ends[i] ?? 0;
      counts[i] = countConversationTokens(messagesOfLine(bytes.subarray(from, end)));
      i++;
      continue;
    }
    const last = ends[to - 1] ?? 0;
    reserve(m, last - from);
    memory.set(bytes.subarray(from, last), m.input);
    let start = from;
    for (; i < to; i++) {
      const end = ends[i] ?? 0;
      const count = m.exports.countLine(m.input + start - from, m.input + end - from) >>> 0;
      if (count === NOT_A_LINE)
        throw new Error(`not an output line: ${decoder.decode(bytes.subarray(start, Math.min(end, start + 80)))}…`);
      counts[i] = count;
      start = end;
    }
  }
  return counts;
}
