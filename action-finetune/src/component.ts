/**
 * The fine-tune component's declared inputs, and the hyperparameters checked against them before any job
 * is submitted. The registry answers a component version with its spec (the YAML's content as JSON) in
 * `properties.componentSpec`; reading the inputs from there, rather than from a list kept here, keeps the
 * check right for whichever component version the action resolves.
 */
import { dict, own } from "@phi3-aml/shared/lookup";

/** One declared input of a component spec. Numbers may come back from the service as strings. */
interface ComponentInput {
  type: string;
  optional?: boolean | string;
  default?: unknown;
  enum?: unknown[];
  min?: number | string;
  max?: number | string;
  description?: string;
  mode?: string;
}

interface ComponentOutput {
  type: string;
  description?: string;
  mode?: string;
}

export interface ComponentSpec {
  name?: string;
  version?: string;
  type?: string;
  inputs: Record<string, ComponentInput>;
  outputs: Record<string, ComponentOutput>;
}

/** A hyperparameter as the action's inputs hold it (typed inputs and the `hyperparameters` JSON). */
export type HyperValue = string | number | boolean;

export const COMPONENT_NAME = "chat_completion_pipeline";

/** The component inputs that the typed action inputs set (mirrors inputs.ts; a test keeps them equal). */
export const TYPED_INPUTS: Readonly<Record<string, string>> = {
  num_train_epochs: "epochs",
  learning_rate: "learning-rate",
  lr_scheduler_type: "lr-scheduler-type",
  per_device_train_batch_size: "batch-size",
  gradient_accumulation_steps: "gradient-accumulation-steps",
  max_seq_length: "max-seq-length",
  warmup_steps: "warmup-steps",
  weight_decay: "weight-decay",
  apply_lora: "lora",
  lora_r: "lora-r",
  lora_alpha: "lora-alpha",
  lora_dropout: "lora-dropout",
  apply_deepspeed: "deepspeed",
  seed: "seed",
};

/**
 * Component inputs the action sets itself, and from what. Giving one in `hyperparameters` is an error: two
 * places deciding the same thing is how a job ends up on the wrong cluster or with the wrong data.
 */
export const ACTION_SET_INPUTS: Readonly<Record<string, string>> = {
  mlflow_model_path: "the model, model-version or model-asset input",
  pytorch_model_path: "the model-asset input",
  huggingface_id: "the huggingface-id input",
  num_nodes_finetune: "the nodes input",
  instance_type_finetune: "the vm-size input (with compute: serverless)",
  instance_type_model_evaluation: "the vm-size input (with compute: serverless)",
  train_file_path: "the train-data input",
  validation_file_path: "the validation-data input",
  task_name: "the action (always ChatCompletion)",
  compute_model_import: "the compute input",
  compute_preprocess: "the compute input",
  compute_finetune: "the compute input",
  compute_model_evaluation: "the compute input",
  number_of_gpu_to_use_finetuning: "the gpus-per-node input (default: the GPUs of the VM size)",
  finetune_config_path: "the finetune-config input",
  trust_remote_code: "the trust-remote-code input",
};

/** What the action needs the component to declare: the inputs it sets and the output it wires. */
const NEEDED_INPUTS: Readonly<Record<string, string>> = {
  num_nodes_finetune: "integer",
  train_file_path: "uri_file",
  validation_file_path: "uri_file",
  compute_model_import: "string",
  compute_preprocess: "string",
  compute_finetune: "string",
  compute_model_evaluation: "string",
  number_of_gpu_to_use_finetuning: "integer",
};
export const MODEL_OUTPUT = "mlflow_model_folder";

