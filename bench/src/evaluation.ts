// The evaluation gate's speed: 200 held-out examples sent to a candidate and a baseline deployment of the
// emulator (each answering after a fixed model latency), next to the floor that their concurrency sets:
// examples × mean latency ÷ concurrency (the deployments are evaluated side by side, so the floor is the
// larger of the two). Goal: within 1.25× the floor.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startEmulator } from "../../emulator/src/emulator.js";
import { wsId } from "../../emulator/src/arm/context.js";
import { DEFAULTS } from "../../emulator/src/defaults.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const EVAL_GOAL = 1.25;
const EXAMPLES = 200;
/** What the model takes to answer (a scoring rule's latency), per request. */
const LATENCY_MS = Number(process.env.BENCH_EVAL_LATENCY_MS ?? 40);
/** max_concurrent_requests_per_instance × instances of each deployment. */
const PER_INSTANCE = 2;
const INSTANCES = 2;

interface EvalBenchResult {
  examples: number;
  concurrency: number;
  wallMs: number;
  floorMs: number;
  ratio: number;
  meanLatencyMs: Record<string, number>;
  requests: number;
  throttled: number;
}

export async function evaluationBench(): Promise<string> {
  const r = await measureEvaluation();
  return [
    `evaluation: ${r.examples} examples to 2 deployments (concurrency ${r.concurrency} each, model latency ${LATENCY_MS} ms)`,
    "",
    "| wall | floor (examples × mean latency ÷ concurrency) | ratio | goal |",
    "|---|---|---|---|",
    `| ${(r.wallMs / 1000).toFixed(2)} s | ${(r.floorMs / 1000).toFixed(2)} s (mean latency ${Object.entries(
      r.meanLatencyMs,
    )
      .map(([d, ms]) => `${d} ${ms.toFixed(1)} ms`)
      .join(", ")}) | ${r.ratio.toFixed(2)}× | ≤ ${EVAL_GOAL}× ${r.ratio <= EVAL_GOAL ? "ok" : "MISS"} |`,
    "",
    `${r.requests} scoring requests, ${r.throttled} answered 429.`,
  ].join("\n");
}

async function measureEvaluation(): Promise<EvalBenchResult> {
  const emu = await startEmulator({});
  try {
    const target = await setUp(emu.controlUrl, emu);
    const client = join(ROOT, "bench/src/evaluation-client.ts");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", client], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: emu.env.NODE_EXTRA_CA_CERTS, ...target },
      maxBuffer: 64 << 20,
    });
    const out = JSON.parse(stdout.trim().split("\n").pop()!) as {
      wallMs: number;
      meanLatencyMs: Record<string, number>;
      used: number;
    };
    const concurrency = PER_INSTANCE * INSTANCES;
    const floorMs = Math.max(...Object.values(out.meanLatencyMs).map((m) => (EXAMPLES * m) / concurrency));
    const requests = emu.scoring.requests.filter((x) => x.endpoint === target.BENCH_ENDPOINT);
    return {
      examples: out.used,
      concurrency,
      wallMs: out.wallMs,
      floorMs,
      ratio: out.wallMs / floorMs,
      meanLatencyMs: out.meanLatencyMs,
      requests: requests.length,
      throttled: requests.filter((x) => x.status === 429).length,
    };
  } finally {
    await emu.stop();
  }
}

/** A fine-tuned model (trained on the sample's first 200 conversations) and a base one behind one endpoint. */
async function setUp(
  controlUrl: string,
  emu: Awaited<ReturnType<typeof startEmulator>>,
): Promise<Record<string, string>> {
  const control = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${controlUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const sample = readFileSync(join(ROOT, "data/ultrachat-sample.jsonl"), "utf8").trim().split("\n");
  await control("/jobs", { name: "ft-bench", trainData: sample.slice(0, 200).join("\n") + "\n" });
  const ws = wsId(DEFAULTS.subscriptionId, DEFAULTS.resourceGroup, DEFAULTS.workspace);
  const model = `${ws}/models/phi3-bench/versions/1`;
  emu.arm.store.put({
    id: model,
    name: "1",
    type: "Microsoft.MachineLearningServices/workspaces/models/versions",
    properties: { modelUri: "azureml://jobs/ft-bench/outputs/trained_model", flavors: {} },
  });
  const requestSettings = { requestTimeout: "PT10S", maxConcurrentRequestsPerInstance: PER_INSTANCE };
  const d = { traffic: 50, requestSettings, instanceCount: INSTANCES };
  const { endpoint, keys } = await control<{
    endpoint: { properties: { scoringUri: string } };
    keys: { primaryKey: string };
  }>("/endpoints", {
    name: "bench-eval",
    deployments: [
      { name: "green", model, ...d },
      { name: "blue", model: `${ws}/models/phi3-base/versions/1`, ...d },
    ],
  });
  await control("/scoring/rules", { endpoint: "bench-eval", latencyMs: LATENCY_MS });
  return {
    BENCH_SCORING_URI: endpoint.properties.scoringUri,
    BENCH_KEY: keys.primaryKey,
    BENCH_ENDPOINT: "bench-eval",
    BENCH_CONCURRENCY: String(PER_INSTANCE * INSTANCES),
    BENCH_EXAMPLES: String(EXAMPLES),
    BENCH_DATA: join(ROOT, "data/ultrachat-sample.jsonl"),
  };
}
