/**
 * action-evaluate's inputs, all checked before any request: either `pairs` (score given responses, no Azure
 * at all), or an endpoint's candidate `deployment` (and `baseline-deployment`) on `eval-data`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { checkName, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";
import { checkPathInput } from "@phi3-aml/shared/paths";
import { looksLikeDataAsset, parseDataAssetRef } from "@phi3-aml/shared/evaluation/data-ref";
import type { GateMode, GateSettings } from "@phi3-aml/shared/evaluation/gate";
import type { MetricName } from "@phi3-aml/shared/evaluation/metrics/index";
import type { CommentWhen } from "@phi3-aml/shared/pr-comment";

/** The metrics that can gate or have a floor: F1 and ROUGE (BLEU and GLEU are reported only). */
const GATE_METRICS = ["f1", "rouge1", "rouge2", "rougeL"] as const satisfies readonly MetricName[];
const FLOOR_INPUTS = GATE_METRICS.map((m) => [m, `min-${m.toLowerCase()}`] as const);

/** Largest local file read (eval-data, pairs). */
const MAX_FILE_BYTES = 256 << 20;

type EvalData = { kind: "file"; path: string; input: string } | { kind: "asset"; ref: string };

export interface EvaluateInputs {
  mode: "pairs" | "deployments";
  /** pairs: the JSONL text, read. */
  pairsText?: string;
  pairsPath?: string;
  endpoint?: string;
  deployment?: string;
  baselineDeployment?: string;
  evalData?: EvalData;
  gate: GateSettings & { mode: GateMode };
  maxExamples: number;
  maxNewTokens?: number;
  parameters: Record<string, unknown>;
  timeoutSeconds: number;
  retries: number;
  /** Requests in flight per deployment; otherwise read from each deployment. */
  concurrency?: number;
  evalTimeoutMinutes: number;
  comment: CommentWhen;
  githubToken?: string;
  azure?: AzureSettings;
}

export function readInputs(i: Inputs): EvaluateInputs {
  const pairsPath = i.string("pairs");
  const mode = pairsPath ? "pairs" : "deployments";
  const target = mode === "pairs" ? refuseTargetWithPairs(i) : readTarget(i);
  return {
    mode,
    ...(pairsPath ? readPairsFile(i, pairsPath) : {}),
    ...target,
    gate: readGate(i),
    maxExamples: i.int("max-examples", { default: 200, min: 1, max: 10_000 }) ?? 200,
    maxNewTokens: i.int("max-new-tokens", { min: 1, max: 4096 }),
    parameters: i.jsonObject<Record<string, unknown>>("parameters", {
      values: "any",
      example: '{"repetition_penalty": 1.1}',
    }),
    timeoutSeconds: i.duration("timeout-seconds", { default: 90, min: 1, max: 600 }) ?? 90,
    retries: i.int("retries", { default: 5, min: 0, max: 10 }) ?? 5,
    concurrency: i.int("concurrency", { min: 1, max: 64 }),
    evalTimeoutMinutes: i.float("eval-timeout-minutes", { default: 30, min: 0.05, max: 360 }) ?? 30,
    comment: i.enum("comment", ["auto", "always", "never"] as const, { default: "auto" }) ?? "auto",
    githubToken: i.string("github-token"),
    azure: mode === "deployments" ? readAzureInputs(i) : undefined,
  };
}

function readGate(i: Inputs): EvaluateInputs["gate"] {
  const floors: Partial<Record<MetricName, number>> = {};
  for (const [metric, input] of FLOOR_INPUTS) {
    const v = i.float(input, { min: 0, max: 1 });
    if (v !== undefined) floors[metric] = v;
  }
  return {
    mode: i.enum("gate", ["on", "report", "off"] as const, { default: "on" }) ?? "on",
    metric: i.enum("gate-metric", GATE_METRICS, { default: "f1" }) ?? "f1",
    tolerance: i.float("gate-tolerance", { default: 0.02, min: 0, max: 1 }) ?? 0.02,
    floors,
  };
}

function refuseTargetWithPairs(i: Inputs): Partial<EvaluateInputs> {
  for (const name of ["endpoint", "deployment", "baseline-deployment", "eval-data"])
    if (i.raw(name))
      i.problem(
        name,
        i.raw(name),
        "is given with pairs: pairs scores given responses without calling any endpoint; give one or the other",
      );
  return {};
}

function readTarget(i: Inputs): Partial<EvaluateInputs> {
  const endpoint = i.string("endpoint");
  if (!endpoint)
    i.problem("endpoint", "", "is missing: give the online endpoint to evaluate, or pairs to score given responses");
  else if (checkName(ONLINE_ENDPOINT, endpoint))
    i.problem("endpoint", endpoint, `is not a valid ${ONLINE_ENDPOINT.what}: ${ONLINE_ENDPOINT.rule}`);
  const deployment = readDeployment(i, "deployment", true);
  const baselineDeployment = readDeployment(i, "baseline-deployment", false);
  if (deployment && baselineDeployment && deployment.toLowerCase() === baselineDeployment.toLowerCase())
    i.problem(
      "baseline-deployment",
      baselineDeployment,
      "is the candidate deployment itself: give the deployment in production, or leave it empty",
    );
  return { endpoint, deployment, baselineDeployment, evalData: readEvalData(i) };
}

function readDeployment(i: Inputs, name: string, required: boolean): string | undefined {
  const v = i.string(name);
  if (!v && required) i.problem(name, "", "is missing: the deployment to evaluate (the candidate)");
  if (v && checkName(ONLINE_DEPLOYMENT, v))
    i.problem(name, v, `is not a valid ${ONLINE_DEPLOYMENT.what}: ${ONLINE_DEPLOYMENT.rule}`);
  return v;
}

function readEvalData(i: Inputs): EvalData | undefined {
  const v = i.string("eval-data");
  if (!v) {
    i.problem(
      "eval-data",
      "",
      "is missing: a JSONL of chat conversations in the repository, or a data asset (azureml:<name>:<version>, or action-dataset's validation-data output)",
    );
    return undefined;
  }
  if (looksLikeDataAsset(v)) {
    if (!parseDataAssetRef(v))
      i.problem(
        "eval-data",
        v,
        "is not a data asset reference; expected azureml:<name>:<version> or /subscriptions/.../workspaces/<ws>/data/<name>/versions/<version>",
      );
    return { kind: "asset", ref: v };
  }
  const path = checkReadableFile(i, "eval-data", v);
  return path ? { kind: "file", path, input: v } : undefined;
}

function readPairsFile(i: Inputs, value: string): Partial<EvaluateInputs> {
  const path = checkReadableFile(i, "pairs", value);
  return path ? { pairsPath: value, pairsText: readFileSync(path, "utf8") } : {};
}

/** A file in the repository (shared/src/paths.ts rules), existing and not too large. */
function checkReadableFile(i: Inputs, input: string, value: string): string | undefined {
  const path = checkPathInput(i, input, value, "read");
  if (!path) return undefined;
  if (!existsSync(path) || !statSync(path).isFile()) {
    i.problem(input, value, "is not a file in the repository (paths are relative to the repository root)");
    return undefined;
  }
  if (statSync(path).size > MAX_FILE_BYTES) {
    i.problem(input, value, `is larger than ${MAX_FILE_BYTES >> 20} MB; give a smaller file`);
    return undefined;
  }
  return path;
}
