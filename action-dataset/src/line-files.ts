/**
 * The files prepare writes: the spool (every kept output line, in input order, read back by offset in
 * key order) and the two outputs (written through a buffer and hashed on the way).
 *
 * The I/O is synchronous on purpose: preparing is the only thing this thread does, and writing 1 MiB at
 * a time with writeSync needs no promise per write and no backpressure to keep memory bounded; the
 * token-counting worker (if any) runs on while this thread waits for the disk.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync, writeSync } from "node:fs";

const BUFFER_BYTES = 1 << 20;

/**
 * Appends bytes to a file through a 1 MiB buffer; optionally hashes them as they go out: sha256 (the
 * fingerprint) and MD5 (what the upload checks), so that neither needs the file read again.
 */
export class BufferedWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private written = 0;
  private readonly sha256: Hash | undefined;
  private readonly md5: Hash | undefined;
  private closed = false;

  constructor(
    readonly path: string,
    options: { sha256?: boolean; md5?: boolean } = {},
  ) {
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

  /** Writes `text` as UTF-8, encoded straight into the buffer (no Buffer per line); returns its byte length. */
  writeText(text: string): number {
    // At most 3 bytes per UTF-16 unit: if that fits, the text fits.
    if (this.used + text.length * 3 > this.buffer.length) this.flush();
    if (text.length * 3 > this.buffer.length) {
      const bytes = Buffer.from(text, "utf8");
      this.write(bytes);
      return bytes.length;
    }
    const n = this.buffer.write(text, this.used, "utf8");
    this.used += n;
    return n;
  }

  /** The last `n` bytes written, while they are still in the buffer (a view, valid until the next write). */
  lastWritten(n: number): Buffer | undefined {
    return n <= this.used ? this.buffer.subarray(this.used - n, this.used) : undefined;
  }

  /** Takes back the last `n` bytes written if they are still in the buffer; says whether it could. */
  unwrite(n: number): boolean {
    if (n > this.used || this.sha256 || this.md5) return false;
    this.used -= n;
    return true;
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
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
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
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, this.buffer, done, length - done, offset + done);
      if (n === 0) throw new Error(`${this.path} ended at byte ${offset + done}, before ${offset + length}`);
      done += n;
    }
    return this.buffer.subarray(0, length);
  }

  close(): void {
    closeSync(this.fd);
  }
}