const LITERAL_TYPES = new Set(["string", "integer", "number", "boolean"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const isNumberOrString = (v: unknown): v is number | string => typeof v === "number" || typeof v === "string";
const isString = (v: unknown): v is string => typeof v === "string";

/**
 * A declared input or output as the registry returns it (a JSON object with a `type`), as the typed
 * declaration the checks read: each optional field kept when it has the type they expect, left out otherwise.
 */
function declarationOf(decl: unknown): ComponentInput | undefined {
  if (!isObject(decl) || !isString(decl.type)) return undefined;
  const d: ComponentInput = { type: decl.type };
  if (typeof decl.optional === "boolean" || isString(decl.optional)) d.optional = decl.optional;
  if (decl.default !== undefined) d.default = decl.default;
  if (Array.isArray(decl.enum)) d.enum = decl.enum;
  if (isNumberOrString(decl.min)) d.min = decl.min;
  if (isNumberOrString(decl.max)) d.max = decl.max;
  if (isString(decl.description)) d.description = decl.description;
  if (isString(decl.mode)) d.mode = decl.mode;
  return d;
}

/**
 * The spec of a component version resource as the registry returns it. Throws when it has none, since
 * nothing could be checked (and the job body could not be trusted) without it.
 */
export function componentSpecOf(resource: unknown, what = COMPONENT_NAME): ComponentSpec {
  const spec = isObject(resource) && isObject(resource.properties) ? resource.properties.componentSpec : undefined;
  if (!isObject(spec) || !isObject(spec.inputs)) {
    throw new Error(
      `The registry returned ${what} without its component spec (properties.componentSpec with inputs), so its inputs cannot be checked.`,
    );
  }
  const inputs = dict<ComponentInput>();
  for (const [name, decl] of Object.entries(spec.inputs)) {
    const d = declarationOf(decl);
    if (d) inputs[name] = d;
  }
  const outputs = dict<ComponentOutput>();
  for (const [name, decl] of Object.entries(isObject(spec.outputs) ? spec.outputs : {})) {
    const d = declarationOf(decl);
    if (d) outputs[name] = d;
  }
  return {
    name: typeof spec.name === "string" ? spec.name : undefined,
    version:
      typeof spec.version === "string" ? spec.version : spec.version === undefined ? undefined : String(spec.version),
    type: typeof spec.type === "string" ? spec.type : undefined,
    inputs,
    outputs,
  };
}

/** "chat_completion_pipeline 0.0.65", for messages. */
export const specLabel = (spec: ComponentSpec) => [spec.name ?? COMPONENT_NAME, spec.version].filter(Boolean).join(" ");

const isOptional = (d: ComponentInput) => d.optional === true || String(d.optional).toLowerCase() === "true";

/**
 * Problems with the component itself: an input or output this action relies on that the version does not
 * declare (another version may rename them), and required inputs without a default that nothing sets.
 */
export function checkComponent(
  spec: ComponentSpec,
  hyperparameterKeys: Iterable<string> = [],
  extraNeeded: Readonly<Record<string, string>> = { mlflow_model_path: "mlflow_model" },
): string[] {
  const label = specLabel(spec);
  const problems: string[] = [];
  for (const [name, type] of Object.entries({ ...NEEDED_INPUTS, ...extraNeeded })) {
    const d = own(spec.inputs, name);
    if (!d)
      problems.push(
        `${label} declares no input ${name} (${type}), which this action sets; choose another component-version.`,
      );
    else if (d.type.toLowerCase() !== type)
      problems.push(
        `${label} declares ${name} as ${d.type}, not ${type} as this action sends it; choose another component-version.`,
      );
  }
  const out = spec.outputs[MODEL_OUTPUT];
  if (!out)
    problems.push(
      `${label} declares no output ${MODEL_OUTPUT}, which this action publishes as trained_model; choose another component-version.`,
    );
  else if (out.type.toLowerCase() !== "mlflow_model")
    problems.push(
      `${label} declares ${MODEL_OUTPUT} as ${out.type}, not mlflow_model; choose another component-version.`,
    );
  const given = new Set([...Object.keys(ACTION_SET_INPUTS), ...hyperparameterKeys]);
  for (const [name, d] of Object.entries(spec.inputs)) {
    if (!isOptional(d) && d.default === undefined && !given.has(name)) {
      problems.push(
        `${label} requires the input ${name} (${d.type}), which has no default; give it in hyperparameters.`,
      );
    }
  }
  return problems;
}

interface HyperparameterProblem {
  /** The action input to blame: the typed input for its component input, else `hyperparameters`. */
  input: string;
  /** The component input (the key). */
  key: string;
  value: string;
  /** A complete sentence naming the key, the value and what would be accepted. */
  message: string;
}

export interface HyperparameterCheck {
  /** Every hyperparameter as the literal string the job sends (booleans as "true"/"false"). */
  values: Record<string, string>;
  problems: HyperparameterProblem[];
  /** Things that are allowed but probably not meant (an input with no effect here). */
  notes: string[];
}

/**
 * Checks hyperparameters (component input name → value) against the component's declared inputs: unknown
 * keys (with the nearest declared input), inputs the action sets itself, file inputs, types, enums and
 * min/max. Returns the values as the literals the job sends.
 */
export function checkHyperparameters(
  spec: ComponentSpec,
  hyperparameters: Readonly<Record<string, HyperValue>>,
  o: { serverless?: boolean } = {},
): HyperparameterCheck {
  const label = specLabel(spec);
  const names = Object.keys(spec.inputs);
  const values = dict<string>();
  const problems: HyperparameterProblem[] = [];
  const notes: string[] = [];
  for (const [key, raw] of Object.entries(hyperparameters)) {
    const input = own(TYPED_INPUTS, key) ?? "hyperparameters";
    const shown = typeof raw === "string" ? JSON.stringify(raw) : String(raw);
    const problem = (message: string) => problems.push({ input, key, value: String(raw), message });
    const setBy = own(ACTION_SET_INPUTS, key);
    if (setBy) {
      problem(`${key} is set by ${setBy}; set that instead of giving it in hyperparameters.`);
      continue;
    }
    const decl = own(spec.inputs, key);
    if (!decl) {
      const near = nearestInput(
        key,
        names.filter((n) => !own(ACTION_SET_INPUTS, n)),
      );
      problem(
        `${JSON.stringify(key)} is not an input of ${label}${near ? `; did you mean ${JSON.stringify(near)}?` : "."}`,
      );
      continue;
    }
    const type = decl.type.toLowerCase();
    if (!LITERAL_TYPES.has(type)) {
      problem(
        `${key} is a ${decl.type} input of ${label} (a file or model, not a value); this action does not pass assets to it.`,
      );
      continue;
    }
    const checked = literalFor(type, decl, raw);
    if ("wrong" in checked) {
      problem(`${key} = ${shown} ${checked.wrong}`);
      continue;
    }
    values[key] = checked.value;
  }

  // Allowed, but likely not what was meant.
  if ("batch_size" in values)
    notes.push(
      "batch_size is the tokenization batch of the preprocessing step; the training batch is per_device_train_batch_size (the batch-size input).",
    );
  for (const key of ["lora_r", "lora_alpha", "lora_dropout", "merge_lora_weights"]) {
    if (key in values && values.apply_lora !== "true")
      notes.push(`${key} has an effect only with apply_lora = "true" (the lora input).`);
  }
  if ("deepspeed_stage" in values && values.apply_deepspeed !== "true")
    notes.push('deepspeed_stage has an effect only with apply_deepspeed = "true" (the deepspeed input).');
  if (!o.serverless)
    for (const key of Object.keys(values).filter((k) => k.startsWith("instance_type_"))) {
      notes.push(
        `${key} has no effect: it applies to serverless compute, and this action runs every step on the compute cluster.`,
      );
    }
  return { values, problems, notes };
}

/** A value as the literal string a pipeline node input carries. */
export function literalValue(v: HyperValue): string {
  return typeof v === "boolean" ? (v ? "true" : "false") : String(v);
}

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function literalFor(type: string, d: ComponentInput, raw: HyperValue): { value: string } | { wrong: string } {
  const range = rangeText(d);
  let value: string;
  if (type === "integer" || type === "number") {
    const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
    const n = typeof raw === "number" ? raw : Number(text);
    const whole = type === "integer";
    if (
      typeof raw === "boolean" ||
      !Number.isFinite(n) ||
      (typeof raw === "string" && !(whole ? INTEGER : NUMBER).test(text))
    ) {
      return {
        wrong: `is not ${whole ? "a whole number" : "a number"}; it takes ${whole ? "an integer" : "a number"}${range ? ` ${range}` : ""}.`,
      };
    }
    if (whole && !Number.isSafeInteger(n))
      return { wrong: `is not a whole number; it takes an integer${range ? ` ${range}` : ""}.` };
    const min = numberOr(d.min);
    const max = numberOr(d.max);
    if ((min !== undefined && n < min) || (max !== undefined && n > max))
      return { wrong: `is out of range; it takes ${range}.` };
    value = typeof raw === "number" ? String(raw) : text;
  } else if (type === "boolean") {
    const text = String(raw).trim().toLowerCase();
    if (text !== "true" && text !== "false") return { wrong: "is not a boolean; it takes true or false." };
    value = text;
  } else {
    // Boolean-ish string inputs of this component are enums of "true"/"false": a boolean is sent as that string.
    value = literalValue(typeof raw === "string" ? raw.trim() : raw);
    if (value === "") return { wrong: "is empty; leave the key out to use the component's default." };
  }
  if (Array.isArray(d.enum) && d.enum.length > 0) {
    const allowed = d.enum.map(String);
    if (allowed.includes(value)) return { value };
    // A difference of case only is what was meant (Cosine for cosine, True for "true").
    const folded = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (folded !== undefined) return { value: folded };
    const near = nearestInput(value, allowed);
    return {
      wrong: `is not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}${near ? `; did you mean ${JSON.stringify(near)}?` : "."}`,
    };
  }
  return { value };
}

function numberOr(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function rangeText(d: ComponentInput): string {
  const min = numberOr(d.min);
  const max = numberOr(d.max);
  return [min === undefined ? "" : `at least ${min}`, max === undefined ? "" : `at most ${max}`]
    .filter(Boolean)
    .join(" and ");
}

const normal = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
const tokens = (s: string) => normal(s).split("_").filter(Boolean);

/**
 * The declared name a mistyped one most likely meant, in this order: the component input behind an action
 * input name (batch-size → per_device_train_batch_size), the same name written another way (case,
 * hyphens), a typo (two edits at most), a name containing every word of it (eval_batch_size →
 * per_device_eval_batch_size), a few more edits (a third of its length), or a shared word
 * (warmup_ratio → warmup_steps).
 */
export function nearestInput(key: string, names: readonly string[]): string | undefined {
  const k = normal(key);
  if (!k) return undefined;
  const typed = Object.entries(TYPED_INPUTS).find(
    ([comp, action]) => action.toLowerCase() === key.trim().toLowerCase() && names.includes(comp),
  );
  if (typed) return typed[0];
  const same = names.find((n) => normal(n) === k);
  if (same) return same;

  const scored = names
    .map((n) => ({ n, d: editDistance(k, normal(n)) }))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  const best = scored[0];
  if (best && best.d <= 2) return best.n;

  const words = tokens(key);
  const containing = names
    .filter((n) => words.every((w) => tokens(n).includes(w)))
    .sort((a, b) => tokens(a).length - tokens(b).length || a.localeCompare(b));
  if (containing[0]) return containing[0];
  if (best && best.d <= Math.floor(k.length / 3)) return best.n;

  const sharing = names
    .map((n) => ({
      n,
      shared: words.filter((w) => w.length >= 3 && tokens(n).includes(w)).length,
      d: editDistance(k, normal(n)),
    }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || a.d - b.d || a.n.localeCompare(b.n));
  return sharing[0]?.n;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The component's defaults for the training inputs the typed inputs name, for the summary. */
export function typedDefaults(spec: ComponentSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(TYPED_INPUTS)) {
    const d = own(spec.inputs, key)?.default;
    if (d !== undefined && d !== null) out[key] = String(d);
  }
  return out;
}
