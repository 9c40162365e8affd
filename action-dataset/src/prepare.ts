/**
 * The data preparation, from local files to train.jsonl and validation.jsonl: read the slice, build and
 * validate each conversation, drop duplicates, count tokens, apply the policies (on-invalid,
 * max-invalid-ratio, on-too-long), shuffle and split deterministically, fingerprint.
 *
 * Nothing here talks to GitHub, Azure or the network; outcomes that must fail the step come back as
 * a PrepareFailure with a code, a message and the problems that caused it, never as a thrown string.
 *
 * Per record, in this order (so each dropped record has exactly one reason):
 *   decode (JSON, UTF-8) → conversation rules → duplicate? → token count → too long?
 *
 * Streaming: the records go through once. Each valid conversation's output line is written as bytes
 * into a batch (json-line.ts, line-files.ts); a full batch goes to the token counter (a worker thread for
 * large inputs, token-counter.ts), which gives back each line's token count and order key with the
 * lines. Then, in input order, duplicates and lines too long are dropped, and each kept line is appended
 * to the spool (files in the output directory, one per range of order keys) while a RecordIndex notes
 * its order key, location, length and token count. The index is then sorted by key, and the lines are
 * copied from the spool in that order into validation.jsonl (the smallest keys) and train.jsonl, hashed
 * on the way. So memory does not grow with the size of the data, only with the number of conversations:
 * ~48 bytes each for the index, ~60 for the dedupe set, 8 for the token statistics (about 12 MB per
 * 100,000 conversations). Besides that: the tokenizer (~25 MB of JavaScript tables and ~15 MB of
 * WebAssembly memory, on the worker thread when there is one), a few 1 MiB I/O buffers and 64 spool
 * buffers of 64 KB, the batches out (about 512 KB each), and a spool file at a time (up to 16 MB) while
 * copying. Reading holds one line of JSONL, one row group of parquet, or a whole JSON array
 * (read-source.ts).
 */
import { mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Message, Role } from "./conversation.js";
import { ROLES, toConversation } from "./conversation.js";
import { Deduplicator } from "./dedupe.js";
import type { FingerprintSettings } from "./fingerprint.js";
import { fingerprint } from "./fingerprint.js";
import { writeJsonLine } from "./json-line.js";
import { BufferedWriter, LineBatch, Spool } from "./line-files.js";
import type { InvalidReason, Location, Notice, Problem, ReasonCode, Severity } from "./problems.js";
import { INVALID_REASONS, formatLocation, zeroCounts } from "./problems.js";
import { SourceError, countRecords, readSource } from "./read-source.js";
import { RecordIndex } from "./record-index.js";
import type { FileFormat } from "./source-spec.js";
import { formatOf } from "./source-spec.js";
import { validationCount } from "./shuffle-split.js";
import type { SplitSpec } from "./split-spec.js";
import { applySlice, formatSplitSpec, isWholeSplit, parseSplitSpec, sliceNeedsRowCount } from "./split-spec.js";
import type { TokenStats } from "./stats.js";
import { tokenStats } from "./stats.js";
import type { Counted, TokenCounter } from "./token-counter.js";
import type { Digests, FileHashing } from "./file-hasher.js";
import { HasherThread } from "./file-hasher.js";
import { inThreadCounter, workerCounter } from "./token-counter.js";

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
  /**
   * Where train.jsonl and validation.jsonl are written (created when missing). Only a successful
   * preparation writes them; while it runs, the spool (files about the size of the output) is kept here.
   */
  outputDir: string;
  /** Also take each output file's MD5 while writing it (for the upload); default false. */
  md5?: boolean;
  /** Replaces the Phi-3 token count (tests). */
  countTokens?: (messages: readonly Message[]) => number;
  /**
   * Count tokens (and hash the order keys) on a worker thread started from `script` (the bundled action,
   * see worker-script.ts), and then hash the outputs on another while they are written, when the files
   * hold at least `minBytes` (default 16 MiB; below that a worker's start-up, ~0.2 s, is not worth it).
   * Without it, or with countTokens, all of it happens on this thread.
   */
  tokenWorker?: { script: string | URL; minBytes?: number };
}

