// `npm run bench`: speed and size goals, measured side by side in one run.
//   cold start: `node dist/index.js` until its first log line, next to bare `node` printing a line
//               (goal: within 2x of bare Node); runs interleaved so both see the same machine.
//   size: each action's bundle (dist/*.js; goal: under 2 MB).
//   dataset: the dataset step's MB/s and peak RSS on 500 MiB of generated JSONL, next to a baseline
//            that only reads and parses it (dataset.ts).
// `npm run bench -- startup` or `npm run bench -- dataset` runs one of the two.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs helper shared with the build script
import { actionDirs, ROOT } from "../../scripts/actions.mjs";
import { datasetBench } from "./dataset.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const GOAL_RATIO = 2;
const GOAL_BYTES = 2 * 1024 * 1024;

function firstLine(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    // No inputs and no Azure settings: the action prints its first line, then stops on the missing inputs.
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ["ignore", "pipe", "ignore"] });
    let done = false;
    child.stdout.on("data", () => {
      if (done) return;
      done = true;
      resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
    child.once("error", reject);
    child.once("close", () => done || reject(new Error(`${args.join(" ")} printed nothing`)));
  });
}

const only = process.argv[2];
if (only !== undefined && only !== "startup" && only !== "dataset") throw new Error(`unknown benchmark "${only}": startup or dataset`);
if (only !== "dataset") await startupAndSize();
if (only !== "startup") {
  if (only === undefined) console.log("");
  await datasetBench();
}

async function startupAndSize(): Promise<void> {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const dirs: string[] = actionDirs();
  const times: Record<string, number[]> = { "node (bare)": [] };
  for (const d of dirs) times[d] = [];

  for (let k = 0; k < RUNS + 2; k++) {
    const warm = k < 2;
    const bare = await firstLine(["-e", "console.log(0)"], ROOT);
    if (!warm) times["node (bare)"]!.push(bare);
    for (const d of dirs) {
      const ms = await firstLine(["dist/index.js"], join(ROOT, d));
      if (!warm) times[d]!.push(ms);
    }
  }

  const bareMedian = median(times["node (bare)"]!);
  const rows: string[][] = [["node (bare)", bareMedian.toFixed(0), "1.00", "", "", ""]];
  for (const d of dirs) {
    const dist = join(ROOT, d, "dist");
    const js = readdirSync(dist, { recursive: true }).map(String).filter((f) => f.endsWith(".js"));
    const bytes = js.reduce((n, f) => n + statSync(join(dist, f)).size, 0);
    const entry = statSync(join(dist, "index.js")).size;
    const ratio = median(times[d]!) / bareMedian;
    rows.push([
      d,
      median(times[d]!).toFixed(0),
      ratio.toFixed(2),
      `${(bytes / 1048576).toFixed(2)} MB`,
      `${(entry / 1024).toFixed(0)} KB`,
      `${ratio <= GOAL_RATIO ? "ok" : "MISS"} / ${bytes <= GOAL_BYTES ? "ok" : "MISS"}`,
    ]);
  }
  const head = ["", "first line, median ms", "× bare node", "bundle (all .js)", "entry index.js", `goals ≤${GOAL_RATIO}× / <2 MB`];
  console.log(`cold start and size, ${RUNS} runs each, interleaved, node ${process.version}\n`);
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);

  const { chainBench } = await import("./chain.js");
  console.log(`\nthe chain\n\n${await chainBench()}`);
}
