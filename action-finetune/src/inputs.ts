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

export const LR_SCHEDULERS = [
  "linear",
  "cosine",
  "cosine_with_restarts",
  "polynomial",
  "constant",
  "constant_with_warmup",
] as const;

export interface FinetuneInputs {
  model: string;
  modelVersion?: string;
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
  hyperparameters: Record<string, string | number | boolean>;
  experiment: string;
  displayName?: string;
  tags: Record<string, string>;
  wait: boolean;
  timeoutMinutes: number;
  job?: string;
  azure: AzureSettings;
}

const DATA = /^(azureml:|\/subscriptions\/|https:\/\/)/i;

/** Every input of the fine-tune action, checked before any request (defaults equal action.yml's). */
export function readInputs(i: Inputs): FinetuneInputs {
  const compute = i.string("compute", { default: "phi3-ft-a100" }) ?? "phi3-ft-a100";
  const badCompute = checkName(COMPUTE, compute);
  if (badCompute) i.problem("compute", compute, `is not a valid cluster name: ${COMPUTE.rule}`);
  const job = i.string("job");
  if (job && checkName(JOB, job)) i.problem("job", job, `is not a valid job name: ${JOB.rule}`);
  const data = (name: string) => {
    const v = i.string(name, { required: !job });
    if (v && !DATA.test(v))
      i.problem(
        name,
        v,
        "is not a data asset id or URI; expected azureml:<name>:<version>, an ARM id /subscriptions/.../data/<name>/versions/<v>, or azureml://datastores/<store>/paths/<file>",
      );
    return v;
  };
  const minNodes = i.int("min-nodes", { default: 0, min: 0, max: 100 }) ?? 0;
  const maxNodes = i.int("max-nodes", { default: 1, min: 1, max: 100 }) ?? 1;
  i.check(minNodes <= maxNodes, "min-nodes", String(minNodes), `is more than max-nodes (${maxNodes})`);

  const hp: Record<string, string | number | boolean | undefined> = {
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
  const extra = i.jsonObject<Record<string, string | number | boolean>>("hyperparameters", {
    values: "scalar",
    example: '{"max_steps": 100}',
  });
  const tags = i.jsonObject<Record<string, string>>("tags", { values: "string", example: '{"team": "nlp"}' });
  // Azure's limits on job tags, display names and experiment names (shared/src/limits.ts).
  checkTagsInput(i, "tags", tags, JOB_TAGS, standardTags());
  // A component input given twice, by its typed input and in the JSON, is a mistake to report, not a
  // silent choice of one: the job would run with a value the reader of the workflow did not expect.
  for (const [key, value] of Object.entries(extra ?? {})) {
    const typed = hp[key];
    if (typed === undefined) continue;
    const input = TYPED_INPUT_OF[key] ?? key;
    i.problem(
      "hyperparameters",
      "",
      `sets ${key} to ${JSON.stringify(value)}, but the input ${input} sets it to ${JSON.stringify(typed)}; give it in one place: the ${input} input, or here and not there.`,
    );
  }
  const hyperparameters = Object.fromEntries(
    Object.entries({ ...hp, ...extra }).filter(([, v]) => v !== undefined),
  ) as Record<string, string | number | boolean>;

  return {
    model: i.string("model", { default: "Phi-3-mini-4k-instruct" }) ?? "Phi-3-mini-4k-instruct",
    modelVersion: i.string("model-version", { pattern: /^\d+$/, rule: "a version number such as 14" }),
    registry: i.string("registry", { default: "azureml" }) ?? "azureml",
    componentVersion: i.string("component-version", { pattern: /^[\w.-]+$/, rule: "a version such as 0.0.63" }),
    trainData: data("train-data"),
    validationData: data("validation-data"),
    compute,
    vmSize:
      i.string("vm-size", {
        default: "Standard_NC24ads_A100_v4",
        pattern: /^Standard_[A-Za-z0-9_]+$/i,
        rule: "an Azure VM size such as Standard_NC24ads_A100_v4",
      }) ?? "Standard_NC24ads_A100_v4",
    minNodes,
    maxNodes,
    idleSeconds: i.duration("idle-seconds", { default: 120, min: 0, max: 7 * 86400 }) ?? 120,
    gpusPerNode: i.int("gpus-per-node", { min: 1, max: 16 }),
    hyperparameters,
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