const DEFAULTS = {
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

type FailureCode =
  | "bad_option" // an option is malformed (split, validation-split, …)
  | "source" // a file is missing, empty or unreadable as a whole
  | "empty" // the slice holds no records
  | "invalid_records" // on-invalid: fail, and some records are invalid
  | "too_many_invalid" // more than max-invalid-ratio of the records are invalid
  | "too_long" // on-too-long: fail, and some conversations are longer than max-tokens
  | "nothing_left" // every record was dropped
  | "split"; // one conversation left: cannot fill both sides

interface PrepareReport {
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
  /** `<outputDir>/train.jsonl` and `<outputDir>/validation.jsonl`: one {"messages":[…]} per line, each ending in "\n". */
  trainFile: string;
  validationFile: string;
  trainRows: number;
  validationRows: number;
  trainBytes: number;
  validationBytes: number;
  /** Hex sha256 of each file's bytes (the fingerprint is made of these and the settings). */
  trainSha256: string;
  validationSha256: string;
  /** With the md5 option: MD5 of each file's bytes, taken while writing (what the upload sends and checks). */
  trainMd5?: Buffer;
  validationMd5?: Buffer;
  fingerprint: string;
  /** Whether the tokens were counted on a worker thread (and the outputs hashed on another; see tokenWorker). */
  tokenWorker: boolean;
}

export interface PrepareFailure extends PrepareReport {
  ok: false;
  code: FailureCode;
  message: string;
}

export type PrepareResult = PrepareSuccess | PrepareFailure;

/**
 * What became of a record, held until its batch's token counts and order keys are back (so problems
 * stay in input order): invalid, or a valid conversation whose line is the next in the batch.
 */
type Outcome =
  | { kind: "invalid"; location: Location; reason: InvalidReason; detail: string }
  | { kind: "valid"; location: Location; roles: Record<Role, number>; keptOwnSystem: boolean };

interface Batch {
  outcomes: Outcome[];
  counted: Promise<Counted>;
}

/** A batch goes to the token counter when its output lines hold this many bytes. */
const BATCH_BYTES = 256 << 10;
const DEFAULT_WORKER_MIN_BYTES = 16 << 20;

/** The options with their defaults filled in, as the steps below read them. */
type Settings = ReturnType<typeof withDefaults>;

/** A failure that carries the report as it stood when the step gave up. */
type Fail = (code: FailureCode, message: string) => PrepareFailure;

export async function prepare(options: PrepareOptions): Promise<PrepareResult> {
  const files = typeof options.files === "string" ? [options.files] : [...options.files];
  const o = withDefaults(options);
  const report = emptyReport(o.maxTokens);
  const fail: Fail = (code, message) => ({ ...report, ok: false, code, message });

  // The options are checked before any file is opened: a malformed one costs no pass over the data.
  const spec = splitSpecOf(options);
  if (typeof spec === "string") return fail("bad_option", spec);
  const optionProblem = checkOptions(o, options, o.twoFields, files);
  if (optionProblem) return fail("bad_option", optionProblem);

  // The spool sits beside the outputs (the same disk, about their size) and is removed whatever happens.
  mkdirSync(options.outputDir, { recursive: true });
  const spool = new Spool(join(options.outputDir, `.prepare-${process.pid}-${Date.now()}.spool`));
  try {
    // One pass over the records: each is checked, its tokens counted, and the lines kept go to the spool.
    const script = workerScriptFor(options, files);
    const read = await readRecords({ options, o, files, spec, report, spool, fail }, script);
    if ("ok" in read) return read;

    // Only the whole decides the policies (how many are invalid, too long, left), so they come after the pass.
    const policyFailure = checkPolicies(report, o, files, spec, read.index.size, fail);
    if (policyFailure) return policyFailure;
    const validationRows = splitSizes(report, o, files, read.index.size);
    if (typeof validationRows !== "number") return fail("split", validationRows.message);

    // The outputs are written last, in key order, so a failure above leaves no train.jsonl behind.
    report.tokens = tokenStats(read.index.tokens(), o.maxTokens);
    const written = await writeOutputs(read.index, spool, validationRows, options, script);
    return {
      ...report,
      ok: true,
      ...written,
      tokenWorker: read.onWorker,
      fingerprint: fingerprint(written.trainSha256, written.validationSha256, fingerprintSettings(spec, o, options)),
    };
  } finally {
    spool.remove();
  }
}

function withDefaults(options: PrepareOptions) {
  return {
    validationSplit: options.validationSplit ?? DEFAULTS.validationSplit,
    seed: options.seed ?? DEFAULTS.seed,
    messagesField: options.messagesField ?? DEFAULTS.messagesField,
    maxTokens: options.maxTokens ?? DEFAULTS.maxTokens,
    onTooLong: options.onTooLong ?? DEFAULTS.onTooLong,
    onInvalid: options.onInvalid ?? DEFAULTS.onInvalid,
    maxInvalidRatio: options.maxInvalidRatio ?? DEFAULTS.maxInvalidRatio,
    dedupe: options.dedupe ?? DEFAULTS.dedupe,
    maxProblems: options.maxProblems ?? DEFAULTS.maxProblems,
    /** prompt-field/response-field instead of a messages field. */
    twoFields: options.promptField !== undefined || options.responseField !== undefined,
  };
}

function emptyReport(maxTokens: number): PrepareReport {
  return {
    rowsIn: 0,
    slice: { start: 0, end: 0 },
    invalid: 0,
    tooLong: 0,
    dropped: { byReason: zeroCounts(), total: 0 },
    keptOwnSystem: 0,
    problems: [],
    problemsOmitted: 0,
    notices: [],
    tokens: tokenStats([], maxTokens),
    roles: { system: 0, user: 0, assistant: 0 },
  };
}

/** The split option as a SplitSpec, or what is wrong with it. */
function splitSpecOf(options: PrepareOptions): SplitSpec | string {
  if (typeof options.split === "object") return options.split;
  const parsed = parseSplitSpec(options.split ?? DEFAULTS.split);
  return parsed.ok ? parsed.value : parsed.message;
}

/** What one pass over the records works with. */
interface Pass {
  options: PrepareOptions;
  o: Settings;
  files: readonly string[];
  spec: SplitSpec;
  report: PrepareReport;
  spool: Spool;
  fail: Fail;
}

/**
 * Reads the slice once and settles every record (problem, drop, or a line in the spool and the index).
 * A file that cannot be read as a whole ends the preparation as a "source" failure.
 */
async function readRecords(
  pass: Pass,
  script: string | URL | undefined,
): Promise<{ index: RecordIndex; onWorker: boolean } | PrepareFailure> {
  const { options, o, report, fail } = pass;
  let counter: TokenCounter | undefined;
  try {
    // The counter starts first: a worker thread gets ready while the rows are counted.
    counter = script ? workerCounter(script, o.seed) : inThreadCounter(o.seed, options.countTokens);
    const records = new Records(pass, counter);
    const slice = await sliceOf(pass);
    if (typeof slice === "string") return fail("bad_option", slice);
    report.slice = { start: slice.start, end: slice.total === undefined ? slice.start : slice.end, total: slice.total };
    await readSlice(pass, slice, records);
    await records.flush();
    // Without a count the end is known only now: the slice ended where the data did.
    if (slice.total === undefined) report.slice.end = slice.start + report.rowsIn;
    pass.spool.close();
    return { index: records.index, onWorker: counter.onWorker };
  } catch (e) {
    if (e instanceof SourceError) return fail("source", e.message);
    throw e;
  } finally {
    await counter?.close();
  }
}

/** The slice as rows of the concatenated files: [start, end), of `total` when counted, and each file's rows. */
interface Slice {
  start: number;
  end: number;
  total?: number;
  counts?: number[];
}

/**
 * The slice is over the files' rows as one sequence. Counting first is only needed when a bound depends
 * on the total (percent, negative) or spans files; an absolute slice of one file streams. The count is a
 * pass of its own that holds nothing but the number. A slice that does not fit the total is a string.
 */
async function sliceOf({ files, spec, options }: Pass): Promise<Slice | string> {
  if (files.length === 1 && !sliceNeedsRowCount(spec)) return { start: spec.from ?? 0, end: spec.to ?? Infinity };
  const counts: number[] = [];
  for (const f of files) counts.push(await countRecords(f, options.format ?? formatOf(f)));
  const total = counts.reduce((a, b) => a + b, 0);
  try {
    const [start, end] = applySlice(spec, total);
    return { start, end, total, counts };
  } catch (e) {
    return `split "${formatSplitSpec(spec)}": ${(e as Error).message}`;
  }
}

/** Reads the slice's records file after file and hands each to `records` in input order. */
async function readSlice({ files, options, o, report }: Pass, slice: Slice, records: Records): Promise<void> {
  const fields = o.twoFields ? [options.promptField as string, options.responseField as string] : [o.messagesField];
  const rules = {
    messagesField: o.messagesField,
    promptField: options.promptField,
    responseField: options.responseField,
    systemPrompt: options.systemPrompt,
  };
  let offset = 0;
  for (let f = 0; f < files.length && offset < slice.end; f++) {
    const range = { start: Math.max(0, slice.start - offset), end: slice.end - offset };
    for await (const item of readSource(files[f] as string, { format: options.format, ...range, fields })) {
      // File-level remarks are not records: they go to the report as they come.
      if (item.kind === "notice") {
        report.notices.push({ location: item.location, message: item.message });
        continue;
      }
      report.rowsIn++;
      if (item.kind === "invalid") {
        records.invalid(item.location, item.reason, item.detail);
        continue;
      }
      const conv = toConversation(item.record, rules);
      if (!conv.ok) records.invalid(item.location, conv.reason, conv.detail);
      else await records.valid(item.location, conv.messages, conv.keptOwnSystem);
    }
    offset += slice.counts?.[f] ?? 0; // without counts there is one file
  }
}

/**
 * The records on their way from the reader to the spool. Each valid conversation's line is written as
 * bytes into a batch; a full batch goes to the token counter. Records wait until their batch's counts
 * and keys are back; then, in input order, each one's problem is reported, and a valid conversation that
 * is not a duplicate and is short enough goes to the spool and the index (its line comes back with the
 * batch).
 */
class Records {
  readonly index = new RecordIndex();
  private readonly batch = new LineBatch();
  private readonly dedupe: Deduplicator | undefined;
  private readonly tally: Tally;
  private outcomes: Outcome[] = [];
  private readonly out: Batch[] = [];

  constructor(
    private readonly pass: Pass,
    private readonly counter: TokenCounter,
  ) {
    this.dedupe = pass.o.dedupe ? new Deduplicator() : undefined;
    this.tally = new Tally(pass.report, pass.o);
  }

  invalid(location: Location, reason: InvalidReason, detail: string): void {
    this.outcomes.push({ kind: "invalid", location, reason, detail });
  }

  async valid(location: Location, messages: readonly Message[], keptOwnSystem: boolean): Promise<void> {
    // The line is made as bytes in the batch (never as a string; see writeJsonLine).
    writeJsonLine(messages, this.batch);
    this.batch.endLine();
    const roles = { system: 0, user: 0, assistant: 0 };
    for (const m of messages) roles[m.role]++;
    this.outcomes.push({ kind: "valid", location, roles, keptOwnSystem });
    if (this.batch.size >= BATCH_BYTES) await this.send();
  }

  /** Sends what is batched and settles every batch still out. */
  async flush(): Promise<void> {
    await this.send();
    while (this.out.length > 0) await this.settle(this.out.shift() as Batch);
  }

  /** The batch goes to the counter; while more than the counter keeps busy are out, the oldest is settled. */
  private async send(): Promise<void> {
    if (this.outcomes.length === 0) return;
    const counted = this.counter.count(this.batch.take());
    counted.catch(() => undefined); // a failure surfaces when the batch is settled, not as an unhandled rejection
    this.out.push({ outcomes: this.outcomes, counted });
    this.outcomes = [];
    while (this.out.length > this.counter.batchesOut) await this.settle(this.out.shift() as Batch);
  }

  private async settle(pending: Batch): Promise<void> {
    const { counts, keys, lines } = await pending.counted;
    let c = 0;
    for (const r of pending.outcomes) {
      if (r.kind === "invalid") {
        this.tally.invalidRecord(r.location, r.reason, r.detail);
        continue;
      }
      const line = c++;
      const key = keys.subarray(line * 32, line * 32 + 32);
      const tokens = counts[line] ?? 0;
      if (!this.keeps(r.location, key, tokens)) continue;
      const bytes = lines.bytes.subarray(line === 0 ? 0 : (lines.ends[line - 1] ?? 0), lines.ends[line] ?? 0);
      this.index.add(key, this.pass.spool.append(key, bytes), bytes.length + 1, tokens);
      const { report } = this.pass;
      if (r.keptOwnSystem) report.keptOwnSystem++;
      for (const role of ROLES) report.roles[role] += r.roles[role];
    }
    this.batch.recycle(lines.bytes.buffer as ArrayBuffer);
  }

  /** Whether a valid conversation is kept: not a duplicate, and not too long unless on-too-long is keep. */
  private keeps(location: Location, key: Uint8Array, tokens: number): boolean {
    const { o, report } = this.pass;
    const first = this.dedupe?.check(key, location);
    if (first) {
      this.tally.drop("duplicate");
      this.tally.problem(location, "duplicate", `the same conversation as ${formatLocation(first)}`, "notice");
      return false;
    }
    if (tokens <= o.maxTokens) return true;
    report.tooLong++;
    const detail = `${tokens} tokens, more than max-tokens ${o.maxTokens}`;
    this.tally.problem(location, "too_long", detail, this.tally.tooLongSeverity);
    if (o.onTooLong === "drop") this.tally.drop("too_long");
    return o.onTooLong === "keep";
  }
}

/** The report's problems and drops: at most maxProblems problems are kept, the counts stay exact. */
class Tally {
  readonly invalidSeverity: Severity;
  readonly tooLongSeverity: Severity;

  constructor(
    private readonly report: PrepareReport,
    private readonly o: Settings,
  ) {
    this.invalidSeverity = o.onInvalid === "fail" ? "error" : "warning";
    this.tooLongSeverity = o.onTooLong === "fail" ? "error" : o.onTooLong === "drop" ? "warning" : "notice";
  }

  problem(location: Location, reason: ReasonCode, detail: string, severity: Severity): void {
    if (this.report.problems.length < this.o.maxProblems)
      this.report.problems.push({ location, reason, detail, severity });
    else this.report.problemsOmitted++;
  }

  drop(reason: ReasonCode): void {
    this.report.dropped.byReason[reason]++;
    this.report.dropped.total++;
  }

  invalidRecord(location: Location, reason: InvalidReason, detail: string): void {
    this.report.invalid++;
    this.drop(reason);
    this.problem(location, reason, detail, this.invalidSeverity);
  }
}

/** The policies over the whole slice (on-invalid, max-invalid-ratio, on-too-long, something left). */
function checkPolicies(
  report: PrepareReport,
  o: Settings,
  files: readonly string[],
  spec: SplitSpec,
  kept: number,
  fail: Fail,
): PrepareFailure | undefined {
  if (report.rowsIn === 0) {
    const where = files.length === 1 ? files[0] : `${files.length} files`;
    const noRecords = report.slice.total === 0 || (report.slice.total === undefined && report.slice.start === 0);
    return fail(
      "empty",
      noRecords ? `${where} holds no records.` : `The slice "${formatSplitSpec(spec)}" of ${where} selects no records.`,
    );
  }
  if (o.onInvalid === "fail" && report.invalid > 0) {
    return fail(
      "invalid_records",
      `${report.invalid} of ${report.rowsIn} records are invalid (on-invalid: fail). ${reasonList(report, INVALID_REASONS)}`,
    );
  }
  if (report.invalid / report.rowsIn > o.maxInvalidRatio) {
    // Too many invalid records fail the step: each of them is then an error, whatever on-invalid said.
    for (const p of report.problems) if (isInvalidReason(p.reason)) p.severity = "error";
    const pct = ((100 * report.invalid) / report.rowsIn).toFixed(1);
    return fail(
      "too_many_invalid",
      `${report.invalid} of ${report.rowsIn} records (${pct}%) are invalid, more than max-invalid-ratio ${o.maxInvalidRatio}. ${reasonList(report, INVALID_REASONS)}`,
    );
  }
  if (o.onTooLong === "fail" && report.tooLong > 0) {
    return fail(
      "too_long",
      `${report.tooLong} conversation(s) are longer than max-tokens ${o.maxTokens} (on-too-long: fail).`,
    );
  }
  if (kept === 0) {
    return fail(
      "nothing_left",
      `Nothing is left after filtering: all ${report.rowsIn} records were dropped. ${reasonList(report, Object.keys(report.dropped.byReason) as ReasonCode[])}`,
    );
  }
  return undefined;
}

/** How many of the kept conversations go to validation (a notice when validation-split had to be adjusted). */
function splitSizes(
  report: PrepareReport,
  o: Settings,
  files: readonly string[],
  kept: number,
): number | { message: string } {
  const count = validationCount(kept, o.validationSplit);
  if (!count.ok) return count;
  if (count.adjusted) {
    report.notices.push({
      location: { file: files[0] ?? "" },
      message: `validation-split ${o.validationSplit} of ${kept} conversations would leave one side empty; validation gets ${count.count} and training ${kept - count.count}.`,
    });
  }
  return count.count;
}

/** The two files, written from the spool; with worker threads, hashed on one while they are written (file-hasher.ts). */
async function writeOutputs(
  index: RecordIndex,
  spool: Spool,
  validationRows: number,
  options: PrepareOptions,
  script: string | URL | undefined,
): Promise<Written> {
  const hasher = script ? new HasherThread(script) : undefined;
  try {
    return await writeSplit(index, spool, validationRows, options.outputDir, options.md5 ?? false, hasher);
  } finally {
    await hasher?.close();
  }
}

/** The settings that shape the output, and so go into the fingerprint with the files' hashes. */
function fingerprintSettings(spec: SplitSpec, o: Settings, options: PrepareOptions): FingerprintSettings {
  return {
    slice: isWholeSplit(spec) ? "" : formatSplitSpec({ ...spec, split: "" }),
    validationSplit: o.validationSplit,
    seed: o.seed,
    ...(o.twoFields
      ? { promptField: options.promptField, responseField: options.responseField }
      : { messagesField: o.messagesField }),
    systemPrompt: options.systemPrompt || undefined,
    maxTokens: o.maxTokens,
    onTooLong: o.onTooLong,
    dedupe: o.dedupe,
  };
}

/** The worker threads' script when asked for and the input is large enough to be worth them, else undefined. */
function workerScriptFor(options: PrepareOptions, files: readonly string[]): string | URL | undefined {
  const worker = options.tokenWorker;
  if (!worker || options.countTokens) return undefined;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      // a missing file is reported by the reader
    }
  }
  return bytes >= (worker.minBytes ?? DEFAULT_WORKER_MIN_BYTES) ? worker.script : undefined;
}

