/**
 * Hashing the outputs on the second core while they are written. prepare copies the split out of the
 * spool on the main thread; the sha256 of each file (for the fingerprint) and its MD5 (for the upload)
 * cost about as much again. A small worker thread (the bundle started again, see worker-script.ts) reads
 * each file behind the writer, from the page cache, and hashes it, so both run at once. The writer says
 * how far the file is written (advance); finish() gives the digests once the worker has caught up.
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { WorkerCalls } from "./worker-calls.js";
import { HASHER_WORKER_DATA } from "./worker-script.js";

type HashRequest =
  | { kind: "open"; id: number; path: string; md5: boolean }
  | { kind: "advance"; id: number; to: number }
  | { kind: "finish"; id: number; to: number };

type DigestAnswer = { id: number; sha256: string; md5?: Uint8Array };
/** An error answer is taken by WorkerCalls: the call is rejected with it. */
type HashResponse = DigestAnswer | { id: number; error: string };

export interface Digests {
  sha256: string;
  md5?: Buffer;
}

/** One file being hashed behind its writer. */
export interface FileHashing {
  /** The file is written up to `to` bytes: the worker may hash that far. */
  advance(to: number): void;
  /** The file is complete at `to` bytes: its digests. */
  finish(to: number): Promise<Digests>;
}

/** The main thread's side: a worker that hashes files behind their writers. */
export class HasherThread {
  private readonly worker: WorkerCalls<HashRequest, DigestAnswer>;

  constructor(script: string | URL) {
    this.worker = new WorkerCalls<HashRequest, DigestAnswer>(script, HASHER_WORKER_DATA, "hashing");
  }

  /** Starts hashing `path` (already created by its writer), with its MD5 too when asked. */
  hash(path: string, md5: boolean): FileHashing {
    const id = this.worker.id();
    this.worker.send({ kind: "open", id, path, md5 });
    return {
      advance: (to) => this.worker.send({ kind: "advance", id, to }),
      finish: async (to) => {
        const answer = await this.worker.call({ kind: "finish", id, to });
        return { sha256: answer.sha256, ...(answer.md5 ? { md5: Buffer.from(answer.md5) } : {}) };
      },
    };
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

/** The worker's side (started by main.ts when its workerData says so). */
export function serveFileHashes(): void {
  const port = parentPort;
  if (!port) throw new Error("serveFileHashes runs on a worker thread");
  const files = new Map<number, { fd: number; path: string; hashed: number; sha256: Hash; md5?: Hash }>();
  // A file that failed (to open, or to read) answers its finish with why, not with "no such file".
  const failed = new Map<number, string>();
  const buffer = Buffer.allocUnsafe(1 << 20);
  port.on("message", (request: HashRequest) => {
    const failure = failed.get(request.id);
    if (failure !== undefined) {
      if (request.kind === "finish") {
        failed.delete(request.id);
        const response: HashResponse = { id: request.id, error: failure };
        port.postMessage(response);
      }
      return;
    }
    try {
      if (request.kind === "open") {
        files.set(request.id, {
          fd: openSync(request.path, "r"),
          path: request.path,
          hashed: 0,
          sha256: createHash("sha256"),
          md5: request.md5 ? createHash("md5") : undefined,
        });
        return;
      }
      const file = files.get(request.id);
      if (!file) throw new Error(`no file ${request.id} is being hashed`);
      while (file.hashed < request.to) {
        const n = readSync(file.fd, buffer, 0, Math.min(buffer.length, request.to - file.hashed), file.hashed);
        if (n === 0) throw new Error(`${file.path} ended at byte ${file.hashed}, before ${request.to}`);
        const bytes = buffer.subarray(0, n);
        file.sha256.update(bytes);
        file.md5?.update(bytes);
        file.hashed += n;
      }
      if (request.kind === "finish") {
        closeSync(file.fd);
        files.delete(request.id);
        const md5 = file.md5?.digest();
        const response: HashResponse = {
          id: request.id,
          sha256: file.sha256.digest("hex"),
          ...(md5 ? { md5: new Uint8Array(md5) } : {}),
        };
        port.postMessage(response);
      }
    } catch (e) {
      const file = files.get(request.id);
      if (file) closeSync(file.fd);
      files.delete(request.id);
      if (request.kind === "finish") {
        const response: HashResponse = { id: request.id, error: (e as Error).message };
        port.postMessage(response);
      } else failed.set(request.id, (e as Error).message);
    }
  });
}
