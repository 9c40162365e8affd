import { own } from "@phi3-aml/shared/lookup";
import { huggingFaceIdProblem } from "./hf-id.js";
import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import {
  checkTagsInput,
  checkTextInput,
  EXPERIMENT_NAME,
  JOB_DISPLAY_NAME,
  JOB_TAGS,
  type TextLimit,
} from "@phi3-aml/shared/limits";
import { checkName, COMPUTE, JOB } from "@phi3-aml/shared/names";
import { standardTags } from "@phi3-aml/shared/tags";
import { TYPED_INPUTS as TYPED_INPUT_OF } from "./component.js";
import { readFinetuneConfig, type FinetuneConfig } from "./finetune-config.js";

const LR_SCHEDULERS = [
  "linear",
  "cosine",
  "cosine_with_restarts",
  "polynomial",
  "constant",
  "constant_with_warmup",
] as const;

/** Where the base model comes from: exactly one of the model, huggingface-id and model-asset inputs. */
type ModelSource =
  | { kind: "catalog"; name: string; version?: string }
  | { kind: "huggingface"; id: string }
  | { kind: "asset"; ref: string };

/** The default model source: Phi-3-mini-4k-instruct from Hugging Face (the catalog entry is retired). */
const DEFAULT_HUGGINGFACE_ID = "microsoft/Phi-3-mini-4k-instruct";
export const SERVERLESS = "serverless";

export interface FinetuneInputs {
  source: ModelSource;
  /** Registry of the component, of a catalog model, and of the catalog entry read for a Hugging Face model. */
  registry: string;
  componentVersion?: string;
  trainData?: string;
  validationData?: string;
  compute: string;
  vmSize: string;
  minNodes: number;
  maxNodes: number;
  idleSeconds: number;
  gpusPerNode?: number;
  /** num_nodes_finetune. */
  nodes: number;
  /** ARM id of a user-assigned managed identity for the cluster. */
  identity?: string;
  /** True for compute: serverless (no cluster; the component's instance_type_* inputs). */
  serverless: boolean;
  /** finetune-config: a repository JSON file or a data asset, for finetune_config_path (component 0.0.82+). */
  finetuneConfig?: FinetuneConfig;
  /** trust-remote-code: trust_remote_code (component 0.0.82+). */
  trustRemoteCode: boolean;
  /** Values of the typed inputs (component input → value): they win over the hyperparameters JSON. */
  typed: Record<string, string | number | boolean>;
  /** The hyperparameters JSON. */
  extra: Record<string, string | number | boolean>;
  /** Typed inputs and JSON together, typed winning (what the job is given before the model's defaults). */
  hyperparameters: Record<string, string | number | boolean>;
  /** Lines for the log: a key given both typed and in the JSON. */
  inputNotes: string[];
  experiment: string;
  displayName?: string;
  tags: Record<string, string>;
  wait: boolean;
  timeoutMinutes: number;
  job?: string;
  azure: AzureSettings;
}

const DATA = /^(azureml:|\/subscriptions\/|https:\/\/)/i;

/** A data input: required unless the action follows an existing job, and an asset id or URI. */
function readData(i: Inputs, name: string, job: string | undefined): string | undefined {
  const v = i.string(name, { required: !job });
  if (v && !DATA.test(v))
    i.problem(
      name,
      v,
      "is not a data asset id or URI; expected azureml:<name>:<version>, an ARM id /subscriptions/.../data/<name>/versions/<v>, or azureml://datastores/<store>/paths/<file>",
    );
  return v;
}

