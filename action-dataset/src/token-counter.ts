/**
 * Token counts for batches of conversations, on this thread or on a worker thread.
 *
 * Counting Phi-3 tokens is the most expensive step of the preparation (about as much CPU as reading and
 * parsing the JSON). With a worker it runs on the second core while this thread reads, validates and
 * writes: prepare.ts hands over a batch, goes on with the next records, and applies the counts in input
 * order when they come back, so the results are the same either way. One worker, not one per core: each
 * holds its own copy of the tokenizer (~60 MB), and this thread keeps the other core busy.
 */
import { Worker } from "node:worker_threads";
import type { Message } from "./conversation.js";
import type { TokenRequest, TokenResponse } from "./token-worker.js";
import { TOKEN_WORKER_DATA } from "./worker-script.js";

export interface TokenCounter {
  readonly onWorker: boolean;
  /**
   * How many batches may be out at once: with a worker, enough to keep it busy while this thread reads
   * on; on this thread, none (a batch is counted when sent, and holding records longer only costs memory).
   */
  readonly batchesOut: number;
  /** One count per conversation, in order. */
  count(conversations: ReadonlyArray<readonly Message[]>): Promise<ArrayLike<number>>;
  close(): Promise<void>;
}

/** Counts on this thread, with `countTokens` or (loaded on first use) the Phi-3 count. */
export function inThreadCounter(countTokens?: (messages: readonly Message[]) => number): TokenCounter {
  let count = countTokens;
  return {
    onWorker: false,
    batchesOut: 0,
    async count(conversations) {
      // Loaded here rather than imported: a thread that hands counting to a worker never loads the tokenizer.
      count ??= (await import("./tokens.js")).countConversationTokens;
      return conversations.map(count);
    },
    async close() {},
  };
}

/** Counts on a worker thread started from `script` (the bundled action; see worker-script.ts). */
export function workerCounter(script: string | URL): TokenCounter {
  // A small young generation: what the worker allocates (a batch's strings, the text of a chunk not yet
  // cached) dies young, and the default would reserve tens of MB for nothing.
  const worker = new Worker(script, { workerData: TOKEN_WORKER_DATA, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const waiting = new Map<number, { resolve: (counts: Uint32Array) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;
  const failAll = (e: Error): void => {
    failure ??= e;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on("message", (response: TokenResponse) => {
    waiting.get(response.id)?.resolve(response.counts);
    waiting.delete(response.id);
  });
  worker.on("error", (e) => failAll(new Error(`The token-counting worker failed: ${e.message}`, { cause: e })));
  worker.on("exit", (code) => failAll(new Error(`The token-counting worker stopped (exit code ${code}).`)));
  return {
    onWorker: true,
    batchesOut: 2,
    count(conversations) {
      if (failure) return Promise.reject(failure);
      const contents: string[] = [];
      const sizes = new Uint32Array(conversations.length);
      conversations.forEach((messages, c) => {
        sizes[c] = messages.length;
        for (const m of messages) contents.push(m.content);
      });
      const request: TokenRequest = { id: nextId++, contents, sizes };
      return new Promise((resolve, reject) => {
        waiting.set(request.id, { resolve, reject });
        worker.postMessage(request, [sizes.buffer as ArrayBuffer]);
      });
    },
    async close() {
      failure ??= new Error("The token counter is closed.");
      await worker.terminate();
    },
  };
}
