/**
 * Checking an answer against a case's expectations.
 *
 * Decisions (documented in the action README too):
 * - `contains` / `not-contains` are case-insensitive: models capitalise freely ("Paris" at the start of a
 *   sentence, "paris" inside one), and a smoke test should not fail on that. Both sides are NFC-normalised
 *   so "é" typed precomposed matches "é" written as e + combining accent.
 * - `regex` is exact: case-sensitive as written; write it as `/…/i` to ignore case. The regex author is
 *   asking for precise control, so we do not second-guess it. It runs on RE2 semantics (re2js, a pure
 *   JavaScript port of Google's RE2), in time linear in the answer's length: a prompts file is input, and
 *   V8's backtracking engine takes exponential time on patterns such as `^(a+)+$`. RE2 syntax is the
 *   JavaScript syntax without backreferences (`\1`, `\k<name>`) and lookaround (`(?=`, `(?!`, `(?<=`,
 *   `(?<!`), which need backtracking; JavaScript's `\uXXXX` and `\u{…}` escapes are accepted (as RE2's
 *   `\x{…}`), and RE2 adds `[[:alpha:]]` classes and inline flags such as `(?i)`. Repeat counts are at
 *   most 1000. `\d`, `\w`, `\s` and `\b` are ASCII, as in JavaScript; `\p{L}` matches any letter.
 * - `min-chars` / `max-chars` count Unicode characters (code points) of the answer with leading and trailing
 *   whitespace removed (containers often return a leading space or newline).
 * - `max-latency-ms` is compared with the latency of the request that produced the answer (not the time
 *   spent in retries before it): it is a limit on how fast the model answers.
 */
import { RE2JS } from "re2js";
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

/** The RE2 compile flags for /…/i, m and s; u changes nothing (RE2 always reads code points). */
const RE2_FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0,
};

/** A compiled expect.regex: matched in linear time (RE2 semantics). */
export interface LinearRegex {
  /** The pattern as RE2 compiled it. */
  source: string;
  flags: string;
  /** Whether the pattern matches anywhere in the text, as RegExp.prototype.test. */
  test(text: string): boolean;
}

/**
 * Reads a regex as written in a prompts file. `/pattern/flags` (flags among i, m, s, u) sets flags;
 * anything else is the pattern itself, so `Paris|London` and `^\d+$` work without slashes. Returns the
 * engine's error message for an invalid pattern, with a hint when it uses what RE2 leaves out.
 */
export function parseRegex(written: string): { regex: LinearRegex } | { error: string } {
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
  return compileLinear(unicodeEscapes(source), flags);
}

function compileLinear(source: string, flags: string): { regex: LinearRegex } | { error: string } {
  try {
    const re = RE2JS.compile(
      source,
      [...flags].reduce((n, f) => n | (RE2_FLAGS[f] ?? 0), 0),
    );
    return { regex: { source, flags, test: (text) => re.test(text) } };
  } catch (e) {
    const unsupported = /\\[1-9k]|\(\?<?[=!]/.test(source)
      ? " (backreferences and lookaround are not supported: expect.regex runs in linear time, RE2 syntax)"
      : "";
    return { error: `${(e as Error).message}${unsupported}` };
  }
}

/** JavaScript's \uXXXX and \u{X…} written as RE2's \x{…}; an escaped backslash (\\u) stays as written. */
function unicodeEscapes(source: string): string {
  return source.replace(/\\\\|\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})/g, (m, braced?: string, four?: string) =>
    braced || four ? `\\x{${braced ?? four}}` : m,
  );
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
