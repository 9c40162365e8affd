/**
 * Writes an output line, {"messages":[{"role":…,"content":…},…]}, as UTF-8 bytes straight into a buffer:
 * the same bytes as toJsonLine(messages) (conversation.ts), without making the line as a string first.
 *
 * Why: JSON.stringify of long two-byte strings (any text with a curly quote or an emoji) runs at about
 * 170 MB/s, slower than JSON.parse, and was the largest cost of preparing after the token count. Here a
 * content goes out as one UTF-8 encoding into a small WebAssembly module's memory, which escapes it 16
 * bytes at a time (assembly/json-escape.ts), and the result is copied to the sink. A content with a lone
 * surrogate (which UTF-8 cannot hold: the module tells when it may have met one), or too long for the
 * module's memory, goes out in the pieces between the characters that JSON escapes instead. Both escape exactly what JSON.stringify does: `"`,
 * `\`, control characters (\b \t \n \f \r or \u00xx) and lone surrogates (\udxxx); everything else,
 * pairs of surrogates included, as it is.
 */
import type { Message, Role } from "./conversation.js";
import { ROLES } from "./conversation.js";
import { JSON_ESCAPE_WASM } from "./json-escape-wasm.js";
import type { WasmMemory } from "./wasm.js";
import { growTo, instantiate } from "./wasm.js";

/** Where writeJsonLine puts the line: text appended as UTF-8, or bytes; each writeText returns the bytes it added. */
export interface ByteSink {
  writeText(text: string): number;
  write(bytes: Uint8Array): void;
}

/** Writes the line of `messages` to `sink`; returns its length in bytes. */
export function writeJsonLine(messages: readonly Message[], sink: ByteSink): number {
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Message;
    bytes += sink.writeText((i === 0 ? FIRST_MESSAGE : NEXT_MESSAGE)[m.role]);
    bytes += writeJsonStringBody(m.content, sink);
  }
  return bytes + sink.writeText(messages.length ? '"}]}' : '{"messages":[]}');
}

/** The messages of an output line (its UTF-8 bytes, as writeJsonLine wrote them). */
export function messagesOfLine(line: Uint8Array): Message[] {
  return (JSON.parse(lineDecoder.decode(line)) as { messages: Message[] }).messages;
}
const lineDecoder = new TextDecoder();

const messageStart = (prefix: string): Record<Role, string> =>
  Object.fromEntries(ROLES.map((role) => [role, `${prefix}{"role":"${role}","content":"`])) as Record<Role, string>;
const FIRST_MESSAGE = messageStart('{"messages":[');
const NEXT_MESSAGE = messageStart('"},');

/** Contents up to this many UTF-16 units are escaped by the module (its memory: 3 bytes a unit in, 6 a byte out). */
const MAX_UNITS_IN_MODULE = 64 << 10;

interface Escaper {
  escape(src: number, length: number, dst: number): number;
  sawEF(): number;
  memory: WasmMemory;
}
let escaper: Escaper | undefined;
let view = Buffer.alloc(0);
const SRC = 0;
const DST = 3 * MAX_UNITS_IN_MODULE + 16;

function loadEscaper(): Escaper {
  if (escaper) return escaper;
  escaper = instantiate<Escaper>(JSON_ESCAPE_WASM);
  growTo(escaper.memory, DST + 6 * 3 * MAX_UNITS_IN_MODULE + 16); // + 16: its 16-byte stores may pass the end
  view = Buffer.from(escaper.memory.buffer);
  return escaper;
}

function writeJsonStringBody(text: string, sink: ByteSink): number {
  if (text.length > MAX_UNITS_IN_MODULE) return writePieces(text, sink);
  const e = loadEscaper();
  const length = view.write(text, SRC, "utf8");
  const escaped = e.escape(SRC, length, DST);
  // A lone surrogate became U+FFFD (EF BF BD) in UTF-8; JSON.stringify writes it as \udxxx instead.
  if (e.sawEF() && !text.isWellFormed()) return writePieces(text, sink);
  sink.write(view.subarray(DST, DST + escaped));
  return escaped;
}

// What JSON.stringify escapes in a string (surrogates are checked for a pair before they are escaped).
// eslint-disable-next-line no-control-regex -- the control characters are exactly what must be found
const MUST_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/g;
const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: "\\\\",
  0x08: "\\b",
  0x09: "\\t",
  0x0a: "\\n",
  0x0c: "\\f",
  0x0d: "\\r",
};

/** The same body written in the pieces between the characters that must be escaped. */
function writePieces(text: string, sink: ByteSink): number {
  let bytes = 0;
  let from = 0;
  MUST_ESCAPE.lastIndex = 0;
  for (let found = MUST_ESCAPE.exec(text); found !== null; found = MUST_ESCAPE.exec(text)) {
    const at = found.index;
    const unit = text.charCodeAt(at);
    if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00) {
      MUST_ESCAPE.lastIndex = at + 2; // a surrogate pair: one character, written as it is
      continue;
    }
    if (at > from) bytes += sink.writeText(text.slice(from, at));
    bytes += sink.writeText(SHORT_ESCAPES[unit] ?? `\\u${unit.toString(16).padStart(4, "0")}`);
    from = at + 1;
  }
  return bytes + (from === 0 ? sink.writeText(text) : from < text.length ? sink.writeText(text.slice(from)) : 0);
}
