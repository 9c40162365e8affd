/**
 * From a raw record to a conversation the chat-completion fine-tune accepts, or the reason it cannot be.
 *
 * A conversation is valid when every message is {role, content} with role system/user/assistant and
 * content a non-empty string (whitespace only counts as empty); a system message comes only first; user
 * and assistant alternate, starting with the user; and the last message is the assistant's.
 */
import type { InvalidReason } from "./problems.js";

export const ROLES = ["system", "user", "assistant"] as const;
export type Role = (typeof ROLES)[number];

export interface Message {
  role: Role;
  content: string;
}

export interface ConversationOptions {
  /** The field holding [{role, content}, …] (default `messages`); ignored with prompt/response fields. */
  messagesField?: string;
  /** Both or neither: build [user: prompt, assistant: response] from these two fields. */
  promptField?: string;
  responseField?: string;
  /**
   * Prepended as a system message to every conversation that has none. A record that brings its own
   * system message keeps it (a per-record instruction is more specific than a default for all), and
   * the result says so, so it can be counted.
   */
  systemPrompt?: string;
}

export type ConversationResult =
  { ok: true; messages: Message[]; keptOwnSystem: boolean } | { ok: false; reason: InvalidReason; detail: string };

const invalid = (reason: InvalidReason, detail: string): ConversationResult => ({ ok: false, reason, detail });

/** Builds and validates the conversation of one record. */
export function toConversation(record: unknown, options: ConversationOptions = {}): ConversationResult {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return invalid("not_object", `the record is ${describeType(record)}, not an object`);
  }
  const fields = record as Record<string, unknown>;
  let result: ConversationResult;
  if (options.promptField !== undefined && options.responseField !== undefined) {
    result = twoTurns(fields, options.promptField, options.responseField);
  } else {
    const field = options.messagesField ?? "messages";
    const value = fields[field];
    if (value === undefined || value === null)
      return invalid("missing_field", `no "${field}" field${fieldList(fields)}`);
    result = validateMessages(value, field);
  }
  if (!result.ok || !options.systemPrompt) return result;
  if (result.messages[0]?.role === "system") return { ...result, keptOwnSystem: true };
  return {
    ok: true,
    messages: [{ role: "system", content: options.systemPrompt }, ...result.messages],
    keptOwnSystem: false,
  };
}

function twoTurns(fields: Record<string, unknown>, promptField: string, responseField: string): ConversationResult {
  const messages: Message[] = [];
  for (const [field, role] of [
    [promptField, "user"],
    [responseField, "assistant"],
  ] as const) {
    const value = fields[field];
    if (value === undefined || value === null)
      return invalid("missing_field", `no "${field}" field${fieldList(fields)}`);
    if (typeof value !== "string") return invalid("bad_content", `"${field}" is ${describeType(value)}, not a string`);
    if (value.trim() === "") return invalid("empty_content", `"${field}" is empty`);
    messages.push({ role, content: value });
  }
  return { ok: true, messages, keptOwnSystem: false };
}

/**
 * Checks a list of messages against the rules above; the first broken rule (in message order) is the
 * reason. Messages are numbered from 1 in details, as a person counts them.
 */
export function validateMessages(value: unknown, field = "messages"): ConversationResult {
  if (!Array.isArray(value))
    return invalid("bad_messages", `"${field}" is ${describeType(value)}, not a list of {role, content} messages`);
  if (value.length === 0) return invalid("bad_messages", `"${field}" is an empty list`);
  const messages: Message[] = [];
  for (let i = 0; i < value.length; i++) {
    const n = i + 1;
    const m: unknown = value[i];
    if (m === null || typeof m !== "object" || Array.isArray(m))
      return invalid("bad_messages", `message ${n} is ${describeType(m)}, not a {role, content} object`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role === undefined || role === null) return invalid("bad_role", `message ${n} has no role`);
    if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
      return invalid(
        "bad_role",
        `message ${n} has role ${typeof role === "string" ? `"${clip(role)}"` : describeType(role)}; roles are system, user and assistant`,
      );
    }
    if (content !== undefined && content !== null && typeof content !== "string") {
      return invalid(
        "bad_content",
        `message ${n} (${role}) has content that is ${describeType(content)}, not a string`,
      );
    }
    if (typeof content !== "string" || content.trim() === "")
      return invalid("empty_content", `message ${n} (${role}) has empty content`);
    const orderProblem = checkOrder(
      role as Role,
      i,
      messages[messages.length - 1]?.role,
      messages[0]?.role === "system",
    );
    if (orderProblem) return invalid("bad_order", `message ${n}: ${orderProblem}`);
    messages.push({ role: role as Role, content });
  }
  const last = messages[messages.length - 1] as Message;
  if (last.role !== "assistant") {
    return invalid(
      "no_final_assistant",
      `the last message (${messages.length}) is from the ${last.role}; a conversation must end with the assistant's answer`,
    );
  }
  return { ok: true, messages, keptOwnSystem: false };
}

/** Why a message with `role` cannot come at `index` after `previous`, or undefined when it can. */
function checkOrder(
  role: Role,
  index: number,
  previous: Role | undefined,
  startsWithSystem: boolean,
): string | undefined {
  if (role === "system") return index === 0 ? undefined : "a system message may only come first";
  const firstTurn = previous === undefined || (startsWithSystem && index === 1);
  if (firstTurn)
    return role === "user"
      ? undefined
      : "the conversation must start with the user (after an optional system message), not the assistant";
  if (role === previous) return `two ${role} messages in a row; user and assistant must alternate`;
  return undefined;
}

/**
 * The output line: exactly {"messages":[{"role":…,"content":…},…]}, keys in this order and nothing
 * else, so equal conversations are equal bytes (what dedupe compares and the hash orders by).
 */
export function toJsonLine(messages: readonly Message[]): string {
  return JSON.stringify({ messages: messages.map((m) => ({ role: m.role, content: m.content })) });
}

function describeType(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a string";
  if (typeof v === "bigint") return "a number";
  return `a ${typeof v}`;
}

function fieldList(fields: Record<string, unknown>): string {
  const keys = Object.keys(fields);
  if (keys.length === 0) return " (the record is an empty object)";
  const shown = keys.slice(0, 8).map(clip).join(", ");
  return ` (fields: ${shown}${keys.length > 8 ? ", …" : ""})`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
