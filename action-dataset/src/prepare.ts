/**
 * The data preparation, from local files to the bytes of train.jsonl and validation.jsonl: read the
 * slice, build and validate each conversation, drop duplicates, count tokens, apply the policies
 * (on-invalid, max-invalid-ratio, on-too-long), shuffle and split deterministically, fingerprint.
 *
 * Nothing here talks to GitHub, Azure or the network; outcomes that must fail the step come back as
 * a PrepareFailure with a code, a message and the problems that caused it, never as a thrown string.
 *
 * Per record, in this order (so each dropped record has exactly one reason):
 *   decode (JSON, UTF-8) → conversation rules → duplicate? → token count → too long?
 */
import type { Message, Role } from "./conversation.js";
import { toConversation, toJsonLine } from "./conversation.js";
import { Deduplicator } from "./dedupe.js";
import type { FingerprintSettings } from "./fingerprint.js";
import { fingerprint, sha256Hex } from "./fingerprint.js";
import type { InvalidReason, Location, Notice, Problem, ReasonCode, Severity } from "./problems.js";
import { INVALID_REASONS, formatLocation, zeroCounts } from "./problems.js";
import { SourceError, countRecords, readSource } from "./read-source.js";
import type { FileFormat } from "./source-spec.js";
import { formatOf } from "./source-spec.js";
import { orderKey, shuffleAndSplit, validationCount } from "./shuffle-split.js";
import type { SplitSpec } from "./split-spec.js";
import { applySlice, formatSplitSpec, isWholeSplit, parseSplitSpec, sliceNeedsRowCount } from "./split-spec.js";
import type { TokenStats } from "./stats.js";
import { tokenStats } from "./stats.js";
import { countConversationTokens } from "./tokens.js";

/** The names follow DatasetInputs (inputs.ts), so the action can pass its inputs through. */
export interface PrepareOptions {
  /** Local files of one split, read in this order as if concatenated (Hub parquet shards, or one file). */
  files: string | readonly string[];
  /** Default: each file's extension. */
  format?: FileFormat;
  /** `train`, `train_sft[:1%]`, …; the name is not used here (the files are the split). Default: whole. */
  split?: string | SplitSpec;
  validationSplit?: number;
  seed?: number;
  messagesField?: string;
  promptField?: string;
  responseField?: string;
  systemPrompt?: string;
  maxTokens?: number;
  onTooLong?: "drop" | "keep" | "fail";
  onInvalid?: "drop" | "fail";
  maxInvalidRatio?: number;
  dedupe?: boolean;
  /** At most this many problems are kept (counts stay exact); default 1000. */
  maxProblems?: number;
  /** Replaces the Phi-3 token count (tests, or a worker pool). */
  countTokens?: (messages: readonly Message[]) => number;
}

export const DEFAULTS = {
  split: "train",
  validationSplit: 0.2,
  seed: 42,
  messagesField: "messages",
  maxTokens: 4096,
  onTooLong: "drop",
  onInvalid: "drop",
  maxInvalidRatio: 0.05,
  dedupe: true,
  maxProblems: 1000,
} as const;

export type FailureCode =
  | "bad_option" // an option is malformed (split, validation-split, …)
  | "source" // a file is missing, empty or unreadable as a whole
  | "empty" // the slice holds no records
  | "invalid_records" // on-invalid: fail, and some records are invalid
  | "too_many_invalid" // more than max-invalid-ratio of the records are invalid
  | "too_long" // on-too-long: fail, and some conversations are longer than max-tokens
  | "nothing_left" // every record was dropped
  | "split"; // one conversation left: cannot fill both sides

