/**
 * How the emulated models answer, deterministically per registered model version:
 * - a fine-tuned model (registered from a fine-tune job's output) has "learnt" its training data: it answers
 *   with the assistant reply of the training conversation whose user turns share the most words with the
 *   prompt's (Jaccard nearest neighbour), so a held-out prompt gets a partly right answer;
 * - a base model (catalog, Hugging Face, or anything without training data here) answers generically;
 * - both know two facts the smoke prompts ask (the capital of France, 2 + 2);
 * - a deployment can be degraded (control API), to make a candidate measurably worse in tests.
 * Bounded: the training file, the conversations and the words kept are capped; the answer is cut to the request's
 * max_new_tokens (one word counting as one token) and to MAX_ANSWER_CHARS.
 */

export interface Message {
  role?: string;
  content?: string;
}

/** One thing the model learnt: the user turns before an assistant turn, and that turn. */
export interface Learnt {
  words: Set<string>;
  reply: string;
}

/** How a degraded deployment spoils its answers: cut to a quarter of its words, or another prompt's answer. */
export type Degradation = "truncate" | "shuffle";

export const TRAINING_LIMITS = { maxBytes: 32 * 1024 * 1024, maxLines: 20_000, maxPairs: 20_000, maxWords: 256 };
const MAX_ANSWER_CHARS = 4000;

/** Lower-case ASCII words and numbers, at most maxWords (a linear scan). */
export function wordsOf(text: string, maxWords = TRAINING_LIMITS.maxWords): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[a-z0-9]+/g)) {
    out.push(m[0]);
    if (out.length >= maxWords) break;
  }
  return out;
}

const userWords = (messages: readonly Message[]) =>
  new Set(
    wordsOf(
      messages
        .filter((m) => m?.role === "user")
        .map((m) => String(m.content ?? ""))
        .join(" "),
    ),
  );

/** What a JSONL of chat conversations teaches: one entry per assistant turn. Lines that are not conversations are skipped. */
export function learn(jsonl: string): Learnt[] {
  const out: Learnt[] = [];
  const lines = jsonl.split("\n", TRAINING_LIMITS.maxLines);
  for (const line of lines) {
    const messages = conversation(line);
    messages?.forEach((m, i) => {
      if (m.role === "assistant" && typeof m.content === "string" && out.length < TRAINING_LIMITS.maxPairs)
        out.push({ words: userWords(messages.slice(0, i)), reply: m.content.slice(0, MAX_ANSWER_CHARS) });
    });
  }
  return out.filter((l) => l.words.size > 0);
}

function conversation(line: string): Message[] | undefined {
  if (!line.trim()) return undefined;
  try {
    const row = JSON.parse(line) as { messages?: unknown };
    return Array.isArray(row?.messages) ? (row.messages as Message[]) : undefined;
  } catch {
    return undefined;
  }
}

function jaccard(a: Set<string>, b: Set<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  const union = a.size + b.size - shared;
  return union ? shared / union : 0;
}

/** The index of the learnt entry nearest the prompt's user turns (the first of equals), or -1. */
export function nearest(learnt: readonly Learnt[], messages: readonly Message[]): number {
  const words = userWords(messages);
  let best = -1;
  let score = -1;
  learnt.forEach((l, i) => {
    const s = jaccard(words, l.words);
    if (s > score) [best, score] = [i, s];
  });
  return best;
}

/** Facts every emulated model knows (what the smoke prompts of this repository ask). */
function known(prompt: string): string | undefined {
  if (/capital of france/i.test(prompt)) return "The capital of France is Paris.";
  if (/2 ?\+ ?2/.test(prompt)) return "2 + 2 = 4.";
  return undefined;
}

/** A base model's answer: generic, naming the deployment. */
function genericAnswer(prompt: string, deployment: string): string {
  return known(prompt) ?? `(${deployment}) Here is a short answer to: ${prompt.slice(0, 200)}`;
}

export interface AnswerInput {
  messages: readonly Message[];
  deployment: string;
  /** What the served model version learnt; undefined for a base model. */
  learnt?: readonly Learnt[];
  degraded?: Degradation;
  /** The request's max_new_tokens (or max_tokens), when a positive number. */
  maxNewTokens?: number;
}

/** The model's answer to a conversation. */
export function modelAnswer(a: AnswerInput): string {
  const prompt = [...a.messages].reverse().find((m) => m?.role === "user")?.content ?? "";
  let text = known(prompt) ?? learntAnswer(a) ?? genericAnswer(prompt, a.deployment);
  if (a.degraded === "truncate" || (a.degraded === "shuffle" && !a.learnt?.length)) text = quarter(text);
  return capWords(text, a.maxNewTokens).slice(0, MAX_ANSWER_CHARS);
}

function learntAnswer(a: AnswerInput): string | undefined {
  if (!a.learnt?.length) return undefined;
  const i = nearest(a.learnt, a.messages);
  if (i < 0) return undefined;
  // Shuffled: the answer learnt for another conversation, half the training set away.
  const pick = a.degraded === "shuffle" ? (i + Math.ceil(a.learnt.length / 2)) % a.learnt.length : i;
  return a.learnt[pick]!.reply;
}

function quarter(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  return words.slice(0, Math.max(1, Math.ceil(words.length / 4))).join(" ");
}

/** At most n words (whitespace-separated), keeping the text as written up to there. */
function capWords(text: string, n: number | undefined): string {
  if (!n) return text;
  let seen = 0;
  for (const m of text.matchAll(/\S+/g)) {
    if (++seen > n) return text.slice(0, m.index).trimEnd();
  }
  return text;
}

/** The request's token cap: max_new_tokens, else max_tokens, when a positive integer. */
export function maxNewTokensOf(parameters: unknown): number | undefined {
  const p = (parameters ?? {}) as Record<string, unknown>;
  const n = Number(p.max_new_tokens ?? p.max_tokens);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