/** The typed training inputs, keyed by the component input each sets (undefined when not given). */
function readTypedHyperparameters(i: Inputs): Record<string, string | number | boolean | undefined> {
  return {
    num_train_epochs: i.int("epochs", { min: 1, max: 1000 }),
    learning_rate: i.float("learning-rate", { min: 0, max: 1, exclusiveMin: true }),
    lr_scheduler_type: i.enum("lr-scheduler-type", LR_SCHEDULERS),
    per_device_train_batch_size: i.int("batch-size", { min: 1, max: 1024 }),
    gradient_accumulation_steps: i.int("gradient-accumulation-steps", { min: 1, max: 1024 }),
    max_seq_length: i.int("max-seq-length", { min: 16, max: 131072 }),
    warmup_steps: i.int("warmup-steps", { min: 0 }),
    weight_decay: i.float("weight-decay", { min: 0, max: 1 }),
    apply_lora: i.boolean("lora"),
    lora_r: i.int("lora-r", { min: 1, max: 1024 }),
    lora_alpha: i.int("lora-alpha", { min: 1, max: 4096 }),
    lora_dropout: i.float("lora-dropout", { min: 0, max: 1, exclusiveMax: true }),
    apply_deepspeed: i.boolean("deepspeed"),
    seed: i.int("seed", { min: 0 }),
  };
}

/**
 * Typed inputs win over the JSON (the precedence Studio uses); the overridden value is said, never silent:
 * one line for each key given both ways.
 */
function overrideNotes(
  extra: Record<string, string | number | boolean> | undefined,
  hp: Record<string, string | number | boolean | undefined>,
): string[] {
  const inputNotes: string[] = [];
  for (const [key, value] of Object.entries(extra ?? {})) {
    const typed = Object.hasOwn(hp, key) ? hp[key] : undefined;
    if (typed === undefined) continue;
    const input = own(TYPED_INPUT_OF, key) ?? key;
    inputNotes.push(
      `hyperparameters sets ${key} to ${JSON.stringify(value)}, and the input ${input} sets it to ${JSON.stringify(typed)}: the input wins.`,
    );
  }
  return inputNotes;
}

/** num_nodes_finetune: on a cluster, no more than it can hold. */
function readNodes(i: Inputs, serverless: boolean, maxNodes: number): number {
  const nodes = i.int("nodes", { default: 1, min: 1, max: 100 }) ?? 1;
  if (!serverless)
    i.check(
      nodes <= maxNodes,
      "nodes",
      String(nodes),
      `is more than max-nodes (${maxNodes}): the cluster could never hold the job; raise max-nodes to at least ${nodes}, or lower nodes`,
    );
  return nodes;
}

/** The cluster's VM size. */
function readVmSize(i: Inputs): string {
  return (
    i.string("vm-size", {
      default: "Standard_NC24ads_A100_v4",
      pattern: /^Standard_[A-Za-z0-9_]+$/i,
      rule: "an Azure VM size such as Standard_NC24ads_A100_v4",
    }) ?? "Standard_NC24ads_A100_v4"
  );
}

