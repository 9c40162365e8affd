// `npm run bench -- dataset`: the dataset step's throughput and memory on a large input.
//   1. generates an ultrachat-shaped JSONL file of BENCH_DATASET_MB MiB (default 500) in a temporary folder;
//   2. runs, as child processes, interleaved BENCH_DATASET_ROUNDS times (default 3):
//      - the baseline: read the lines and JSON.parse them (dataset-baseline.mjs);
//      - the prepare step as the runner runs it: the bundled action-dataset/dist/index.js, upload: false;
//   3. prints MB/s of each (best round: the machine is shared), their ratio and each one's peak RSS
//      (ru_maxrss of the process, every thread included), against the goals: prepare at no less than a
//      third of the baseline's throughput, under 200 MB of peak RSS.
// Everything it writes is deleted at the end.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseFileCommands } from "../../test/harness/run-action.js";
import { generateUltrachatJsonl } from "./dataset-data.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ACTION = join(ROOT, "action-dataset", "dist", "index.js");
const BASELINE = fileURLToPath(new URL("./dataset-baseline.mjs", import.meta.url));
const MAX_RSS = fileURLToPath(new URL("./max-rss.mjs", import.meta.url));

const GOAL_RATIO = 1 / 3;
const GOAL_RSS_MB = 200;

interface Measured {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs `node --import max-rss.mjs <args>` and measures its wall time and peak RSS. */
function measure(args: string[], o: { cwd: string; env: Record<string, string> }): Promise<Measured> {
  const rssFile = join(o.cwd, `.max-rss-${process.hrtime.bigint()}`);
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--import", MAX_RSS, ...args], {
      cwd: o.cwd,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? o.cwd,
        ...o.env,
        BENCH_MAX_RSS_FILE: rssFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0)
        return reject(
          new Error(`${args.join(" ")} exited with ${code}:\n${stdout.slice(-2000)}${stderr.slice(-2000)}`),
        );
      const maxRssMb = Number(readFileSync(rssFile, "utf8")) / 1024;
      rmSync(rssFile, { force: true });
      resolve({ seconds, maxRssMb, stdout });
    });
  });
}

/** The prepare step as the runner runs it: the bundle, inputs as INPUT_*, file commands in files. */
async function prepareStep(dir: string, source: string): Promise<Measured & { outputs: Record<string, string> }> {
  const files = { output: join(dir, "github-output"), summary: join(dir, "summary.md") };
  for (const f of Object.values(files)) writeFileSync(f, "");
  const outputDir = join(dir, "prepared");
  try {
    const m = await measure([ACTION], {
      cwd: dir,
      env: {
        GITHUB_ACTIONS: "true",
        GITHUB_WORKSPACE: dir,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        INPUT_SOURCE: source,
        INPUT_UPLOAD: "false",
        "INPUT_OUTPUT-DIR": outputDir,
      },
    });
    return { ...m, outputs: parseFileCommands(readFileSync(files.output, "utf8")) };
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

function warnIfStale(): void {
  if (!existsSync(ACTION)) throw new Error(`${ACTION} is missing: run \`npm run build\` first.`);
  const src = join(ROOT, "action-dataset", "src");
  const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  if (newest > statSync(ACTION).mtimeMs)
    console.log(
      "warning: action-dataset/dist is older than its sources; run `node scripts/build.mjs --only action-dataset` to measure them.\n",
    );
}

export async function datasetBench(): Promise<void> {
  warnIfStale();
  const mib = Number(process.env.BENCH_DATASET_MB ?? 500);
  const rounds = Number(process.env.BENCH_DATASET_ROUNDS ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "phi3-bench-dataset-"));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  const onSignal = () => {
    cleanUp();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const source = "ultrachat-bench.jsonl";
    const t0 = process.hrtime.bigint();
    const generated = generateUltrachatJsonl(join(dir, source), mib * 1024 * 1024);
    const genSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const mb = generated.bytes / 1e6;
    console.log(
      `dataset: ${mb.toFixed(0)} MB (${(generated.bytes / 1048576).toFixed(0)} MiB), ${generated.records.toLocaleString("en-US")} ultrachat-shaped records, generated in ${genSeconds.toFixed(1)} s; ${rounds} round(s), node ${process.version}\n`,
    );

    const baseline: Measured[] = [];
    const prepared: Array<Measured & { outputs: Record<string, string> }> = [];
    for (let r = 0; r < rounds; r++) {
      baseline.push(await measure([BASELINE, join(dir, source)], { cwd: dir, env: {} }));
      prepared.push(await prepareStep(dir, source));
      const b = baseline[r]!;
      const p = prepared[r]!;
      console.log(
        `round ${r + 1}: baseline ${(mb / b.seconds).toFixed(1)} MB/s, ${b.maxRssMb.toFixed(0)} MB; prepare ${(mb / p.seconds).toFixed(1)} MB/s, ${p.maxRssMb.toFixed(0)} MB`,
      );
    }

    const best = (ms: Measured[]) => Math.min(...ms.map((m) => m.seconds));
    const peak = (ms: Measured[]) => Math.max(...ms.map((m) => m.maxRssMb));
    const baseRate = mb / best(baseline);
    const prepRate = mb / best(prepared);
    const ratio = prepRate / baseRate;
    const out = prepared[0]!.outputs;
    const onWorker = prepared.every((p) => p.stdout.includes("Tokens were counted on a worker thread."));
    const rows = [
      ["baseline: read lines + JSON.parse", baseRate.toFixed(1), "1.00", `${peak(baseline).toFixed(0)} MB`, ""],
      [
        `prepare: bundled action, upload: false${onWorker ? " (tokens on a worker)" : ""}`,
        prepRate.toFixed(1),
        ratio.toFixed(2),
        `${peak(prepared).toFixed(0)} MB`,
        `${ratio >= GOAL_RATIO ? "ok" : "MISS"} / ${peak(prepared) < GOAL_RSS_MB ? "ok" : "MISS"}`,
      ],
    ];
    const head = [
      "",
      `MB/s (best of ${rounds})`,
      "× baseline",
      "peak RSS (worst)",
      `goals ≥${GOAL_RATIO.toFixed(2)}× / <${GOAL_RSS_MB} MB`,
    ];
    console.log(`\n| ${head.join(" | ")} |\n|${head.map(() => "---").join("|")}|`);
    for (const row of rows) console.log(`| ${row.join(" | ")} |`);
    console.log(
      `\nprepared: ${out["train-rows"]} training + ${out["validation-rows"]} validation conversations, ${out["dropped-rows"]} dropped, fingerprint ${out.fingerprint?.slice(0, 12)}` +
        (prepared.every((p) => p.outputs.fingerprint === out.fingerprint)
          ? " (the same in every round)"
          : " (DIFFERENT between rounds)"),
    );
  } finally {
    cleanUp();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
