import { isMainThread, workerData } from "node:worker_threads";
import { actionMain } from "@phi3-aml/shared/action";
import { readInputs } from "./inputs.js";
import { HASHER_WORKER_DATA, TOKEN_WORKER_DATA, setWorkerScript, workerRole } from "./worker-script.js";

const role = isMainThread ? undefined : workerRole(workerData);
if (role === TOKEN_WORKER_DATA.role) {
  // This bundle started again as the token-counting worker (token-counter.ts): serve counts, run nothing else.
  (await import("./token-worker.js")).serveTokenCounts();
} else if (role === HASHER_WORKER_DATA.role) {
  // … or as the worker that hashes the outputs while they are written (file-hasher.ts).
  (await import("./file-hasher.js")).serveFileHashes();
} else {
  // Only a bundled entry (.js) can be started as a worker; run from the TypeScript sources, tokens are counted in-thread.
  if (import.meta.url.endsWith(".js")) setWorkerScript(new URL(import.meta.url));
  await actionMain({ name: "dataset", read: readInputs, load: () => import("./run.js") });
}
