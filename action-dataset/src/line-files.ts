/**
 * The files prepare writes: the spool (every kept output line, in input order, read back by offset in
 * key order) and the two outputs (written through a buffer and hashed on the way); and the batches
 * the output lines are made in.
 *
 * The I/O is synchronous on purpose: preparing is the only thing this thread does, and writing 1 MiB at
 * a time with writeSync needs no promise per write and no backpressure to keep memory bounded; the
 * token-counting worker (if any) runs on while this thread waits for the disk.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { grown } from "./record-index.js";

const BUFFER_BYTES = 1 << 20;

/**
 * Appends bytes to a file through a 1 MiB buffer; optionally hashes them as they go out: sha256 (the
 * fingerprint) and MD5 (what the upload checks), so that neither needs the file read again.
 */
export class BufferedWriter {
  private readonly fd: number;
  private readonly buffer: Buffer;
  private used = 0;
  private written = 0;
  private readonly sha256: Hash | undefined;
  private readonly md5: Hash | undefined;
  /** Told how many bytes are in the file after each write (a hasher that reads behind, file-hasher.ts). */
  private readonly onWritten: ((bytes: number) => void) | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    options: { sha256?: boolean; md5?: boolean; bufferBytes?: number; onWritten?: (bytes: number) => void } = {},
  ) {
    this.onWritten = options.onWritten;
    this.buffer = Buffer.allocUnsafe(options.bufferBytes ?? BUFFER_BYTES);
    this.fd = openSync(path, "w");
    this.sha256 = options.sha256 ? createHash("sha256") : undefined;
    this.md5 = options.md5 ? createHash("md5") : undefined;
  }

  /** Bytes handed to write() so far: the offset the next write starts at. */
  get size(): number {
    return this.written + this.used;
  }

  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length > this.buffer.length) {
      this.out(bytes);
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Flushes and closes; the hex sha256 and the MD5 of everything written, when asked for. */
  close(): { bytes: number; sha256?: string; md5?: Buffer } {
    if (!this.closed) {
      this.flush();
      closeSync(this.fd);
      this.closed = true;
    }
    return { bytes: this.written, sha256: this.sha256?.digest("hex"), ...(this.md5 ? { md5: this.md5.digest() } : {}) };
  }

  /** Closes without caring about the content (the file is about to be deleted). */
  discard(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.out(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private out(bytes: Uint8Array): void {
    this.sha256?.update(bytes);
    this.md5?.update(bytes);
    for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
    this.onWritten?.(this.written);
  }
}

/** Reads byte ranges of a file (the spool, once written). */
export class RangeReader {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(64 << 10);

  constructor(readonly path: string) {
    this.fd = openSync(path, "r");
  }

  /** The bytes at [offset, offset + length); valid until the next read. */
  read(offset: number, length: number): Buffer {
    if (length > this.buffer.length) this.buffer = Buffer.allocUnsafe(Math.max(length, this.buffer.length * 2));
    this.readInto(this.buffer, offset, length);
    return this.buffer.subarray(0, length);
  }

  /** Reads the bytes at [offset, offset + length) into the start of `into`. */
  readInto(into: Buffer, offset: number, length: number): void {
    for (let done = 0; done < length;) {
      const n = readSync(this.fd, into, done, length - done, offset + done);
      if (n === 0) throw new Error(`${this.path} ended at byte ${offset + done}, before ${offset + length}`);
      done += n;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * The spool: every kept output line, in input order, in SPOOL_BUCKETS files by the first bits of the
 * line's order key. Copying the lines out in key order then goes through the files one after another,
 * and each file is deleted as soon as its lines are copied, so the page cache the outputs take is the
 * one the spool gives back. That matters more than it seems: on a virtual machine that returns free
 * memory to its host (as cloud runners do), a page the kernel has not used recently costs microseconds
 * to touch again; writing 450 MB into such pages took 0.5–1 s here against 0.1 s into pages just freed.
 *
 * A line's location is one number (bucket × 2^40 + offset in its file) that the RecordIndex stores.
 */
export const SPOOL_BUCKETS = 64;
/** A spool file up to this size is read whole when copied out, one read instead of one per line. */
const WHOLE_FILE_MAX = 16 << 20;
const BUCKET_SHIFT = 2 ** 40;

export class Spool {
  private readonly writers: BufferedWriter[];

  /** wholeFileMax: a file up to this size is read whole (default WHOLE_FILE_MAX; tests make it small). */
  constructor(
    readonly path: string,
    private readonly options: { wholeFileMax?: number } = {},
  ) {
    // Small buffers: there are SPOOL_BUCKETS of them, and the lines of a bucket only need to go out in large writes.
    this.writers = [];
    try {
      for (let b = 0; b < SPOOL_BUCKETS; b++)
        this.writers.push(new BufferedWriter(`${path}.${b}`, { bufferBytes: 64 << 10 }));
    } catch (e) {
      this.remove(); // the files made before one could not be (too many open files, no space)
      throw e;
    }
  }

  /** Which file a line with this order key goes to: buckets in key order. */
  static bucketOf(key: Uint8Array): number {
    return (key[0] ?? 0) >> 2;
  }

  /** Appends the line (its bytes, then "\n") to its key's file; returns its location. */
  append(key: Uint8Array, line: Uint8Array): number {
    const bucket = Spool.bucketOf(key);
    const writer = this.writers[bucket] as BufferedWriter;
    const location = bucket * BUCKET_SHIFT + writer.size;
    writer.write(line);
    writer.write(NEWLINE);
    return location;
  }

  /** Flushes the files; then read them with reader(). */
  close(): void {
    for (const w of this.writers) w.close();
  }

  /** Closes (if still open) and deletes every file. */
  remove(): void {
    for (const w of this.writers) {
      w.discard();
      rmSync(w.path, { force: true });
    }
  }

  /**
   * Reads the lines back in nondecreasing bucket order, deleting each file once the reads have moved
   * past it. A file of up to WHOLE_FILE_MAX is read whole (the lines of a bucket are read in key order,
   * all over the file); a larger one line by line.
   */
  reader(): { read(location: number, length: number): Buffer; close(): void } {
    let bucket = -1;
    let file: RangeReader | undefined;
    let whole = Buffer.alloc(0);
    let wholeBytes = -1; // how much of `whole` holds the current file; -1: read line by line
    const leave = (): void => {
      file?.close();
      file = undefined;
      if (bucket >= 0) rmSync(`${this.path}.${bucket}`, { force: true });
    };
    return {
      read: (location, length) => {
        const b = Math.floor(location / BUCKET_SHIFT);
        if (b !== bucket) {
          if (b < bucket) throw new Error(`the spool is read in key order: bucket ${b} after ${bucket}`);
          leave();
          bucket = b;
          file = new RangeReader(`${this.path}.${b}`);
          const size = (this.writers[b] as BufferedWriter).size;
          wholeBytes = -1;
          const wholeMax = this.options.wholeFileMax ?? WHOLE_FILE_MAX;
          if (size <= wholeMax) {
            if (whole.length < size) whole = Buffer.allocUnsafe(Math.min(wholeMax, Math.max(size, whole.length * 2)));
            file.readInto(whole, 0, size);
            wholeBytes = size;
          }
        }
        const offset = location - b * BUCKET_SHIFT;
        if (wholeBytes < 0) return (file as RangeReader).read(offset, length);
        if (offset + length > wholeBytes)
          throw new Error(`${this.path}.${b} ended at byte ${wholeBytes}, before ${offset + length}`);
        return whole.subarray(offset, offset + length);
      },
      close: leave,
    };
  }
}

const NEWLINE = Buffer.from("\n");

/**
 * The lines of a batch, made here (writeJsonLine writes into it) and handed to the token counter as one
 * buffer: line after line, without their "\n", with where each ends. take() gives the buffer away (it
 * is transferred to the worker thread, not copied) and starts a new one; recycle() takes it back once
 * the batch is settled, so that the same few buffers go round.
 */
export class LineBatch {
  private buffer: Buffer;
  private used = 0;
  private lineStart = 0;
  private ends = new Uint32Array(256);
  private lines = 0;
  private readonly spares: ArrayBuffer[] = [];

  constructor(private readonly capacity = 512 << 10) {
    this.buffer = Buffer.allocUnsafeSlow(capacity);
  }

  /** Bytes of the lines ended so far. */
  get size(): number {
    return this.lineStart;
  }

  writeText(text: string): number {
    // At most 3 bytes per UTF-16 unit; for a long text, the exact count (so a 100 MB line takes 100 MB).
    this.room(text.length > 1 << 20 ? Buffer.byteLength(text) : text.length * 3);
    const n = this.buffer.write(text, this.used, "utf8");
    this.used += n;
    return n;
  }

  write(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Makes room for `bytes` more. */
  private room(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }

  endLine(): void {
    this.ends = grown(this.ends, this.lines + 1);
    this.ends[this.lines++] = this.used;
    this.lineStart = this.used;
  }

  /** The ended lines, and a new empty batch in their place (a line being made is dropped). */
  take(): { bytes: Uint8Array; ends: Uint32Array } {
    const taken = {
      bytes: new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.lineStart),
      ends: this.ends.slice(0, this.lines),
    };
    const spare = this.spares.pop();
    this.buffer = spare ? Buffer.from(spare) : Buffer.allocUnsafeSlow(this.capacity);
    this.used = this.lineStart = this.lines = 0;
    return taken;
  }

  /** Takes back a buffer that take() gave away, once its lines are counted, to fill it again. */
  recycle(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.capacity && this.spares.length < 4) this.spares.push(buffer);
  }
}
