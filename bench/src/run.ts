// `npm run bench`: speed and size goals, measured side by side in one run.
//   cold start: `node dist/index.js` until its first log line, next to bare `node` printing a line
//               (goal: within 2x of bare Node); runs interleaved so both see the same machine.
//               Next to them, a bundle of @actions/core alone as npm installs it (undici evaluated at start).
//   size: each bundle, main (dist/*.js) and post (dist/post/*.js) apart (goal: under 2 MB).
//   dataset: the dataset step's MB/s and peak RSS on 500 MiB of generated JSONL, next to a baseline
//            that only reads and parses it (dataset.ts).
// `npm run bench -- startup` or `npm run bench -- dataset` runs one of the two.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs helper shared with the build script
import { actionDirs, nccBuild, ROOT } from "../../scripts/actions.mjs";
import { datasetBench } from "./dataset.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const GOAL_RATIO = 2;
const GOAL_BYTES = 2 * 1024 * 1024;

function firstLine(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    // No inputs and no Azure settings: the action prints its first line, then stops on the missing inputs.
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ["ignore", "pipe", "ignore"],
    });
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
if (only !== undefined && only !== "startup" && only !== "dataset")
  throw new Error(`unknown benchmark "${only}": startup or dataset`);
if (only !== "dataset") await startupAndSize();
if (only !== "startup") {
  if (only === undefined) console.log("");
  await datasetBench();
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

/** Each bundle: the main entry of every action, and its post entry where it has one (dist/post). */
function bundles(): Array<{ name: string; dir: string; post: boolean }> {
  const out: Array<{ name: string; dir: string; post: boolean }> = [];
  for (const d of actionDirs() as string[]) {
    out.push({ name: d, dir: join(ROOT, d, "dist"), post: false });
    if (existsSync(join(ROOT, d, "dist", "post", "index.js")))
      out.push({ name: `${d} (post)`, dir: join(ROOT, d, "dist", "post"), post: true });
  }
  return out;
}

async function startupAndSize(): Promise<void> {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const all = bundles();
  const mains = all.filter((b) => !b.post);
  const floorDir = buildCoreFloor();
  const FLOOR = "@actions/core alone, undici evaluated at start";
  const times: Record<string, number[]> = { "node (bare)": [], [FLOOR]: [] };
  for (const b of mains) times[b.name] = [];

  try {
    for (let k = 0; k < RUNS + 2; k++) {
      const warm = k < 2;
      const bare = await firstLine(["-e", "console.log(0)"], ROOT);
      const floor = await firstLine([join(floorDir, "dist", "index.mjs")], ROOT);
      if (!warm) {
        times["node (bare)"]!.push(bare);
        times[FLOOR]!.push(floor);
      }
      for (const b of mains) {
        const ms = await firstLine(["index.js"], b.dir);
        if (!warm) times[b.name]!.push(ms);
      }
    }
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }

  const bareMedian = median(times["node (bare)"]!);
  const floorMedian = median(times[FLOOR]!);
  const rows: string[][] = [
    ["node (bare)", bareMedian.toFixed(0), "1.00", "", "", ""],
    [FLOOR, floorMedian.toFixed(0), (floorMedian / bareMedian).toFixed(2), "", "", ""],
  ];
  for (const b of all) {
    // A bundle is its folder's .js files (a main bundle's folder holds its post bundle's folder: not counted).
    const js = readdirSync(b.dir).filter((f) => f.endsWith(".js"));
    const bytes = js.reduce((n, f) => n + statSync(join(b.dir, f)).size, 0);
    const entry = statSync(join(b.dir, "index.js")).size;
    const ms = b.post ? undefined : median(times[b.name]!);
    const ratio = ms === undefined ? undefined : ms / bareMedian;
    rows.push([
      b.name,
      ms === undefined ? "" : ms.toFixed(0),
      ratio === undefined ? "" : ratio.toFixed(2),
      `${(bytes / 1048576).toFixed(2)} MB`,
      `${(entry / 1024).toFixed(0)} KB`,
      `${ratio === undefined ? "" : ratio <= GOAL_RATIO ? "ok" : "MISS"} / ${bytes <= GOAL_BYTES ? "ok" : "MISS"}`,
    ]);
  }
  const head = [
    "",
    "first line, median ms",
    "× bare node",
    "bundle (.js)",
    "entry index.js",
    `goals ≤${GOAL_RATIO}× / <2 MB`,
  ];
  console.log(`cold start and size, ${RUNS} runs each, interleaved, node ${process.version}\n`);
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);

  const { chainBench } = await import("./chain.js");
  console.log(`\nthe chain\n\n${await chainBench()}`);
}
