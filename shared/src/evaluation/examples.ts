/**
 * Evaluation examples from a JSONL of chat conversations, the format action-dataset writes
 * (`{"messages": [{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}, …]}`): the prompt is
 * every turn before the last assistant turn, the reference is the last assistant turn. Lines that cannot be
 * used are counted with their reason, never fatal.
 *
 * Selection is deterministic: each example's place is the SHA-256 of a seed and its content, and the first
 * `max` in that order are kept. Same data, same examples, whatever the file order; adding lines changes the
 * selection only where a new line sorts in.
 */
import { createHash } from "node:crypto";
import type { ChatMessage } from "../scoring/payload.js";

export interface Example {
  /** The line's `id` or `prompt_id` when it has a string one, else "line N". */
  id: string;
  /** 1-based line in the file. */
  line: number;
  /** The turns sent: every turn before the last assistant turn (system turns included). */
  messages: ChatMessage[];
  /** The last assistant turn. */
  reference: string;
}

export interface Dropped {
  id: string;
  line?: number;
  reason: string;
}

export interface ParsedExamples {
  examples: Example[];
  dropped: Dropped[];
}

/** Longest line read (a hostile or broken file must not hold the job). */
const MAX_LINE_CHARS = 1_000_000;

/** Every usable conversation of a JSONL text, and every unusable line with its reason. */
export function parseExamples(text: string): ParsedExamples {
  const examples: Example[] = [];
  const dropped: Dropped[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    const parsed = parseLine(raw, line);
    if ("reason" in parsed) dropped.push(parsed);
    else examples.push(parsed);
  });
  return { examples, dropped };
}

function parseLine(raw: string, line: number): Example | Dropped {
  const fallbackId = `line ${line}`;
  if (raw.length > MAX_LINE_CHARS) return { id: fallbackId, line, reason: `longer than ${MAX_LINE_CHARS} characters` };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { id: fallbackId, line, reason: "not JSON" };
  }
  const obj = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const idField = [obj.id, obj.prompt_id].find((v) => typeof v === "string" && v.trim() !== "") as string | undefined;
  const id = idField ? idField.slice(0, 100) : fallbackId;
  const messages = readMessages(obj.messages);
  if (!messages) return { id, line, reason: 'no "messages" list of {"role", "content"} turns' };
  const last = messages.map((m) => m.role).lastIndexOf("assistant");
  if (last < 0) return { id, line, reason: "no assistant turn to use as the reference" };
  const reference = messages[last]!.content;
  if (!reference.trim()) return { id, line, reason: "the last assistant turn is empty" };
  const prompt = messages.slice(0, last);
  if (!prompt.some((m) => m.role === "user"))
    return { id, line, reason: "no user turn before the last assistant turn" };
  return { id, line, messages: prompt, reference };
}

function readMessages(v: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: ChatMessage[] = [];
  for (const m of v) {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== "string" || typeof content !== "string") return undefined;
    out.push({ role, content });
  }
  return out;
}

/** The default seed of the selection and the bootstrap. */
export const DEFAULT_SEED = "phi3-aml-evaluation";

/** At most `max` examples, the same ones for the same data and seed, in file order. */
export function selectExamples<T extends { messages: readonly ChatMessage[]; reference: string }>(
  examples: readonly T[],
  max: number,
  seed: string = DEFAULT_SEED,
): T[] {
  if (examples.length <= max) return [...examples];
  const keyed = examples.map((e, i) => ({ e, i, key: selectionKey(e, seed) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  return keyed
    .slice(0, Math.max(0, max))
    .sort((a, b) => a.i - b.i)
    .map((k) => k.e);
}

function selectionKey(e: { messages: readonly ChatMessage[]; reference: string }, seed: string): string {
  return createHash("sha256")
    .update(seed)
    .update("\0")
    .update(JSON.stringify([e.messages.map((m) => [m.role, m.content]), e.reference]))
    .digest("hex");
}

/** A response/reference pair, the `pairs` input's lines. */
export interface Pair {
  id: string;
  line: number;
  response: string;
  reference: string;
}

/** `{"response": "…", "reference": "…"}` lines (an empty response is a valid, wrong answer). */
export function parsePairs(text: string): { pairs: Pair[]; dropped: Dropped[] } {
  const pairs: Pair[] = [];
  const dropped: Dropped[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    const id = `line ${line}`;
    if (raw.length > MAX_LINE_CHARS)
      return dropped.push({ id, line, reason: `longer than ${MAX_LINE_CHARS} characters` });
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      return dropped.push({ id, line, reason: "not JSON" });
    }
    const { response, reference, id: given } = (v ?? {}) as Record<string, unknown>;
    if (typeof response !== "string" || typeof reference !== "string")
      return dropped.push({ id, line, reason: 'needs string "response" and "reference" fields' });
    pairs.push({ id: typeof given === "string" && given ? given.slice(0, 100) : id, line, response, reference });
  });
  return { pairs, dropped };
}
