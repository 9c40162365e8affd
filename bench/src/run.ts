// `npm run bench`: speed goals, and sizes, measured side by side in one run.
//   startup: each bundle as the runner waits for it, spawn to exit on an input error in a clean environment,
//            next to `node -e 0` in the same environment (goal: within 2x); see startup.ts. Next to them, a
//            bundle of @actions/core alone as npm installs it (undici evaluated at start).
//   size: each bundle, main (dist/*.js) and post (dist/post/*.js) apart, for information (no goal of its own:
//         the SDK chunks load only once the inputs are good).
//   dataset: the dataset step's MB/s and peak RSS on 500 MiB of generated JSONL, next to a baseline
//            that only reads and parses it (dataset.ts).
//   evaluation: 200 held-out examples to two emulator deployments, next to the floor their concurrency sets
//            (examples × mean latency ÷ concurrency; goal: within 1.25×; evaluation.ts).
// `npm run bench -- startup`, `-- dataset` or `-- evaluation` runs one of them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs helper shared with the build script
import { actionDirs, nccBuild, ROOT } from "../../scripts/actions.mjs";
import { datasetBench } from "./dataset.js";
import { fileURLToPath } from "node:url";
import { measurePhases, measureStartup, phaseTable, startupTable, subjects, type Subject } from "./startup.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const GOAL_RATIO = 2;

const only = process.argv[2];
if (only !== undefined && only !== "startup" && only !== "dataset" && only !== "evaluation")
  throw new Error(`unknown benchmark "${only}": startup, dataset or evaluation`);
if (only === undefined || only === "startup") await startupAndSize();
if (only === undefined || only === "dataset") {
  if (only === undefined) console.log("");
  await datasetBench();
}
if (only === undefined || only === "evaluation") {
  const { evaluationBench } = await import("./evaluation.js");
  console.log(`${only === undefined ? "\n" : ""}${await evaluationBench()}`);
}

/**
 * For comparison: a bundle that only imports @actions/core and logs a line, bundled with ncc as npm installs
 * it. @actions/core 3 imports @actions/http-client, which imports undici at its top: this row pays for
 * evaluating undici before its first line; the actions do not (scripts/undici-on-demand.mjs).
 */
function buildCoreFloor(): string {
  const dir = mkdtempSync(join(ROOT, "bench", ".core-floor-"));
  writeFileSync(join(dir, "index.mjs"), 'import * as core from "@actions/core";\ncore.info("floor");\n');
  nccBuild(join(dir, "index.mjs"), join(dir, "dist"), { license: false });
  return dir;
}

async function startupAndSize(): Promise<void> {
  const floorDir = buildCoreFloor();
  try {
    const list = subjects(ROOT, actionDirs() as string[]);
    const floor: Subject = {
      name: "@actions/core alone, undici evaluated at start",
      cwd: join(floorDir, "dist"),
      args: ["index.mjs"],
      expect: "exit-0",
    };
    list.splice(1, 0, floor);
    const times = await measureStartup(list, RUNS);
    console.log(
      `startup (spawn → exit, clean environment) and size, ${RUNS} runs each, interleaved, node ${process.version}\n`,
    );
    console.log(startupTable(list, times, GOAL_RATIO));
    // Where the time goes: Node's own start, our entry (load and run), and spawning and tearing down.
    const hook = fileURLToPath(new URL("./phase-hook.mjs", import.meta.url));
    console.log(
      `\nwhat the time is made of (median ms of ${RUNS} more runs, each with a hook that notes the phases)\n`,
    );
    console.log(phaseTable(await measurePhases(list, RUNS, hook)));
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }

  const { chainBench } = await import("./chain.js");
  console.log(`\nthe chain\n\n${await chainBench()}`);
}
