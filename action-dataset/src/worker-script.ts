/**
 * How the worker threads are started: the action's own bundled entry (dist/index.js), run again on a
 * worker thread with one of these workerData, serves token counts (or hashes files) instead of running
 * the action (main.ts). A separate worker file would need its own bundle; this module is tiny so that
 * main.ts can import it without loading the tokenizer.
 */
export const TOKEN_WORKER_DATA = { role: "phi3-aml-dataset/token-counter" } as const;
/** The same for the worker that hashes the outputs while they are written (file-hasher.ts). */
export const HASHER_WORKER_DATA = { role: "phi3-aml-dataset/file-hasher" } as const;

/** The role this thread was started with (the role of its workerData), if any. */
export function workerRole(workerData: unknown): string | undefined {
  const role = (workerData as { role?: unknown } | null)?.role;
  return typeof role === "string" ? role : undefined;
}

let entry: string | URL | undefined;

/** main.ts records its own URL: in the bundle that is dist/index.js, which can be started as the worker. */
export function setWorkerScript(script: string | URL): void {
  entry = script;
}

/** The script to start the worker with; undefined when not running from the bundle (tests, tsx). */
export function workerScript(): string | URL | undefined {
  return entry;
}