export interface PrepareReport {
  /** Records in the slice, valid or not. */
  rowsIn: number;
  /** The slice as rows of the concatenated files: [start, end) of `total` (total only when it was counted). */
  slice: { start: number; end: number; total?: number };
  /** Invalid records (all INVALID_REASONS). */
  invalid: number;
  /** Unique valid conversations longer than max-tokens (dropped, kept or failing per on-too-long). */
  tooLong: number;
  dropped: { byReason: Record<ReasonCode, number>; total: number };
  /** Conversations written that brought their own system message, so system-prompt was not added. */
  keptOwnSystem: number;
  /** Per-record problems in input order, at most maxProblems. */
  problems: Problem[];
  problemsOmitted: number;
  /** File-level remarks (byte order mark, CRLF, blank lines, an adjusted split). */
  notices: Notice[];
  /** Over the conversations written (train + validation). */
  tokens: TokenStats;
  roles: Record<Role, number>;
}

export interface PrepareSuccess extends PrepareReport {
  ok: true;
  /** JSONL bytes: one {"messages":[…]} per line, each line ending in "\n". */
  train: string;
  validation: string;
  trainRows: number;
  validationRows: number;
  trainSha256: string;
  validationSha256: string;
  fingerprint: string;
}

export interface PrepareFailure extends PrepareReport {
  ok: false;
  code: FailureCode;
  message: string;
}

export type PrepareResult = PrepareSuccess | PrepareFailure;

interface Accepted {
  key: string;
  line: string;
  tokens: number;
}