/** Every input of the fine-tune action, checked before any request (defaults equal action.yml's). */
export function readInputs(i: Inputs): FinetuneInputs {
  const compute = i.string("compute", { default: "phi3-ft-a100" }) ?? "phi3-ft-a100";
  const badCompute = compute.toLowerCase() !== SERVERLESS && checkName(COMPUTE, compute);
  if (badCompute) i.problem("compute", compute, `is not a valid cluster name: ${COMPUTE.rule}`);
  const job = i.string("job");
  if (job && checkName(JOB, job)) i.problem("job", job, `is not a valid job name: ${JOB.rule}`);
  const minNodes = i.int("min-nodes", { default: 0, min: 0, max: 100 }) ?? 0;
  const maxNodes = i.int("max-nodes", { default: 1, min: 1, max: 100 }) ?? 1;
  i.check(minNodes <= maxNodes, "min-nodes", String(minNodes), `is more than max-nodes (${maxNodes})`);

  const hp = readTypedHyperparameters(i);
  const extra = i.jsonObject<Record<string, string | number | boolean>>("hyperparameters", {
    values: "scalar",
    example: '{"max_steps": 100}',
  });
  const tags = i.jsonObject<Record<string, string>>("tags", { values: "string", example: '{"team": "nlp"}' });
  // Azure's limits on job tags, display names and experiment names (shared/src/limits.ts).
  checkTagsInput(i, "tags", tags, JOB_TAGS, standardTags());
  const inputNotes = overrideNotes(extra, hp);
  const typed = defined(hp);
  const hyperparameters = { ...(extra ?? {}), ...typed };
  const serverless = compute.toLowerCase() === SERVERLESS;
  const nodes = readNodes(i, serverless, maxNodes);

  return {
    source: modelSource(i),
    registry: i.string("registry", { default: "azureml" }) ?? "azureml",
    componentVersion: i.string("component-version", { pattern: /^[\w.-]+$/, rule: "a version such as 0.0.63" }),
    trainData: readData(i, "train-data", job),
    validationData: readData(i, "validation-data", job),
    compute,
    vmSize: readVmSize(i),
    minNodes,
    maxNodes,
    idleSeconds: i.duration("idle-seconds", { default: 120, min: 0, max: 7 * 86400 }) ?? 120,
    gpusPerNode: i.int("gpus-per-node", { min: 1, max: 16 }),
    nodes,
    identity: identity(i),
    serverless,
    finetuneConfig: readFinetuneConfig(i),
    trustRemoteCode: i.boolean("trust-remote-code", { default: false }) ?? false,
    typed,
    extra: extra ?? {},
    hyperparameters,
    inputNotes,
    experiment: limited(i, "experiment", EXPERIMENT_NAME, "phi3-finetune") ?? "phi3-finetune",
    displayName: limited(i, "display-name", JOB_DISPLAY_NAME),
    tags,
    wait: i.boolean("wait", { default: true }) ?? true,
    timeoutMinutes: i.int("timeout-minutes", { default: 330, min: 1, max: 7 * 24 * 60 }) ?? 330,
    job,
    azure: readAzureInputs(i),
  };
}

/** A free-text input checked against Azure's length limit. */
function limited(i: Inputs, input: string, limit: TextLimit, fallback?: string): string | undefined {
  const v = i.string(input, { default: fallback }) ?? fallback;
  checkTextInput(i, input, v, limit);
  return v;
}

const defined = <T>(o: Record<string, T | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, T>;

const ASSET =
  /^(azureml:[A-Za-z0-9][\w.-]*:[\w.-]+|azureml:\/\/registries\/[^/]+\/models\/[^/]+\/versions\/[^/]+|\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/models\/[^/]+\/versions\/[^/]+)$/i;

/** Exactly one model source; none given means the default Hugging Face model. */
function modelSource(i: Inputs): ModelSource {
  const model = i.string("model");
  const version = i.string("model-version", { pattern: /^\d+$/, rule: "a version number such as 8" });
  const hf = i.string("huggingface-id");
  const badHf = hf !== undefined ? huggingFaceIdProblem(hf) : undefined;
  if (badHf) i.problem("huggingface-id", hf!, `${badHf} (an id such as microsoft/Phi-3-mini-4k-instruct)`);
  const asset = i.string("model-asset", {
    pattern: ASSET,
    rule: "azureml:<name>:<version>, azureml://registries/<registry>/models/<name>/versions/<version>, or a workspace model version's ARM id",
  });
  const given = (
    [
      ["model", model],
      ["huggingface-id", hf],
      ["model-asset", asset],
    ] as const
  ).filter(([, v]) => v);
  if (given.length > 1)
    i.problem(
      given[1]![0],
      given[1]![1]!,
      `is given together with ${given[0]![0]} (${given[0]![1]}): give exactly one model source (model for a catalog model, huggingface-id for a Hugging Face model, model-asset for a registered model)`,
    );
  if (version && !model)
    i.problem("model-version", version, "applies to a catalog model only: give model as well, or leave it empty");
  if (model) return { kind: "catalog", name: model, version };
  if (asset) return { kind: "asset", ref: asset };
  return { kind: "huggingface", id: hf ?? DEFAULT_HUGGINGFACE_ID };
}

const IDENTITY =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[\w.()-]{1,90}\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[A-Za-z0-9][\w-]{2,127}$/i;

function identity(i: Inputs): string | undefined {
  return i.string("identity", {
    pattern: IDENTITY,
    rule: "a user-assigned managed identity's resource id: /subscriptions/<subscription-id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name> (az identity show --query id)",
  });
}
