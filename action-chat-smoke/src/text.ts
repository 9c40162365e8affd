/**
 * Small text helpers shared by the chat smoke modules: counting and cutting by characters (Unicode code
 * points, so an emoji or a CJK character outside the BMP is one character and is never cut in half),
 * excerpts of response bodies, redaction of secrets, and numbers as people read them.
 */
import { excerpt, formatInt, redactSecrets, truncate } from "@phi3-aml/shared/scoring/text";

// Moved to the shared scoring client (shared/src/scoring/text.ts); re-exported for this action's modules.
export { excerpt, formatInt, truncate, redactSecrets as redact };

/** Characters in the text, counted as Unicode code points (what a person counts, near enough). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** "2,310 ms" */
export const formatMs = (ms: number): string => `${formatInt(ms)} ms`;