export async function prepare(options: PrepareOptions): Promise<PrepareResult> {
  const files = typeof options.files === "string" ? [options.files] : [...options.files];
  const o = {
    validationSplit: options.validationSplit ?? DEFAULTS.validationSplit,
    seed: options.seed ?? DEFAULTS.seed,
    messagesField: options.messagesField ?? DEFAULTS.messagesField,
    maxTokens: options.maxTokens ?? DEFAULTS.maxTokens,
    onTooLong: options.onTooLong ?? DEFAULTS.onTooLong,
    onInvalid: options.onInvalid ?? DEFAULTS.onInvalid,
    maxInvalidRatio: options.maxInvalidRatio ?? DEFAULTS.maxInvalidRatio,
    dedupe: options.dedupe ?? DEFAULTS.dedupe,
    maxProblems: options.maxProblems ?? DEFAULTS.maxProblems,
  };
  const twoFields = options.promptField !== undefined || options.responseField !== undefined;
  const countTokens = options.countTokens ?? countConversationTokens;

  const report: PrepareReport = {
    rowsIn: 0,
    slice: { start: 0, end: 0 },
    invalid: 0,
    tooLong: 0,
    dropped: { byReason: zeroCounts(), total: 0 },
    keptOwnSystem: 0,
    problems: [],
    problemsOmitted: 0,
    notices: [],
    tokens: tokenStats([], o.maxTokens),
    roles: { system: 0, user: 0, assistant: 0 },
  };
  const fail = (code: FailureCode, message: string): PrepareFailure => ({ ...report, ok: false, code, message });

  // ------------------------------------------------------------------------------------- options
  let spec: SplitSpec;
  if (typeof options.split === "object") spec = options.split;
  else {
    const parsed = parseSplitSpec(options.split ?? DEFAULTS.split);
    if (!parsed.ok) return fail("bad_option", parsed.message);
    spec = parsed.value;
  }
  const optionProblem = checkOptions(o, options, twoFields, files);
  if (optionProblem) return fail("bad_option", optionProblem);

  // ----------------------------------------------------------------------------- read and check
  const problem = (location: Location, reason: ReasonCode, detail: string, severity: Severity): void => {
    if (report.problems.length < o.maxProblems) report.problems.push({ location, reason, detail, severity });
    else report.problemsOmitted++;
  };
  const drop = (reason: ReasonCode): void => {
    report.dropped.byReason[reason]++;
    report.dropped.total++;
  };
  const invalidSeverity: Severity = o.onInvalid === "fail" ? "error" : "warning";
  const invalidRecord = (location: Location, reason: InvalidReason, detail: string): void => {
    report.invalid++;
    drop(reason);
    problem(location, reason, detail, invalidSeverity);
  };
  const tooLongSeverity: Severity = o.onTooLong === "fail" ? "error" : o.onTooLong === "drop" ? "warning" : "notice";
  const fields = twoFields ? [options.promptField as string, options.responseField as string] : [o.messagesField];
  const dedupe = o.dedupe ? new Deduplicator() : undefined;
  const accepted: Accepted[] = [];

  try {
    // The slice is over the files' rows as one sequence. Counting first is only needed when a bound
    // depends on the total (percent, negative) or spans files; an absolute slice of one file streams.
    let counts: number[] | undefined;
    if (files.length > 1 || sliceNeedsRowCount(spec)) {
      counts = [];
      for (const f of files) counts.push(await countRecords(f, options.format ?? formatOf(f)));
    }
    const total = counts?.reduce((a, b) => a + b, 0);
    let start: number;
    let end: number;
    if (total !== undefined) {
      try {
        [start, end] = applySlice(spec, total);
      } catch (e) {
        return fail("bad_option", `split "${formatSplitSpec(spec)}": ${(e as Error).message}`);
      }
    } else {
      [start, end] = [spec.from ?? 0, spec.to ?? Infinity];
    }
    report.slice = { start, end: total === undefined ? start : end, total };

    let offset = 0;
    for (let f = 0; f < files.length && offset < end; f++) {
      const file = files[f] as string;
      const localStart = Math.max(0, start - offset);
      const localEnd = end - offset;
      for await (const item of readSource(file, { format: options.format, start: localStart, end: localEnd, fields })) {
        if (item.kind === "notice") {
          report.notices.push({ location: item.location, message: item.message });
          continue;
        }
        report.rowsIn++;
        if (item.kind === "invalid") {
          invalidRecord(item.location, item.reason, item.detail);
          continue;
        }
        const conv = toConversation(item.record, {
          messagesField: o.messagesField,
          promptField: options.promptField,
          responseField: options.responseField,
          systemPrompt: options.systemPrompt,
        });
        if (!conv.ok) {
          invalidRecord(item.location, conv.reason, conv.detail);
          continue;
        }
        const line = toJsonLine(conv.messages);
        const key = orderKey(o.seed, line);
        const first = dedupe?.check(key, item.location);
        if (first) {
          drop("duplicate");
          problem(item.location, "duplicate", `the same conversation as ${formatLocation(first)}`, "notice");
          continue;
        }
        const tokens = countTokens(conv.messages);
        if (tokens > o.maxTokens) {
          report.tooLong++;
          problem(item.location, "too_long", `${tokens} tokens, more than max-tokens ${o.maxTokens}`, tooLongSeverity);
          if (o.onTooLong !== "keep") {
            if (o.onTooLong === "drop") drop("too_long");
            continue;
          }
        }
        accepted.push({ key, line, tokens });
        if (conv.keptOwnSystem) report.keptOwnSystem++;
        for (const m of conv.messages) report.roles[m.role]++;
      }
      offset += counts?.[f] ?? 0; // without counts there is one file
    }
    if (total === undefined) report.slice.end = start + report.rowsIn;
  } catch (e) {
    if (e instanceof SourceError) return fail("source", e.message);
    throw e;
  }

  // ---------------------------------------------------------------------------------- policies
  const escalate = (reasons: readonly ReasonCode[]): void => {
    for (const p of report.problems) if (reasons.includes(p.reason)) p.severity = "error";
  };
  if (report.rowsIn === 0) {
    const where = files.length === 1 ? files[0] : `${files.length} files`;
    const noRecords = report.slice.total === 0 || (report.slice.total === undefined && report.slice.start === 0);
    return fail("empty", noRecords ? `${where} holds no records.` : `The slice "${formatSplitSpec(spec)}" of ${where} selects no records.`);
  }
  if (o.onInvalid === "fail" && report.invalid > 0) {
    return fail("invalid_records", `${report.invalid} of ${report.rowsIn} records are invalid (on-invalid: fail). ${reasonList(report, INVALID_REASONS)}`);
  }
  if (report.invalid / report.rowsIn > o.maxInvalidRatio) {
    escalate(INVALID_REASONS);
    const pct = ((100 * report.invalid) / report.rowsIn).toFixed(1);
    return fail("too_many_invalid", `${report.invalid} of ${report.rowsIn} records (${pct}%) are invalid, more than max-invalid-ratio ${o.maxInvalidRatio}. ${reasonList(report, INVALID_REASONS)}`);
  }
  if (o.onTooLong === "fail" && report.tooLong > 0) {
    return fail("too_long", `${report.tooLong} conversation(s) are longer than max-tokens ${o.maxTokens} (on-too-long: fail).`);
  }
  if (accepted.length === 0) {
    return fail("nothing_left", `Nothing is left after filtering: all ${report.rowsIn} records were dropped. ${reasonList(report, Object.keys(report.dropped.byReason) as ReasonCode[])}`);
  }
  const count = validationCount(accepted.length, o.validationSplit);
  if (!count.ok) return fail("split", count.message);
  if (count.adjusted) {
    report.notices.push({
      location: { file: files[0] ?? "" },
      message: `validation-split ${o.validationSplit} of ${accepted.length} conversations would leave one side empty; validation gets ${count.count} and training ${accepted.length - count.count}.`,
    });
  }

  // ------------------------------------------------------------------------------------- output
  const { train, validation } = shuffleAndSplit(accepted, count.count);
  const trainText = jsonl(train);
  const validationText = jsonl(validation);
  report.tokens = tokenStats(
    accepted.map((a) => a.tokens),
    o.maxTokens,
  );
  const trainSha256 = sha256Hex(trainText);
  const validationSha256 = sha256Hex(validationText);
  const settings: FingerprintSettings = {
    slice: isWholeSplit(spec) ? "" : formatSplitSpec({ ...spec, split: "" }),
    validationSplit: o.validationSplit,
    seed: o.seed,
    ...(twoFields ? { promptField: options.promptField, responseField: options.responseField } : { messagesField: o.messagesField }),
    systemPrompt: options.systemPrompt || undefined,
    maxTokens: o.maxTokens,
    onTooLong: o.onTooLong,
    dedupe: o.dedupe,
  };
  return {
    ...report,
    ok: true,
    train: trainText,
    validation: validationText,
    trainRows: train.length,
    validationRows: validation.length,
    trainSha256,
    validationSha256,
    fingerprint: fingerprint(trainSha256, validationSha256, settings),
  };
}

