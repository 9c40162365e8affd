/**
 * Checking an answer against a case's expectations.
 *
 * Decisions (documented in the action README too):
 * - `contains` / `not-contains` are case-insensitive: models capitalise freely ("Paris" at the start of a
 *   sentence, "paris" inside one), and a smoke test should not fail on that. Both sides are NFC-normalised
 *   so "é" typed precomposed matches "é" written as e + combining accent.
 * - `regex` is exact: it is a JavaScript regular expression, case-sensitive as written; write it as
 *   `/…/i` to ignore case. The regex author is asking for precise control, so we do not second-guess it.
 * - `min-chars` / `max-chars` count Unicode characters (code points) of the answer with leading and trailing
 *   whitespace removed (containers often return a leading space or newline).
 * - `max-latency-ms` is compared with the latency of the request that produced the answer (not the time
 *   spent in retries before it): it is a limit on how fast the model answers.
 */
import { charLength, formatInt } from "./text.js";

export interface Expectations {
  contains?: string[];
  notContains?: string[];
  /** As written in the prompts file: a pattern, or `/pattern/flags`. Checked by parseRegex when read. */
  regex?: string;
  minChars?: number;
  maxChars?: number;
}

export interface CheckResult {
  pass: boolean;
  /** Every expectation that failed, in a fixed order (contains, not-contains, regex, length, latency). */
  reasons: string[];
}

/** Flags that make sense for one test against one answer (g and y are stateful, d only adds indices). */
const REGEX_FLAGS = new Set(["i", "m", "s", "u"]);

/**
 * Reads a regex as written in a prompts file. `/pattern/flags` (flags among i, m, s, u) sets flags;
 * anything else is the pattern itself, so `Paris|London` and `^\d+$` work without slashes. Returns the
 * engine's error message for an invalid pattern.
 */
export function parseRegex(written: string): { regex: RegExp } | { error: string } {
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(written);
  let source = written;
  let flags = "";
  if (slashed) {
    source = slashed[1] ?? "";
    flags = slashed[2] ?? "";
    const bad = [...flags].filter((f) => !REGEX_FLAGS.has(f));
    if (bad.length) return { error: `unsupported flag${bad.length > 1 ? "s" : ""} ${bad.join("")}: use i, m, s or u` };
    if (new Set(flags).size !== flags.length) return { error: `flag repeated in ${flags}` };
  }
  try {
    return { regex: new RegExp(source, flags) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const fold = (s: string) => s.normalize("NFC").toLowerCase();

/** Checks the answer against every expectation and the latency limit; collects every failure. */
export function checkAnswer(
  answer: string,
  expect: Expectations,
  latency?: { latencyMs?: number; maxLatencyMs?: number },
): CheckResult {
  const reasons: string[] = [];
  const folded = fold(answer);
  for (const needle of expect.contains ?? []) {
    if (!folded.includes(fold(needle))) reasons.push(`does not contain "${needle}"`);
  }
  for (const needle of expect.notContains ?? []) {
    if (folded.includes(fold(needle))) reasons.push(`matches forbidden text "${needle}"`);
  }
  if (expect.regex !== undefined) {
    const parsed = parseRegex(expect.regex);
    // The prompts reader rejects invalid regexes before any request; this guards callers that did not.
    if ("error" in parsed) reasons.push(`regex ${expect.regex} is invalid: ${parsed.error}`);
    else if (!parsed.regex.test(answer)) reasons.push(`does not match regex ${describeRegex(expect.regex)}`);
  }
  const length = charLength(answer.trim());
  const chars = (n: number) => `${formatInt(n)} character${n === 1 ? "" : "s"}`;
  if (expect.minChars !== undefined && length < expect.minChars)
    reasons.push(`is ${chars(length)}, fewer than min-chars ${formatInt(expect.minChars)}`);
  if (expect.maxChars !== undefined && length > expect.maxChars)
    reasons.push(`is ${chars(length)}, more than max-chars ${formatInt(expect.maxChars)}`);
  const { latencyMs, maxLatencyMs } = latency ?? {};
  if (maxLatencyMs !== undefined && latencyMs !== undefined && latencyMs > maxLatencyMs) {
    reasons.push(`took ${formatInt(latencyMs)} ms, more than max-latency-ms ${formatInt(maxLatencyMs)}`);
  }
  return { pass: reasons.length === 0, reasons };
}

/** The regex as people recognise one: `/Paris|London/` (kept as written when it already has slashes). */
function describeRegex(written: string): string {
  return /^\/.+\/[a-z]*$/s.test(written) ? written : `/${written}/`;
}
