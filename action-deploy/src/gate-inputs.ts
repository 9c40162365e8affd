/**
 * The evaluation gate's inputs (`eval-data`, `gate`, `gate-metric`, `gate-tolerance`, `max-examples`,
 * `eval-timeout-minutes`), checked with the other inputs before any cloud call.
 */
import { existsSync, statSync } from "node:fs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { looksLikeDataAsset, parseDataAssetRef } from "@phi3-aml/shared/evaluation/data-ref";
import { checkPathInput } from "@phi3-aml/shared/paths";

const GATE_MODES = ["on", "report", "off"] as const;
type GateMode = (typeof GATE_MODES)[number];

/** The metrics the gate can judge on (F-measures, 0..1): the ones ported exactly from azure-ai-evaluation. */
const GATE_METRICS = ["f1", "rouge1", "rouge2", "rougeL"] as const;
type GateMetric = (typeof GATE_METRICS)[number];

/** Where the held-out conversations come from: a file of the repository, or an Azure ML data asset. */
export type EvalData = { kind: "file"; path: string; input: string } | { kind: "asset"; ref: string };

export interface GateInputs {
  /** off: no evaluation at all; report: evaluate, never block; on: block a candidate that is worse. */
  mode: GateMode;
  data?: EvalData;
  metric: GateMetric;
  tolerance: number;
  maxExamples: number;
  timeoutMs: number;
}

export function readGateInputs(i: Inputs): GateInputs {
  const text = i.string("eval-data");
  const data = text === undefined ? undefined : evalData(i, text);
  const mode = i.enum("gate", GATE_MODES, { default: text ? "on" : "off", caseInsensitive: true }) ?? "off";
  if (mode !== "off" && text === undefined)
    i.problem(
      "gate",
      mode,
      "needs eval-data: give the held-out conversations (action-dataset's validation-data output, or a JSONL file of the repository), or set gate: off",
    );
  return {
    mode,
    data,
    metric: i.enum("gate-metric", GATE_METRICS, { default: "f1" }) ?? "f1",
    tolerance: i.float("gate-tolerance", { default: 0.02, min: 0, max: 1 }) ?? 0.02,
    maxExamples: i.int("max-examples", { default: 200, min: 1, max: 5000 }) ?? 200,
    timeoutMs: (i.float("eval-timeout-minutes", { default: 30, min: 0, exclusiveMin: true, max: 360 }) ?? 30) * 60_000,
  };
}

function evalData(i: Inputs, text: string): EvalData | undefined {
  // azureml:<name>:<version>, or the data version's ARM id (action-dataset's validation-data output).
  if (parseDataAssetRef(text)) return { kind: "asset", ref: text };
  if (looksLikeDataAsset(text)) {
    i.problem(
      "eval-data",
      text,
      "is not a data asset reference: use azureml:<name>:<version> or the data version's ARM id (action-dataset's validation-data output)",
    );
    return undefined;
  }
  const path = checkPathInput(i, "eval-data", text, "read");
  if (path === undefined) return undefined;
  if (!existsSync(path) || !statSync(path).isFile()) {
    i.problem("eval-data", text, "is not a file: give a JSONL of chat conversations in the repository");
    return undefined;
  }
  return { kind: "file", path, input: text };
}
