// `npm run bench -- startup`: what a runner waits for before a step can fail on its inputs. Each subject
// is the whole process, from spawn to exit, started the way the runner starts it (`node dist/index.js` in
// the bundle's folder), in a clean environment (PATH only: no inherited NODE_OPTIONS, no INPUT_*), so a
// main bundle stops on its missing required inputs and a post bundle finds no state and stops. Next to
// them, `node -e 0` in the same environment: the floor no action can go under. The subjects run
// interleaved (one of each in turn, the first rounds thrown away), so all of them see the same machine.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const BARE = "node -e 0";

export interface Subject {
  name: string;
  cwd: string;
  args: string[];
  /** What the process must do for its time to count: stop on an input error, or exit 0 (post, nothing to do). */
  expect: "input-error" | "exit-0";
}

export interface Outcome {
  ms: number;
  code: number | null;
  stdout: string;
  /** Only when asked for (the phase hook writes there). */
  stderr?: string;
}

/** The floor, then each action's main bundle, and its post bundle where it has one. */
export function subjects(root: string, actionDirs: readonly string[]): Subject[] {
  const out: Subject[] = [{ name: BARE, cwd: root, args: ["-e", "0"], expect: "exit-0" }];
  for (const d of actionDirs) {
    out.push({ name: d, cwd: join(root, d, "dist"), args: ["index.js"], expect: "input-error" });
    if (existsSync(join(root, d, "dist", "post", "index.js")))
      out.push({ name: `${d} (post)`, cwd: join(root, d, "dist", "post"), args: ["index.js"], expect: "exit-0" });
  }
  return out;
}

/** Runs one subject to its exit: wall time from spawn to the exit event. */
export function timeRun(s: Subject, withStderr = false): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, s.args, {
      cwd: s.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdio: ["ignore", "pipe", withStderr ? "pipe" : "ignore"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    // The time is taken at "exit" (the process is gone); the outcome waits for "close" (its output read to the end).
    let ms = 0;
    child.once("exit", () => (ms = Number(process.hrtime.bigint() - t0) / 1e6));
    child.once("close", (code) => resolve({ ms, code, stdout, ...(withStderr ? { stderr } : {}) }));
  });
}

/** Why an outcome does not measure what it should (undefined: it does). */
export function unexpected(s: Subject, o: Outcome): string | undefined {
  if (s.expect === "exit-0") return o.code === 0 ? undefined : `${s.name} exited with ${o.code}, not 0`;
  if (o.code === 1 && /^::error title=Input /m.test(o.stdout)) return undefined;
  return `${s.name} did not stop on an input error (exit ${o.code}): ${o.stdout.slice(0, 300)}`;
}

/** The q-quantile of xs (0 ≤ q ≤ 1), interpolated between the two nearest ranks. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error("quantile of nothing");
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface Spread {
  median: number;
  p25: number;
  p75: number;
}

export function spread(xs: readonly number[]): Spread {
  return { median: quantile(xs, 0.5), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75) };
}

/**
 * Each subject's ratio to bare Node, as the median of the per-round ratios (each round's runs are back to
 * back, so a busy moment of the shared machine slows both sides of a ratio), with its interquartile range.
 */
export function ratios(times: Record<string, number[]>): Record<string, Spread> {
  const bare = times[BARE];
  if (!bare) throw new Error(`no ${BARE} times`);
  const out: Record<string, Spread> = {};
  for (const [name, ms] of Object.entries(times)) out[name] = spread(ms.map((t, i) => t / bare[i]!));
  return out;
}

/** Runs every subject `runs` times, interleaved, after `warmup` rounds not counted; throws on a wrong outcome. */
export async function measureStartup(
  list: readonly Subject[],
  runs: number,
  warmup = 2,
): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(list.map((s) => [s.name, []]));
  for (let k = 0; k < runs + warmup; k++) {
    for (const s of list) {
      const o = await timeRun(s);
      const wrong = unexpected(s, o);
      if (wrong) throw new Error(wrong);
      if (k >= warmup) times[s.name]!.push(o.ms);
    }
  }
  return times;
}

