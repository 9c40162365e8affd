// The chain's costs: `npm start`'s wall time and Azure ML requests per action (measured), and the status
// requests of a 2-hour fine-tune followed at the real polling cadence (simulated on a clock, not waited).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pollDelayMs } from "../../action-finetune/src/status.js";

const ROOT = new URL("../..", import.meta.url).pathname;

/** A 2-hour job's statuses over time, as Azure ML reports them (queueing and setup included). */
function statusAt(minute: number): string {
  if (minute < 1) return "NotStarted";
  if (minute < 8) return "Queued";
  if (minute < 15) return "Preparing";
  if (minute < 115) return "Running";
  if (minute < 120) return "Finalizing";
  return "Completed";
}

/** Looks at the job as follow.ts does: each pause is the status policy's delay (at least 1 s), grown while nothing changes. */
function simulateFollow(): { statusRequests: number; metricRequests: number } {
  let t = 0;
  let status = "";
  let unchanged = 0;
  let statusRequests = 0;
  let metricRequests = 0;
  for (;;) {
    const now = statusAt(t / 60_000);
    statusRequests++;
    unchanged = now === status ? unchanged + 1 : 0;
    status = now;
    if (["Running", "Finalizing", "Completed"].includes(now)) metricRequests += 4; // MLflow: the child run, then 3 histories
    if (now === "Completed") break;
    t += Math.max(1000, pollDelayMs(now, unchanged));
  }
  return { statusRequests, metricRequests };
}

export async function chainBench(): Promise<string> {
  const sim = simulateFollow();
  const t0 = Date.now();
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  const wall = (Date.now() - t0) / 1000;
  const state = JSON.parse(stdout.trim().split("\n").pop()!) as { ok: boolean; requests: Record<string, number> };
  return [
    `npm start: ${wall.toFixed(1)} s wall (goal: under 60 s), chain ${state.ok ? "ok" : "FAILED"}`,
    "",
    "| action | Azure ML requests |",
    "|---|---|",
    ...Object.entries(state.requests).map(([a, n]) => `| ${a} | ${n} |`),
    "",
    `2-hour fine-tune followed at the real cadence (simulated clock): ${sim.statusRequests} status requests (goal: fewer than 150) ${sim.statusRequests < 150 ? "ok" : "MISS"}, plus ${sim.metricRequests} MLflow metric requests.`,
  ].join("\n");
}
