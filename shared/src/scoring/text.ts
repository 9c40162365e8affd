/**
 * Text helpers the scoring client needs for its messages: cutting by characters (Unicode code points, so
 * an emoji is never cut in half), one-line excerpts of response bodies, and numbers as people read them.
 * action-chat-smoke's text.ts re-exports these.
 */

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

/**
 * A whole number with thousands separators, "2,310": written by hand rather than with toLocaleString so
 * the text is the same on every runner whatever its locale or ICU build.
 */
export function formatInt(n: number): string {
  const rounded = Math.round(n);
  const sign = rounded < 0 ? "-" : "";
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The suite's one redaction rule (shared/src/redact.ts): masked values and the given secrets, any length. */
export { redactSecrets } from "../redact.js";
