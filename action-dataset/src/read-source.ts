/**
 * Reading records out of a local file: JSONL (streamed line by line), a JSON array (read whole, but each
 * element parsed on its own so one bad element does not hide the others) and parquet (row group by row
 * group, with hyparquet). Every record comes with its location; a record that cannot be decoded is an
 * `invalid` item with its line, not an exception. Only problems with the file as a whole (missing, empty,
 * not an array, an unreadable parquet footer) throw, as a SourceError.
 */
import { open, readFile, stat } from "node:fs/promises";
import { isUtf8 } from "node:buffer";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import type { FileMetaData } from "hyparquet";
import type { InvalidReason, Location } from "./problems.js";
import { formatOf } from "./source-spec.js";
import type { FileFormat } from "./source-spec.js";

export type SourceItem =
  | { kind: "record"; location: Location; record: unknown }
  | { kind: "invalid"; location: Location; reason: InvalidReason; detail: string }
  | { kind: "notice"; location: Location; message: string };

/** The file cannot be read as a whole. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly location?: Location,
  ) {
    super(message);
    this.name = "SourceError";
  }
}

export interface ReadOptions {
  /** Default: by the file's extension. */
  format?: FileFormat;
  /** Only records with `start <= row < end` are decoded and yielded (rows are 0-based, per file). */
  start?: number;
  end?: number;
  /**
   * The fields the conversation is built from. Parquet reads only these columns, and a column that the
   * file does not have is a SourceError naming the columns it has (clearer than one problem per row).
   */
  fields?: string[];
}

/** Yields the records of one file, in order. */
export async function* readSource(file: string, options: ReadOptions = {}): AsyncGenerator<SourceItem> {
  const format = await checkFile(file, options.format);
  const start = options.start ?? 0;
  const end = options.end ?? Infinity;
  if (format === "jsonl") yield* readJsonl(file, start, end);
  else if (format === "json") yield* readJsonArray(file, start, end);
  else yield* readParquet(file, start, end, options.fields);
}

/** How many records the file holds (what `row` counts): non-blank lines, array elements or parquet rows. */
export async function countRecords(file: string, format?: FileFormat): Promise<number> {
  const f = await checkFile(file, format);
  if (f === "jsonl") {
    let n = 0;
    for await (const l of jsonlLines(file)) if (!isBlank(l.bytes)) n++;
    return n;
  }
  if (f === "json") return scanJsonArray(await readJsonText(file), file).spans.length;
  const { metadata } = await openParquet(file);
  return Number(metadata.num_rows);
}

async function checkFile(file: string, format: FileFormat | undefined): Promise<FileFormat> {
  const f = format ?? formatOf(file);
  if (!f) throw new SourceError(`${file} does not end in .jsonl, .json or .parquet`, { file });
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new SourceError(`${file} is not a file`, { file });
    size = s.size;
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SourceError(
      code === "ENOENT" ? `${file} does not exist` : `${file} cannot be read: ${(e as Error).message}`,
      { file },
    );
  }
  if (size === 0) throw new SourceError(`${file} is empty`, { file });
  return f;
}

// ---------------------------------------------------------------------------------------------- JSONL

interface RawLine {
  bytes: Buffer;
  line: number;
  /** The file's last line had no line end (a truncated file looks like this). */
  unterminated: boolean;
}

/**
 * The file's lines as bytes, without the "\n". Splitting bytes rather than decoded text lets each line
 * be checked for invalid UTF-8 on its own (and reported with its number), and keeps memory at one read
 * buffer plus the longest line.
 *
 * The file is read into one buffer, reused: a line that spans two reads is moved to the buffer's start
 * (the buffer doubles for a line longer than it). A yielded line is a view into that buffer, valid until
 * the generator is asked for the next one; every reader here decodes it before that. Allocating a fresh
 * buffer per read, as a read stream does, left tens of MB of dead buffers waiting for a full GC.
 */
