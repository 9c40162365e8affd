/**
 * The `prompts` input: a JSONL file of cases, or one prompt per line of the input itself.
 *
 * Every problem is collected with its line (and file) so the action can print one annotation per bad line
 * and fail before sending anything: a typo on line 40 should not cost 39 model calls first.
 */
import type { Expectations, parseRegex } from "./expect.js";

/**
 * The regex reader (expect.ts parseRegex). It is passed in rather than imported: its engine (re2js) is a large
 * module, loaded only when a prompts file may hold a regex expectation (see mayHoldRegex).
 */
export type RegexReader = typeof parseRegex;

/**
 * Whether a prompts file may hold an `expect.regex`: its key is written `regex`, or with JSON's \u escapes.
 * False means it surely holds none, so the regex engine need not be loaded.
 */
export const mayHoldRegex = (text: string): boolean => text.includes("regex") || text.includes("\\u");

type Role = "system" | "user" | "assistant";
interface ChatMessage {
  role: Role;
  content: string;
}

export interface ChatCase {
  /** 0-based position among the cases: results keep this order. */
  index: number;
  id?: string;
  name?: string;
  /** Sent first, as a system message. */
  system?: string;
  /** The conversation to send after the system message; always ends with a user message. */
  messages: ChatMessage[];
  expect: Expectations;
  /** Where the case was written: `line` is 1-based; `file` is absent for prompts given inline. */
  source: { file?: string; line: number };
}

interface CaseProblem {
  file?: string;
  line: number;
  message: string;
}

export interface ParsedCases {
  cases: ChatCase[];
  problems: CaseProblem[];
}

/** How the `prompts` input is to be read. */
export type PromptsSource =
  | { kind: "file"; path: string; format: "jsonl" | "lines" }
  | { kind: "inline"; text: string }
  | { kind: "missing-file"; path: string; message: string };

const CASE_KEYS = ["prompt", "messages", "system", "id", "name", "expect"] as const;
const EXPECT_KEYS = ["contains", "not-contains", "regex", "min-chars", "max-chars"] as const;
const MESSAGE_KEYS = ["role", "content"] as const;
const ROLES: readonly Role[] = ["system", "user", "assistant"];
const EXAMPLE = '{"prompt": "What is the capital of France?", "expect": {"contains": ["Paris"]}}';

/**
 * Decides whether `prompts` names a file or holds the prompts. A single line that is an existing file is a
 * file; a single line that looks like a path (ends in .jsonl/.json/.ndjson/.txt, or starts with ./ ../ / ~/)
 * but does not exist is a missing file, said plainly, rather than being sent to the model as a prompt.
 * Anything else is inline prompts, one per line. `isFile` is injected so this stays free of I/O.
 */
export function classifyPromptsInput(input: string, isFile: (path: string) => boolean): PromptsSource {
  const trimmed = input.trim();
  const singleLine = trimmed !== "" && !/[\r\n]/.test(trimmed);
  if (singleLine && isFile(trimmed))
    return { kind: "file", path: trimmed, format: /\.txt$/i.test(trimmed) ? "lines" : "jsonl" };
  if (
    singleLine &&
    !/\s/.test(trimmed) &&
    (/\.(jsonl|ndjson|json|txt)$/i.test(trimmed) || /^(\.{1,2}\/|\/|~\/)/.test(trimmed))
  ) {
    return {
      kind: "missing-file",
      path: trimmed,
      message: `prompts file ${trimmed} does not exist (paths are relative to the workspace; check out the repository first). To give prompts inline instead, write one prompt per line.`,
    };
  }
  return { kind: "inline", text: input };
}

/** Reads the prompts as classified: a file's text as JSONL (or lines for .txt), inline text as lines. */
export function parsePrompts(
  source: Exclude<PromptsSource, { kind: "missing-file" }>,
  fileText?: string,
  readRegex?: RegexReader,
): ParsedCases {
  if (source.kind === "inline") return parsePromptLines(source.text);
  const text = fileText ?? "";
  return source.format === "lines"
    ? parsePromptLines(text, source.path)
    : parseJsonlCases(text, source.path, readRegex);
}

/** One prompt per non-empty line (trimmed), no expectations beyond the action-wide max-latency-ms. */
export function parsePromptLines(text: string, file?: string): ParsedCases {
  const cases: ChatCase[] = [];
  splitLines(text).forEach((raw, i) => {
    const prompt = raw.trim();
    if (prompt)
      cases.push({
        index: cases.length,
        messages: [{ role: "user", content: prompt }],
        expect: {},
        source: withFile({ line: i + 1 }, file),
      });
  });
  const problems = cases.length
    ? []
    : [
        problem(
          file,
          1,
          file
            ? `prompts file ${file} has no prompts: every line is empty`
            : "prompts has no prompts: every line is empty",
        ),
      ];
  return { cases, problems };
}

/**
 * A JSONL file: one case per non-empty line. Every problem on every line is reported. `readRegex` is needed
 * when the text may hold a regex expectation (mayHoldRegex).
 */
