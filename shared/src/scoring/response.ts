/**
 * Reading the answer from a scoring response. The documented shape is `{"output": "…"}` (contract §8.3);
 * these containers are also known to return a bare JSON string, a list (`["…"]`, `[{"0": "…"}]`) or
 * `{"0": "…"}`, and an OpenAI-style body when the deployment serves chat completions. Anything else is
 * said to be unknown, with the keys seen and an excerpt, rather than shown as an empty answer.
 */
import { excerpt } from "./text.js";

export type ResponseShape =
  "output" | "string" | "list" | "list-of-0" | "object-0" | "openai-chat" | "openai-completion";

export type AnswerResult =
  | { ok: true; answer: string; shape: ResponseShape }
  | { ok: false; shape: "unknown"; message: string; excerpt: string };

const EXCERPT_CHARS = 200;
const EXPECTED = 'expected {"output": "…"}';

/** The answer in a response body (the raw text, 2xx), or why it could not be found. */
export function readAnswer(body: string): AnswerResult {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return unknown(
      body.trim() ? `the response is not JSON; ${EXPECTED}` : `the response body is empty; ${EXPECTED}`,
      body,
    );
  }
  // A scoring script that returns json.dumps(result) has its JSON encoded twice: a string holding JSON.
  // Unwrap it only when the inner JSON is itself a known shape, so an answer that happens to be JSON
  // ("give me a JSON object") is still read as the answer.
  if (typeof value === "string") {
    const inner = tryParse(value);
    if (inner !== undefined && typeof inner === "object" && inner !== null) {
      const found = fromValue(inner);
      if (found) return found;
    }
  }
  return fromValue(value) ?? unknown(describeUnknown(value), body);
}

function fromValue(value: unknown): AnswerResult | undefined {
  if (typeof value === "string") return ok(value, "string");
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    if (typeof first === "string") return ok(first, "list");
    if (isObject(first) && typeof first["0"] === "string") return ok(first["0"], "list-of-0");
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (typeof value.output === "string") return ok(value.output, "output");
  // {"output": ["…"]}: the same list shapes, one level down.
  if (Array.isArray(value.output)) {
    const inner = fromValue(value.output);
    if (inner?.ok) return ok(inner.answer, "output");
  }
  if (typeof value["0"] === "string") return ok(value["0"], "object-0");
  if (Array.isArray(value.choices)) {
    const choice: unknown = value.choices[0];
    if (isObject(choice)) {
      const message = choice.message;
      if (isObject(message) && typeof message.content === "string") return ok(message.content, "openai-chat");
      if (typeof choice.text === "string") return ok(choice.text, "openai-completion");
    }
  }
  return undefined;
}

function describeUnknown(value: unknown): string {
  if (Array.isArray(value)) {
    return value.length === 0
      ? `the response is an empty list; ${EXPECTED}`
      : `the response is a list whose first item is ${kind(value[0])}, not text; ${EXPECTED}`;
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if ("output" in value) return `"output" is ${kind(value.output)}, not text; ${EXPECTED}`;
    const shown =
      keys
        .slice(0, 8)
        .map((k) => JSON.stringify(k))
        .join(", ") + (keys.length > 8 ? ", …" : "");
    return keys.length
      ? `unknown response shape: a JSON object with keys ${shown}; ${EXPECTED}`
      : `the response is an empty JSON object; ${EXPECTED}`;
  }
  return `unknown response shape: ${kind(value)}; ${EXPECTED}`;
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "missing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `a ${typeof v}`;
}

const ok = (answer: string, shape: ResponseShape): AnswerResult => ({ ok: true, answer, shape });
const unknown = (message: string, body: string): AnswerResult => ({
  ok: false,
  shape: "unknown",
  message,
  excerpt: excerpt(body, EXCERPT_CHARS),
});
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
