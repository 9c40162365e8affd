// Loaded with `--import` by the startup bench's phase table (startup.ts): notes when Node has started and
// is about to load the entry, and when the process is about to exit, in ms since the process began
// (performance.timeOrigin), on stderr, which the bench reads.
const loaded = performance.now();
process.on("exit", () => process.stderr.write(`\nphases ${loaded} ${performance.now()}\n`));
