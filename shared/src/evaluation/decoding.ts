/**
 * The same request for both deployments: greedy decoding (`do_sample: false`, temperature 0; the reference
 * note's pitfalls), a `max_new_tokens` large enough for the longest reference (capped), and prompts trimmed
 * the same way when they do not fit the model's context (Phi-3 mini: 4096 tokens for prompt and answer).
 *
 * Token counts here are estimates from characters (no tokenizer is bundled): references are measured
 * generously (3 characters a token) so answers are not cut, prompts likewise so they fit, and an answer
 * counts as "probably cut" when at 4 characters a token it reaches 90 % of max_new_tokens.
 */
import type { ChatMessage } from "../scoring/payload.js";

export interface DecodingOptions {
  /** Fixed max_new_tokens; otherwise from the longest reference. */
  maxNewTokens?: number;
  /** Most max_new_tokens when derived (default 1024). */
  maxNewTokensCap?: number;
  /** The model's context in tokens, prompt and answer together (default 4096). */
  contextTokens?: number;
  /** Merged into both requests' parameters (after the greedy ones: they can override them, for both). */
  parameters?: Record<string, unknown>;
}

export const DEFAULT_CONTEXT_TOKENS = 4096;
const DEFAULT_MAX_NEW_TOKENS_CAP = 1024;
const MIN_NEW_TOKENS = 64;
/** Tokens a turn costs beyond its text (<|user|>\n … <|end|>\n). */
const TURN_OVERHEAD = 4;

/** Generous token estimate (more tokens than the text probably has). */
const estimateTokensHigh = (text: string) => Math.ceil(text.length / 3);
/** Sparing token estimate (fewer tokens than the text probably has). */
const estimateTokensLow = (text: string) => Math.floor(text.length / 4);

/** max_new_tokens for a set of references: 1.25 × the longest (estimated) + 16, between 64 and the cap. */
export function maxNewTokensFor(references: readonly string[], o: DecodingOptions = {}): number {
  if (o.maxNewTokens !== undefined) return o.maxNewTokens;
  const cap = o.maxNewTokensCap ?? DEFAULT_MAX_NEW_TOKENS_CAP;
  const longest = references.reduce((m, r) => Math.max(m, estimateTokensHigh(r)), 0);
  return Math.min(cap, Math.max(MIN_NEW_TOKENS, Math.ceil(longest * 1.25) + 16));
}

/** The parameters both deployments get. */
export function greedyParameters(maxNewTokens: number, extra: Record<string, unknown> = {}) {
  return { temperature: 0, maxNewTokens, parameters: { do_sample: false, ...extra } };
}

export type Trimmed = { ok: true; messages: ChatMessage[]; trimmedTurns: number } | { ok: false; reason: string };

/**
 * The prompt with its oldest non-system turns left out until it fits `contextTokens − maxNewTokens`; the
 * system turns and the last turn always stay, and the kept turns start with a user turn. Not fitting even then: not sent.
 */
export function trimToContext(messages: readonly ChatMessage[], maxNewTokens: number, contextTokens: number): Trimmed {
  const room = contextTokens - maxNewTokens;
  const cost = (ms: readonly ChatMessage[]) =>
    ms.reduce((s, m) => s + estimateTokensHigh(m.content) + TURN_OVERHEAD, 0);
  const kept = [...messages];
  let trimmedTurns = 0;
  const oldest = () => kept.findIndex((m, i) => m.role !== "system" && i < kept.length - 1);
  while (cost(kept) > room) {
    if (oldest() < 0) return { ok: false, reason: "the prompt does not fit the model's context, even trimmed" };
    kept.splice(oldest(), 1);
    trimmedTurns++;
    // The conversation then starts with a user turn again: an answer without its question goes too.
    while (oldest() >= 0 && kept[oldest()]!.role === "assistant") {
      kept.splice(oldest(), 1);
      trimmedTurns++;
    }
  }
  return { ok: true, messages: kept, trimmedTurns };
}

/** True when an answer probably stopped at max_new_tokens. */
export const probablyCut = (answer: string, maxNewTokens: number) => estimateTokensLow(answer) >= 0.9 * maxNewTokens;