/** What writeSplit gives the result. */
type Written = Pick<
  PrepareSuccess,
  | "trainFile"
  | "validationFile"
  | "trainRows"
  | "validationRows"
  | "trainBytes"
  | "validationBytes"
  | "trainSha256"
  | "validationSha256"
  | "trainMd5"
  | "validationMd5"
>;

/**
 * Copies the spool's lines into the two files in key order: the first `validationRows` to
 * validation.jsonl, the rest to train.jsonl. Each is written under a temporary name and renamed when
 * complete, so a file with the final name is always a whole one.
 */
async function writeSplit(
  index: RecordIndex,
  spool: Spool,
  validationRows: number,
  outputDir: string,
  md5: boolean,
  hasher: HasherThread | undefined,
): Promise<Written> {
  const trainFile = join(outputDir, "train.jsonl");
  const validationFile = join(outputDir, "validation.jsonl");
  const order = index.order();
  const reader = spool.reader();
  // Hashed here as they are written, or by the hasher thread reading behind the writer.
  const output = (path: string): { writer: BufferedWriter; hashing?: FileHashing } => {
    if (!hasher) return { writer: new BufferedWriter(path, { sha256: true, md5 }) };
    const writer = new BufferedWriter(path, { onWritten: (bytes) => hashing.advance(bytes) });
    const hashing = hasher.hash(path, md5);
    return { writer, hashing };
  };
  const outputs: Array<ReturnType<typeof output>> = [];
  let v: { bytes: number } & Partial<Digests>;
  let t: typeof v;
  try {
    outputs.push(output(`${validationFile}.partial`), output(`${trainFile}.partial`));
    const [validation, train] = outputs as [ReturnType<typeof output>, ReturnType<typeof output>];
    try {
      for (let r = 0; r < order.length; r++) {
        const i = order[r] as number;
        (r < validationRows ? validation : train).writer.write(reader.read(index.offset(i), index.length(i)));
      }
    } finally {
      reader.close();
    }
    const done = async ({ writer, hashing }: { writer: BufferedWriter; hashing?: FileHashing }): Promise<typeof v> => {
      const closed = writer.close();
      return hashing ? { ...closed, ...(await hashing.finish(closed.bytes)) } : closed;
    };
    v = await done(validation);
    t = await done(train);
  } catch (e) {
    for (const { writer } of outputs) {
      writer.discard();
      rmSync(writer.path, { force: true });
    }
    throw e;
  }
  renameSync(`${validationFile}.partial`, validationFile);
  renameSync(`${trainFile}.partial`, trainFile);
  return {
    trainFile,
    validationFile,
    trainRows: order.length - validationRows,
    validationRows,
    trainBytes: t.bytes,
    validationBytes: v.bytes,
    trainSha256: t.sha256 ?? "",
    validationSha256: v.sha256 ?? "",
    trainMd5: t.md5,
    validationMd5: v.md5,
  };
}