async function* jsonlLines(file: string): AsyncGenerator<RawLine> {
  const handle = await open(file, "r");
  let buffer = Buffer.allocUnsafe(1 << 20);
  let filled = 0; // bytes of buffer holding data: a carried-over partial line, then what was read
  let line = 0;
  try {
    for (;;) {
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      const end = filled + bytesRead;
      const data = buffer.subarray(0, end);
      let pos = 0;
      for (let nl = data.indexOf(10, pos); nl !== -1; nl = data.indexOf(10, pos)) {
        yield { bytes: data.subarray(pos, nl), line: ++line, unterminated: false };
        pos = nl + 1;
      }
      buffer.copy(buffer, 0, pos, end);
      filled = end - pos;
    }
    if (filled > 0) yield { bytes: buffer.subarray(0, filled), line: ++line, unterminated: true };
  } finally {
    await handle.close();
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

async function* readJsonl(file: string, start: number, end: number): AsyncGenerator<SourceItem> {
  let row = 0;
  let crlf = 0;
  let blank = 0;
  for await (const raw of jsonlLines(file)) {
    let bytes = raw.bytes;
    const location: Location = { file, line: raw.line };
    if (raw.line === 1 && bytes.subarray(0, 3).equals(BOM)) {
      bytes = bytes.subarray(3);
      yield {
        kind: "notice",
        location,
        message:
          "The file starts with a UTF-8 byte order mark; it was skipped. Save the file as UTF-8 without BOM to silence this.",
      };
    }
    if (bytes.length && bytes[bytes.length - 1] === 0x0d) {
      bytes = bytes.subarray(0, -1);
      crlf++;
    }
    if (isBlank(bytes)) {
      blank++;
      continue;
    }
    const index = row++;
    if (index < start) continue;
    if (index >= end) break;
    location.row = index;
    if (!isUtf8(bytes)) {
      yield { kind: "invalid", location, reason: "invalid_utf8", detail: "the line is not valid UTF-8 text" };
      continue;
    }
    try {
      yield { kind: "record", location, record: JSON.parse(bytes.toString("utf8")) };
    } catch (e) {
      const why = jsonError(e);
      if (raw.unterminated) {
        yield {
          kind: "invalid",
          location,
          reason: "truncated",
          detail: `the last line is not complete JSON and has no line end, so the file looks truncated (${why})`,
        };
      } else {
        yield { kind: "invalid", location, reason: "not_json", detail: `the line is not valid JSON: ${why}` };
      }
    }
  }
  if (crlf > 0)
    yield {
      kind: "notice",
      location: { file },
      message: `${crlf} line(s) end in CRLF (Windows line ends); they were read as plain line ends.`,
    };
  if (blank > 0) yield { kind: "notice", location: { file }, message: `${blank} blank line(s) were skipped.` };
}

/** V8's JSON.parse message, without a long quote of the input. */
function jsonError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
}

// ----------------------------------------------------------------------------------------- JSON array

async function readJsonText(file: string): Promise<string> {
  let bytes = await readFile(file);
  if (bytes.subarray(0, 3).equals(BOM)) bytes = bytes.subarray(3);
  if (!isUtf8(bytes)) {
    const line = lineOfFirstInvalidByte(bytes);
    throw new SourceError(`${file} is not valid UTF-8 text (first bad byte on line ${line})`, { file, line });
  }
  return bytes.toString("utf8");
}

/** The 1-based line holding the first byte that is not UTF-8 ("\n" never occurs inside a UTF-8 character). */
function lineOfFirstInvalidByte(bytes: Buffer): number {
  let line = 1;
  for (let pos = 0; pos <= bytes.length; line++) {
    const nl = bytes.indexOf(10, pos);
    const lineEnd = nl === -1 ? bytes.length : nl;
    if (!isUtf8(bytes.subarray(pos, lineEnd))) return line;
    pos = lineEnd + 1;
  }
  return line;
}

interface Span {
  start: number;
  end: number;
  line: number;
}

/**
 * Finds the top-level elements of a JSON array without parsing them: a small scanner that tracks strings
 * and nesting, so each element can be JSON.parse'd alone and located by the line it starts on. A broken
 * element only breaks itself as long as its brackets and quotes balance; when they do not, the array's
 * structure is lost and the file is rejected as a whole.
 */
function scanJsonArray(text: string, file: string): { spans: Span[] } {
  const n = text.length;
  let i = 0;
  let line = 1;
  const skipWs = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
    }
  };
  skipWs();
  if (text[i] !== "[") {
    const hint = text[i] === "{" ? " (one object per line is the .jsonl format: rename the file to .jsonl)" : "";
    throw new SourceError(`${file} is not a JSON array: expected [ on line ${line}${hint}`, { file, line });
  }
  i++;
  const spans: Span[] = [];
  for (;;) {
    skipWs();
    if (i >= n)
      throw new SourceError(`${file} ends inside the array (no closing ]): the file looks truncated`, { file, line });
    if (text[i] === "]") {
      i++;
      break;
    }
    const span: Span = { start: i, end: i, line };
    let depth = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) {
        for (i++; i < n; i++) {
          const s = text.charCodeAt(i);
          if (s === 92 /* \ */) i++;
          else if (s === 34) break;
          else if (s === 10) line++;
        }
      } else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
      else if (c === 125 /* } */ || c === 93 /* ] */) {
        if (depth === 0) break;
        depth--;
      } else if (c === 44 /* , */ && depth === 0) break;
      else if (c === 10) line++;
    }
    span.end = i;
    spans.push(span);
    if (i >= n)
      throw new SourceError(`${file} ends inside the array (no closing ]): the file looks truncated`, { file, line });
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] !== "]")
      throw new SourceError(`${file} has an unbalanced } on line ${line}; the array's structure is lost`, {
        file,
        line,
      });
    i++;
    break;
  }
  skipWs();
  if (i < n) throw new SourceError(`${file} has more after the array's closing ] (line ${line})`, { file, line });
  return { spans };
}