export function parseJsonlCases(text: string, file?: string, readRegex?: RegexReader): ParsedCases {
  if (!readRegex && mayHoldRegex(text))
    throw new Error("parseJsonlCases: this text may hold expect.regex: pass readRegex");
  const cases: ChatCase[] = [];
  const problems: CaseProblem[] = [];
  const firstLineOfId = new Map<string, number>();
  let nonEmpty = 0;
  splitLines(text).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (!trimmed) return;
    nonEmpty++;
    const before = problems.length;
    const report = (message: string) => problems.push(problem(file, line, message));
    const c = readCase(trimmed, report, readRegex);
    if (c?.id !== undefined) {
      const first = firstLineOfId.get(c.id);
      if (first !== undefined)
        report(
          `duplicate id "${c.id}": line ${first} has it too; ids name the cases in the results, so make each one unique`,
        );
      else firstLineOfId.set(c.id, line);
    }
    if (c && problems.length === before) cases.push({ ...c, index: cases.length, source: withFile({ line }, file) });
  });
  if (nonEmpty === 0)
    problems.push(
      problem(
        file,
        1,
        `${file ? `prompts file ${file}` : "prompts"} has no cases: every line is empty. Write one JSON object a line, such as ${EXAMPLE}`,
      ),
    );
  return { cases, problems };
}

type Draft = Omit<ChatCase, "index" | "source">;

/** One line to a case; reports every problem it finds and returns undefined when the line is unusable. */
function readCase(text: string, report: (message: string) => void, readRegex?: RegexReader): Draft | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    report(`is not valid JSON (${(e as Error).message}). Each line is one JSON object, such as ${EXAMPLE}`);
    return undefined;
  }
  if (!isObject(value)) {
    report(`is ${describeType(value)}, not a JSON object. Each line is one JSON object, such as ${EXAMPLE}`);
    return undefined;
  }
  checkKeys(value, CASE_KEYS, "", report);

  const draft: Draft = { messages: [], expect: {} };
  if (value.id !== undefined) {
    const id = value.id;
    if ((typeof id === "string" && id.trim()) || (typeof id === "number" && Number.isFinite(id)))
      draft.id = String(id).trim();
    else report(`"id" must be a non-empty string or a number, not ${describeType(id)}`);
  }
  if (value.name !== undefined) {
    if (typeof value.name === "string" && value.name.trim()) draft.name = value.name.trim();
    else report(`"name" must be a non-empty string, not ${describeType(value.name)}`);
  }
  if (value.system !== undefined) {
    if (typeof value.system !== "string") report(`"system" must be a string, not ${describeType(value.system)}`);
    else if (!value.system.trim()) report(`"system" is empty: write the system message or leave the key out`);
    else draft.system = value.system;
  }

  const hasPrompt = value.prompt !== undefined;
  const hasMessages = value.messages !== undefined;
  if (hasPrompt && hasMessages)
    report(
      `has both "prompt" and "messages": give one (a prompt is the same as messages [{"role": "user", "content": "…"}])`,
    );
  else if (!hasPrompt && !hasMessages)
    report(`has neither "prompt" nor "messages": give the question as "prompt", or a conversation as "messages"`);
  else if (hasPrompt) {
    if (typeof value.prompt !== "string") report(`"prompt" must be a string, not ${describeType(value.prompt)}`);
    else if (!value.prompt.trim()) report(`"prompt" is empty`);
    else draft.messages = [{ role: "user", content: value.prompt }];
  } else {
    draft.messages = readMessages(value.messages, draft.system !== undefined, report);
  }

  if (value.expect !== undefined) draft.expect = readExpect(value.expect, report, readRegex);
  return draft;
}

function readMessages(value: unknown, hasSystemKey: boolean, report: (message: string) => void): ChatMessage[] {
  if (!Array.isArray(value)) {
    report(`"messages" must be a list of {"role": …, "content": …}, not ${describeType(value)}`);
    return [];
  }
  if (value.length === 0) {
    report(`"messages" is empty: give at least one {"role": "user", "content": "…"}`);
    return [];
  }
  const messages: ChatMessage[] = [];
  value.forEach((m: unknown, i) => {
    const at = `"messages[${i}]"`;
    if (!isObject(m)) {
      report(`${at} must be an object {"role": …, "content": …}, not ${describeType(m)}`);
      return;
    }
    checkKeys(m, MESSAGE_KEYS, `messages[${i}].`, report);
    const role = m.role;
    const okRole = typeof role === "string" && (ROLES as readonly string[]).includes(role);
    if (!okRole)
      report(
        `${at}.role must be one of ${ROLES.join(", ")}, not ${typeof role === "string" ? `"${role}"` : describeType(role)}`,
      );
    if (typeof m.content !== "string") report(`${at}.content must be a string, not ${describeType(m.content)}`);
    else if (!m.content.trim()) report(`${at}.content is empty`);
    if (okRole && role === "system" && i > 0)
      report(`${at} is a system message after the conversation started: a system message can only come first`);
    if (okRole && typeof m.content === "string") messages.push({ role: role as Role, content: m.content });
  });
  if (hasSystemKey && messages[0]?.role === "system")
    report(`has a system message twice, as "system" and as the first of "messages": keep one`);
  const last = value[value.length - 1] as { role?: unknown } | undefined;
  if (
    isObject(last) &&
    last.role !== "user" &&
    typeof last.role === "string" &&
    (ROLES as readonly string[]).includes(last.role)
  ) {
    report(
      `"messages" ends with a ${last.role} message: the last message must be the user's, the one the model answers`,
    );
  }
  return messages;
}