function isInvalidReason(reason: ReasonCode): boolean {
  return (INVALID_REASONS as readonly ReasonCode[]).includes(reason);
}

function reasonList(report: PrepareReport, reasons: readonly ReasonCode[]): string {
  const parts = reasons.filter((r) => report.dropped.byReason[r] > 0).map((r) => `${r}: ${report.dropped.byReason[r]}`);
  return parts.length ? `By reason: ${parts.join(", ")}.` : "";
}

/** The checks inputs.ts also makes, repeated so that prepare is safe to call on its own. */
function checkOptions(
  o: {
    validationSplit: number;
    seed: number;
    maxTokens: number;
    maxInvalidRatio: number;
    onTooLong: string;
    onInvalid: string;
  },
  options: PrepareOptions,
  twoFields: boolean,
  files: readonly string[],
): string | undefined {
  if (files.length === 0) return "No source file given.";
  if (!options.outputDir) return "No output directory given.";
  if (!(o.validationSplit > 0 && o.validationSplit < 1))
    return `validation-split must be between 0 and 1 (exclusive); it is ${o.validationSplit}.`;
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1)
    return `seed must be a whole number from 0 to 4294967295; it is ${o.seed}.`;
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1)
    return `max-tokens must be a positive whole number; it is ${o.maxTokens}.`;
  if (!(o.maxInvalidRatio >= 0 && o.maxInvalidRatio <= 1))
    return `max-invalid-ratio must be between 0 and 1; it is ${o.maxInvalidRatio}.`;
  if (!["drop", "keep", "fail"].includes(o.onTooLong))
    return `on-too-long must be drop, keep or fail; it is "${o.onTooLong}".`;
  if (!["drop", "fail"].includes(o.onInvalid)) return `on-invalid must be drop or fail; it is "${o.onInvalid}".`;
  if (twoFields && (!options.promptField || !options.responseField))
    return "prompt-field and response-field go together: give both or neither.";
  return undefined;
}
