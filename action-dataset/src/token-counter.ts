/**
 * Token counts and order keys for batches of output lines, on this thread or on a worker thread.
 *
 * Counting Phi-3 tokens is the most expensive step of the preparation after reading and parsing the
 * JSON, and hashing each line for its order key (shuffle-split.ts) comes next. With a worker both run
 * on the second core while this thread reads, validates and writes: prepare.ts hands over a batch, goes
 * on with the next records, and applies the results in input order when they come back, so they are
 * the same either way. A batch is one buffer of lines (LineBatch), transferred to the worker and back,
 * not copied. One worker, not one per core: this thread keeps the other core busy.
 */
import type { Message } from "./conversation.js";
import type { TokenRequest, TokenResponse } from "./token-worker.js";
import { messagesOfLine } from "./json-line.js";
import { orderKeysOf } from "./shuffle-split.js";
import { WorkerCalls } from "./worker-calls.js";
import { TOKEN_WORKER_DATA } from "./worker-script.js";

/** Lines one after another (without "\n"), line i ending at ends[i]: what LineBatch.take() gives. */
interface Lines {
  bytes: Uint8Array;
  ends: Uint32Array;
}

/** What comes back for a batch: a count and a key (32 bytes) per line, and the lines themselves. */
export interface Counted {
  counts: ArrayLike<number>;
  keys: Uint8Array;
  lines: Lines;
}

export interface TokenCounter {
  readonly onWorker: boolean;
  /**
   * How many batches may be out at once: with a worker, enough to keep it busy while this thread reads
   * on; on this thread, none (a batch is counted when sent, and holding records longer only costs memory).
   */
  readonly batchesOut: number;
  /** One count and one order key per line, in order; the lines come back with them. */
  count(lines: Lines): Promise<Counted>;
  close(): Promise<void>;
}

/** Counts on this thread: the Phi-3 count (line-tokens.ts, loaded on first use), or `countTokens` of each line's messages. */
export function inThreadCounter(seed: number, countTokens?: (messages: readonly Message[]) => number): TokenCounter {
  return {
    onWorker: false,
    batchesOut: 0,
    async count(lines) {
      // Loaded here rather than imported: a thread that hands counting to a worker never loads the tokenizer.
      const counts = countTokens
        ? eachLine(lines, countTokens)
        : (await import("./line-tokens.js")).countLines(lines.bytes, lines.ends);
      return { counts, keys: orderKeysOf(seed, lines.bytes, lines.ends), lines };
    },
    async close() {},
  };
}

function eachLine(lines: Lines, countTokens: (messages: readonly Message[]) => number): number[] {
  const counts: number[] = [];
  let start = 0;
  for (const end of lines.ends) {
    counts.push(countTokens(messagesOfLine(lines.bytes.subarray(start, end))));
    start = end;
  }
  return counts;
}

/** Counts on a worker thread started from `script` (the bundled action; see worker-script.ts). */
export function workerCounter(script: string | URL, seed: number): TokenCounter {
  const worker = new WorkerCalls<TokenRequest, TokenResponse>(script, TOKEN_WORKER_DATA, "token-counting");
  return {
    onWorker: true,
    batchesOut: 2,
    async count(lines) {
      const request: TokenRequest = { id: worker.id(), seed, bytes: lines.bytes, ends: lines.ends };
      // The buffers move to the worker (LineBatch.take() gave them away) and come back with the answer.
      const answer = await worker.call(request, [lines.bytes.buffer as ArrayBuffer, lines.ends.buffer as ArrayBuffer]);
      return { counts: answer.counts, keys: answer.keys, lines: { bytes: answer.bytes, ends: answer.ends } };
    },
    close: () => worker.close(),
  };
}
