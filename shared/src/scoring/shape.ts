/**
 * Which request shape the endpoint reads, found out once per run.
 *
 * The client sends the walkthrough's "flat" shape first. When the endpoint rejects it as unreadable input, it
 * sends the "nested" shape once; whichever was answered is remembered for the rest of the run, so every later
 * request goes out in that shape at the first try.
 */
import type { PayloadShape } from "./payload.js";

/**
 * Bodies that say the input could not be read. With a 400 or 424 only: any other status is not about the
 * request's shape.
 *
 * - A fine-tuned model behind the MLflow scoring script (Azure/azureml-assets
 *   assets/inference/environments/mlflow-ubuntu20.04-py39-cpu-inference/context/mlflow_score_script.py) fails
 *   in `run()` when `input_string` is not a batch; the inference server then answers 500
 *   `{"message": "An unexpected error occurred in scoring script. Check the logs for more info."}`
 *   (azureml-inference-server-http, `handle_score` → UserScriptException), which the managed online endpoint
 *   passes on as 424 Failed Dependency. It is the same text for every failure of the script, which is why the
 *   nested shape is tried once only and a second failure is reported as it is.
 * - The inference server answers 400 with inference-schema's message when the input does not fit the
 *   deployment's signature ("A value is not provided for the 'input_data' parameter.", azureml-examples #3385).
 * - Hand-written scoring scripts and vLLM-style servers say "invalid input", "could not parse", "expected a
 *   list" and the like.
 */
const UNREADABLE_INPUT: readonly RegExp[] = [
  /unexpected error occurred in scoring script/i,
  /\binput_(string|data)\b/i,
  /\b(could not|cannot|can't|unable to|failed to)\b.{0,40}\b(read|pars(e|ing)|deserializ(e|ing)|decod(e|ing))/i,
  /\b(invalid|unexpected|malformed|unsupported|bad)\b.{0,30}\binput/i,
  /\bexpected\b.{0,40}\b(list|array)\b/i,
  /\blist of (lists|messages|dict)/i,
];

/** True when this answer rejects the request's shape (rather than the key, the endpoint or the model). */
export function rejectsShape(status: number, body: string): boolean {
  if (status !== 400 && status !== 424) return false;
  return UNREADABLE_INPUT.some((re) => re.test(body));
}

/** The shape to try after `shape` was rejected, or undefined when there is none left. */
export function fallbackFor(shape: PayloadShape): PayloadShape | undefined {
  return shape === "flat" ? "nested" : undefined;
}

/**
 * What worked, for the rest of the run. `known` is undefined until an endpoint answered (2xx) one shape.
 * Concurrent first requests may each try both shapes; from the first answer on, every request uses the
 * shape that was answered.
 */
export class ShapeMemory {
  known: PayloadShape | undefined;

  constructor(initial?: PayloadShape) {
    this.known = initial;
  }

  /** The shape for the next first try. */
  get first(): PayloadShape {
    return this.known ?? "flat";
  }

  /** Record the shape an endpoint answered; the first answer wins. */
  answered(shape: PayloadShape): void {
    this.known ??= shape;
  }
}
