/**
 * Calls to one of this action's worker threads (the bundle started again with a role, see
 * worker-script.ts): messages that carry an id, answers that carry it back (or an error), each call a
 * promise. When the worker fails or stops, every call out and every later one is rejected with why.
 * Used by the token counter (token-counter.ts) and the output hasher (file-hasher.ts).
 */
import { Worker } from "node:worker_threads";
import type { Transferable } from "node:worker_threads";

export class WorkerCalls<Request extends { id: number }, Answer extends { id: number }> {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (answer: Answer) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  /** `name` says which worker in errors: "token-counting", "hashing". */
  constructor(script: string | URL, workerData: unknown, name: string) {
    // A small young generation: these workers allocate little, and the default would reserve tens of MB for nothing.
    this.worker = new Worker(script, { workerData, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.worker.on("message", (answer: Answer | { id: number; error: string }) => {
      const call = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if ("error" in answer) call?.reject(new Error(answer.error));
      else call?.resolve(answer);
    });
    this.worker.on("error", (e) => this.fail(new Error(`The ${name} worker failed: ${e.message}`, { cause: e })));
    this.worker.on("exit", (code) => this.fail(new Error(`The ${name} worker stopped (exit code ${code}).`)));
  }

  /** A fresh id for a message. */
  id(): number {
    return this.nextId++;
  }

  /** Sends `message` (with the id it was made with) and waits for its answer; `transfer` moves buffers instead of copying them. */
  call(message: Request, transfer: Transferable[] = []): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(message.id, { resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  /** Sends `message` without waiting for an answer (nothing once the worker has failed). */
  send(message: Request): void {
    if (!this.failure) this.worker.postMessage(message);
  }

  async close(): Promise<void> {
    this.fail(new Error("The worker is closed."));
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const call of this.waiting.values()) call.reject(this.failure);
    this.waiting.clear();
  }
}
