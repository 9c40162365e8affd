// Preloaded into the dataset benchmark's child processes (node --import): when the process exits, write
// its peak resident set size (getrusage's ru_maxrss, in kB; all threads) to $BENCH_MAX_RSS_FILE.
import { writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

const file = process.env.BENCH_MAX_RSS_FILE;
// Workers inherit the preload; only the main thread's exit is the process's.
if (file && isMainThread) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
