/**
 * Small text helpers shared by the chat smoke modules: counting and cutting by characters (Unicode code
 * points, so an emoji or a CJK character outside the BMP is one character and is never cut in half),
 * excerpts of response bodies, redaction of secrets, and numbers as people read them.
 */

/** Characters in the text, counted as Unicode code points (what a person counts, near enough). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The first `max` characters, with "…" in place of the rest when it was longer. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return "";
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  // The ellipsis takes one of the `max` characters so the result never exceeds the limit.
  return chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

/**
 * A short, one-line look at a body for an error message: whitespace runs become one space (bodies are
 * often pretty-printed JSON or HTML error pages), then cut to `max` characters.
 */
export function excerpt(body: string, max = 300): string {
  return truncate(body.replace(/\s+/g, " ").trim(), max);
}

/** Replaces every occurrence of each secret with "***", longest first so a secret inside another goes too. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  // Very short "secrets" would blank out ordinary words; real keys are long.
  const list = secrets
    .filter((s): s is string => typeof s === "string" && s.length >= 4)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of list) out = out.split(s).join("***");
  return out;
}

/**
 * A whole number with thousands separators, "2,310": written by hand rather than with toLocaleString so
 * the text is the same on every runner whatever its locale or ICU build.
 */
export function formatInt(n: number): string {
  const rounded = Math.round(n);
  const sign = rounded < 0 ? "-" : "";
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "2,310 ms" */
export const formatMs = (ms: number): string => `${formatInt(ms)} ms`;