/** The sizes of a bundle: its entry, all its .js (entry and chunks), and every file of its folder. */
export function bundleBytes(dir: string): { entry: number; js: number; all: number } {
  // A main bundle's folder holds its post bundle's folder (dist/post): that one is a bundle of its own.
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
  const size = (fs: string[]) => fs.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  return {
    entry: size(["index.js"]),
    js: size(files.filter((f) => f.endsWith(".js") || f.endsWith(".cjs"))),
    all: size(files),
  };
}

/** The startup table (markdown), with each bundle's sizes for information (size is no goal of its own, issue 23). */
export function startupTable(list: readonly Subject[], times: Record<string, number[]>, goal: number): string {
  const r = ratios(times);
  const head = [
    "",
    "spawn → exit, median ms (p25–p75)",
    "× node -e 0, median (p25–p75)",
    "entry",
    "all .js",
    "dist/ files",
    `goal ≤${goal}×`,
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  const mb = (n: number) => `${(n / 1048576).toFixed(2)} MB`;
  for (const s of list) {
    const t = spread(times[s.name]!);
    const q = r[s.name]!;
    const size = existsSync(join(s.cwd, "index.js")) ? bundleBytes(s.cwd) : undefined;
    const met = size === undefined ? "" : q.median <= goal ? "ok" : "MISS";
    lines.push(
      `| ${[
        s.name,
        `${t.median.toFixed(0)} (${t.p25.toFixed(0)}–${t.p75.toFixed(0)})`,
        `${q.median.toFixed(2)} (${q.p25.toFixed(2)}–${q.p75.toFixed(2)})`,
        size ? `${(size.entry / 1024).toFixed(0)} KB` : "",
        size ? mb(size.js) : "",
        size ? mb(size.all) : "",
        met,
      ].join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

export interface Phases {
  /** From the process's start until Node is ready to load the entry (bootstrap, the same for every subject). */
  node: number;
  /** Loading and running the entry until the exit event: parsing, evaluating, reading inputs, reporting. */
  entry: number;
  /** The rest of spawn → exit as the parent sees it: spawning, and tearing the process down after its exit event. */
  rest: number;
}

/** A run's phases from the hook's stderr line and the parent's spawn → exit time. */
export function phasesOf(stderr: string, totalMs: number): Phases {
  const m = /^phases ([\d.]+) ([\d.]+)$/m.exec(stderr);
  if (!m) throw new Error(`no phases line in: ${stderr.slice(0, 300)}`);
  const loaded = Number(m[1]);
  const exiting = Number(m[2]);
  return { node: loaded, entry: exiting - loaded, rest: totalMs - exiting };
}

/**
 * What each subject's time is made of: every subject run `runs` times, interleaved, with the phase hook
 * (which adds the same small cost to each); the median of each phase.
 */
export async function measurePhases(
  list: readonly Subject[],
  runs: number,
  hook: string,
): Promise<Record<string, Phases>> {
  const seen: Record<string, Phases[]> = Object.fromEntries(list.map((s) => [s.name, []]));
  for (let k = 0; k < runs + 1; k++) {
    for (const s of list) {
      const o = await timeRun({ ...s, args: ["--import", hook, ...s.args] }, true);
      if (k > 0) seen[s.name]!.push(phasesOf(o.stderr ?? "", o.ms));
    }
  }
  const med = (ps: Phases[], k: keyof Phases) =>
    quantile(
      ps.map((p) => p[k]),
      0.5,
    );
  return Object.fromEntries(
    Object.entries(seen).map(([name, ps]) => [
      name,
      { node: med(ps, "node"), entry: med(ps, "entry"), rest: med(ps, "rest") },
    ]),
  );
}

/** The phase table (markdown): each phase's median ms, and the entry's share beyond bare Node's. */
export function phaseTable(phases: Record<string, Phases>): string {
  const bare = phases[BARE];
  if (!bare) throw new Error(`no ${BARE} phases`);
  const head = ["", "node start, ms", "entry: load and run, ms", "spawn + teardown, ms", "entry beyond node -e 0, ms"];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const [name, p] of Object.entries(phases)) {
    const beyond = name === BARE ? "" : (p.entry - bare.entry).toFixed(0);
    lines.push(`| ${[name, p.node.toFixed(0), p.entry.toFixed(0), p.rest.toFixed(0), beyond].join(" | ")} |`);
  }
  return lines.join("\n");
}
