// Run by evaluation.ts as its own process (trusting the emulator's CA through NODE_EXTRA_CA_CERTS, as an action
// does): the shared evaluation module, as action-deploy's gate calls it, against the emulator's endpoint.
import { readFileSync } from "node:fs";
import { evaluate, parseExamples } from "../../shared/src/evaluation/index.js";

const env = process.env;
const { examples, dropped } = parseExamples(readFileSync(env.BENCH_DATA!, "utf8"));
const concurrency = Number(env.BENCH_CONCURRENCY);
const t0 = performance.now();
const report = await evaluate({
  examples,
  dropped,
  maxExamples: Number(env.BENCH_EXAMPLES),
  target: { scoringUri: env.BENCH_SCORING_URI!, key: env.BENCH_KEY!, endpoint: env.BENCH_ENDPOINT },
  candidate: { name: "green", concurrency },
  baseline: { name: "blue", concurrency },
});
const wallMs = performance.now() - t0;
const mean = (role: "candidate" | "baseline") => {
  const ms = report.examples.map((e) => e[role]?.latencyMs).filter((x): x is number => x !== undefined);
  return ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length);
};
console.log(
  JSON.stringify({
    wallMs,
    used: report.used,
    gate: report.gate.result,
    meanLatencyMs: { green: mean("candidate"), blue: mean("baseline") },
  }),
);