function readExpect(value: unknown, report: (message: string) => void, readRegex?: RegexReader): Expectations {
  if (!isObject(value)) {
    report(`"expect" must be an object such as {"contains": ["Paris"]}, not ${describeType(value)}`);
    return {};
  }
  checkKeys(value, EXPECT_KEYS, "expect.", report);
  const out: Expectations = {};
  const contains = readStrings(value["contains"], "expect.contains", "every answer contains the empty string", report);
  if (contains) out.contains = contains;
  const notContains = readStrings(value["not-contains"], "expect.not-contains", "it would forbid every answer", report);
  if (notContains) out.notContains = notContains;
  const regex = value["regex"];
  if (regex !== undefined) {
    if (typeof regex !== "string") report(`"expect.regex" must be a string, not ${describeType(regex)}`);
    else if (!regex) report(`"expect.regex" is empty: every answer matches it`);
    else if (!readRegex) throw new Error("readExpect: a regex expectation without the regex reader");
    else {
      const parsed = readRegex(regex);
      if ("error" in parsed) report(`"expect.regex" ${regex} is not a valid regular expression: ${parsed.error}`);
      else out.regex = regex;
    }
  }
  const min = readCount(value["min-chars"], "expect.min-chars", report);
  const max = readCount(value["max-chars"], "expect.max-chars", report);
  if (min !== undefined) out.minChars = min;
  if (max !== undefined) out.maxChars = max;
  if (min !== undefined && max !== undefined && min > max)
    report(`"expect.min-chars" ${min} is more than "expect.max-chars" ${max}: no answer could pass`);
  return out;
}

/** A string or a list of strings (one string is accepted as a list of one: friendlier to write). */
function readStrings(
  value: unknown,
  key: string,
  whyNotEmpty: string,
  report: (message: string) => void,
): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) {
    report(`"${key}" must be a string or a list of strings, not ${describeType(value)}`);
    return undefined;
  }
  if (list.some((s) => s === "")) {
    report(`"${key}" has an empty string: ${whyNotEmpty}`);
    return undefined;
  }
  return list as string[];
}

function readCount(value: unknown, key: string, report: (message: string) => void): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  report(`"${key}" must be a whole number, 0 or more, not ${typeof value === "number" ? value : describeType(value)}`);
  return undefined;
}

/** Reports each unknown key, with the accepted keys and the nearest one when it looks like a typo. */
function checkKeys(
  obj: Record<string, unknown>,
  accepted: readonly string[],
  prefix: string,
  report: (message: string) => void,
): void {
  for (const key of Object.keys(obj)) {
    if (accepted.includes(key)) continue;
    const near = nearestKey(key, accepted);
    const hint = near ? ` (did you mean "${prefix}${near}"?)` : "";
    report(
      `unknown key "${prefix}${key}"${hint}; accepted${prefix ? ` in "${prefix.replace(/\.$/, "").replace(/\[\d+\]$/, "[]")}"` : ""}: ${accepted.join(", ")}`,
    );
  }
}

/** The accepted key a typo most likely meant: same letters ignoring case, _ and -, or at most 2 edits away. */
function nearestKey(key: string, accepted: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_\s]/g, "-");
  const same = accepted.find((a) => norm(a) === norm(key) || norm(a).replace(/-/g, "") === norm(key).replace(/-/g, ""));
  if (same) return same;
  let best: { key: string; d: number } | undefined;
  for (const a of accepted) {
    const d = editDistance(norm(key), a);
    if (d <= 2 && (!best || d < best.d)) best = { key: a, d };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The user message the model answers: the last one (shown as the case's prompt). */
export function promptOf(c: Pick<ChatCase, "messages">): string {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    const m = c.messages[i];
    if (m?.role === "user") return m.content;
  }
  return "";
}

/** How a case is named in logs and tables: its name, else its id, else its 1-based number. */
export function caseLabel(c: Pick<ChatCase, "index" | "id" | "name">): string {
  return c.name ?? c.id ?? `#${c.index + 1}`;
}

// A BOM at the start would make line 1 invalid JSON; \r\n and \r line ends count as one line end.
const splitLines = (text: string) => text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return v.length > 40 ? "a string" : `the string ${JSON.stringify(v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  return typeof v === "object" ? "an object" : typeof v;
}

const problem = (file: string | undefined, line: number, message: string): CaseProblem =>
  file === undefined ? { line, message } : { file, line, message };
const withFile = (src: { line: number }, file: string | undefined) => (file === undefined ? src : { file, ...src });
