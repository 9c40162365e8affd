/**
 * Where a record came from, and why one was dropped: the vocabulary shared by the reader, the validator
 * and the pipeline, and what the action turns into annotations and summary counts.
 */

/** A record's place in its file: `line` is 1-based (JSONL, JSON), `row` the 0-based record index in the file. */
export interface Location {
  file: string;
  line?: number;
  row?: number;
}

/** Why a record is invalid. These count towards `max-invalid-ratio`. */
export const INVALID_REASONS = [
  "invalid_utf8",
  "not_json",
  "truncated",
  "not_object",
  "missing_field",
  "bad_messages",
  "bad_role",
  "bad_order",
  "no_final_assistant",
  "bad_content",
  "empty_content",
] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** Every reason a record can be dropped: invalid, too long (on-too-long: drop) or a duplicate (dedupe). */
export const REASON_CODES = [...INVALID_REASONS, "too_long", "duplicate"] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** One line per reason, for the summary table. */
export const REASON_TEXT: Record<ReasonCode, string> = {
  invalid_utf8: "not valid UTF-8",
  not_json: "not JSON",
  truncated: "truncated last line",
  not_object: "not a JSON object",
  missing_field: "conversation field missing",
  bad_messages: "messages not a list of {role, content}",
  bad_role: "unknown role",
  bad_order: "roles out of order",
  no_final_assistant: "does not end with the assistant",
  bad_content: "content not a string",
  empty_content: "empty content",
  too_long: "longer than max-tokens",
  duplicate: "duplicate conversation",
};

export type Severity = "error" | "warning" | "notice";

export interface Problem {
  location: Location;
  reason: ReasonCode;
  detail: string;
  severity: Severity;
}

/** Something about a whole file worth saying that drops nothing (a byte order mark, CRLF line ends). */
export interface Notice {
  location: Location;
  message: string;
}

/** `data/chat.jsonl:12` or `data/chat.parquet row 7`, for messages. */
export function formatLocation(l: Location): string {
  if (l.line !== undefined) return `${l.file}:${l.line}`;
  if (l.row !== undefined) return `${l.file} row ${l.row}`;
  return l.file;
}

/** A zero count for every reason, so summaries list them in a fixed order. */
export function zeroCounts(): Record<ReasonCode, number> {
  return Object.fromEntries(REASON_CODES.map((r) => [r, 0])) as Record<ReasonCode, number>;
}