function jsonl(items: readonly Accepted[]): string {
  let out = "";
  for (const a of items) out += `${a.line}\n`;
  return out;
}

function reasonList(report: PrepareReport, reasons: readonly ReasonCode[]): string {
  const parts = reasons.filter((r) => report.dropped.byReason[r] > 0).map((r) => `${r}: ${report.dropped.byReason[r]}`);
  return parts.length ? `By reason: ${parts.join(", ")}.` : "";
}

/** The checks inputs.ts also makes, repeated so that prepare is safe to call on its own. */
function checkOptions(
  o: { validationSplit: number; seed: number; maxTokens: number; maxInvalidRatio: number; onTooLong: string; onInvalid: string },
  options: PrepareOptions,
  twoFields: boolean,
  files: readonly string[],
): string | undefined {
  if (files.length === 0) return "No source file given.";
  if (!(o.validationSplit > 0 && o.validationSplit < 1)) return `validation-split must be between 0 and 1 (exclusive); it is ${o.validationSplit}.`;
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1) return `seed must be a whole number from 0 to 4294967295; it is ${o.seed}.`;
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) return `max-tokens must be a positive whole number; it is ${o.maxTokens}.`;
  if (!(o.maxInvalidRatio >= 0 && o.maxInvalidRatio <= 1)) return `max-invalid-ratio must be between 0 and 1; it is ${o.maxInvalidRatio}.`;
  if (!["drop", "keep", "fail"].includes(o.onTooLong)) return `on-too-long must be drop, keep or fail; it is "${o.onTooLong}".`;
  if (!["drop", "fail"].includes(o.onInvalid)) return `on-invalid must be drop or fail; it is "${o.onInvalid}".`;
  if (twoFields && (!options.promptField || !options.responseField)) return "prompt-field and response-field go together: give both or neither.";
  return undefined;
}