async function* readJsonArray(file: string, start: number, end: number): AsyncGenerator<SourceItem> {
  const text = await readJsonText(file);
  const { spans } = scanJsonArray(text, file);
  for (let row = start; row < Math.min(end, spans.length); row++) {
    const span = spans[row] as Span;
    const location: Location = { file, line: span.line, row };
    const element = text.slice(span.start, span.end);
    if (element.trim() === "") {
      yield { kind: "invalid", location, reason: "not_json", detail: "an empty array element (two commas in a row?)" };
      continue;
    }
    try {
      yield { kind: "record", location, record: JSON.parse(element) };
    } catch (e) {
      yield {
        kind: "invalid",
        location,
        reason: "not_json",
        detail: `array element ${row} is not valid JSON: ${jsonError(e)}`,
      };
    }
  }
}

// -------------------------------------------------------------------------------------------- parquet

async function openParquet(
  file: string,
): Promise<{ buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>; metadata: FileMetaData }> {
  try {
    const buffer = await asyncBufferFromFile(file);
    return { buffer, metadata: await parquetMetadataAsync(buffer) };
  } catch (e) {
    throw new SourceError(`${file} is not a readable parquet file: ${(e as Error).message}`, { file });
  }
}

async function* readParquet(
  file: string,
  start: number,
  end: number,
  fields: string[] | undefined,
): AsyncGenerator<SourceItem> {
  const { buffer, metadata } = await openParquet(file);
  let columns: string[] | undefined;
  if (fields?.length) {
    const available = parquetSchema(metadata).children.map((c) => c.element.name);
    const missing = fields.filter((f) => !available.includes(f));
    if (missing.length) {
      throw new SourceError(
        `${file} has no column ${missing.map((m) => `"${m}"`).join(" or ")}; its columns are ${available.join(", ")}`,
        { file },
      );
    }
    columns = fields;
  }
  // One row group at a time: hyparquet decodes whole column chunks anyway, and this bounds memory by
  // the largest row group rather than the file.
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    const rowStart = Math.max(groupStart, start);
    const rowEnd = Math.min(groupEnd, end);
    if (rowStart < rowEnd) {
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({ file: buffer, metadata, columns, rowStart, rowEnd });
      } catch (e) {
        throw new SourceError(`${file}: rows ${rowStart}..${rowEnd - 1} cannot be read: ${(e as Error).message}`, {
          file,
          row: rowStart,
        });
      }
      for (let k = 0; k < rows.length; k++)
        yield { kind: "record", location: { file, row: rowStart + k }, record: rows[k] };
    }
    groupStart = groupEnd;
    if (groupStart >= end) break;
  }
}
