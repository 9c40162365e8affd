/**
 * The REST body of the fine-tune: a PipelineJob whose single node is the registry component
 * chat_completion_pipeline (reference/azureml-contract.md §3.4). Inside `jobs` the node is written as
 * azure-ai-ml writes it (snake_case inputs, every value a string), since `jobs` has no schema and the
 * service reads the SDK's shape; the job-level fields are the typed, camelCase JobBase ones.
 */
import { own } from "@phi3-aml/shared/lookup";
import {
  ACTION_SET_INPUTS,
  COMPONENT_NAME,
  literalValue,
  MODEL_OUTPUT,
  type ComponentSpec,
  type HyperValue,
} from "./component.js";

/** The node's name in `jobs`; child runs and the studio graph show it. */
const NODE = "chat_completion_pipeline";
/** The pipeline output the fine-tuned model is published as: azureml://jobs/<job>/outputs/trained_model. */
const PIPELINE_OUTPUT = "trained_model";

export interface JobPlan {
  /** ARM id of the workspace the job runs in (its computes and data assets hang below it). */
  workspaceId: string;
  /** Registry of the model and the component (`azureml`, the public catalog). */
  registry: string;
  componentName?: string;
  componentVersion: string;
  /** The base model and the component input it binds to. */
  model: ModelBinding;
  /** Data asset ids or URIs, as the train-data / validation-data inputs give them. */
  trainData: string;
  validationData: string;
  /** The cluster name: every step of the component runs on it; or "serverless" with `vmSize`. */
  compute: string;
  /** With compute "serverless": the fine-tune and evaluation steps' instance type. */
  vmSize?: string;
  gpusPerNode: number;
  /** num_nodes_finetune. */
  nodes: number;
  /** Checked hyperparameters (checkHyperparameters' values), component input name → value. */
  hyperparameters: Readonly<Record<string, HyperValue>>;
  experimentName: string;
  displayName: string;
  description?: string;
  tags: Readonly<Record<string, string>>;
  /** The component's spec: task_name is sent only when it declares it, with a value it allows. */
  spec?: ComponentSpec;
  /** finetune_config_path's data asset (azureml:<name>:<version>), when finetune-config is given. */
  finetuneConfig?: string;
  /** trust_remote_code, sent when the component declares it. */
  trustRemoteCode?: boolean;
}

interface LiteralInput {
  job_input_type: "literal";
  value: string;
}
interface AssetInput {
  job_input_type: "uri_file" | "mlflow_model" | "custom_model";
  uri: string;
}

/**
 * How the base model reaches the component: a model asset (mlflow_model_path for an MLflow model,
 * pytorch_model_path for a custom one) or a Hugging Face id (huggingface_id, a string input).
 */
export type ModelBinding =
  | { input: "mlflow_model_path"; type: "mlflow_model"; uri: string }
  | { input: "pytorch_model_path"; type: "custom_model"; uri: string }
  | { input: "huggingface_id"; value: string };
type NodeInput = LiteralInput | AssetInput;

interface PipelineNode {
  type: "pipeline";
  name: string;
  componentId: string;
  inputs: Record<string, NodeInput>;
  outputs: Record<string, { type: "literal"; value: string }>;
}

export interface PipelineJobBody {
  properties: {
    jobType: "Pipeline";
    displayName: string;
    experimentName: string;
    description?: string;
    tags: Record<string, string>;
    computeId?: string;
    settings: { default_compute?: string; force_rerun: boolean; continue_on_step_failure: boolean };
    inputs: Record<string, never>;
    outputs: Record<string, { jobOutputType: "mlflow_model"; mode: "ReadWriteMount" }>;
    jobs: Record<string, PipelineNode>;
  };
}

/** azureml://registries/<registry>/<kind>/<name>/versions/<version>: how a job names a registry asset. */
const registryAssetUri = (registry: string, kind: "models" | "components", name: string, version: string) =>
  `azureml://registries/${registry}/${kind}/${name}/versions/${version}`;

/** The cluster's ARM id: what `computeId` and `settings.default_compute` hold (azure-ai-ml resolves names to these). */
export const computeArmId = (workspaceId: string, compute: string) => `${workspaceId}/computes/${compute}`;

export type DataRef =
  /** A workspace data asset: `uri` is azureml:<name>:<version> (or azureml:<name>@<label>). */
  | { kind: "asset"; name: string; version?: string; label?: string; uri: string }
  /** A datastore or storage URI, passed on as it is. */
  | { kind: "uri"; uri: string };

const ARM_DATA =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/data\/([^/]+)\/versions\/([^/]+)$/i;

/**
 * A train-data / validation-data value as a job input URI, or a problem in words. An ARM id of a data
 * version (what action-dataset outputs) becomes azureml:<name>:<version>, which the job resolves in its own
 * workspace; so an id of another workspace is refused rather than silently read as this workspace's asset
 * of the same name.
 */
export function parseDataRef(value: string, workspaceId: string): DataRef | { problem: string } {
  const v = value.trim();
  const arm = v.replace(/^azureml:(?=\/subscriptions\/)/i, "");
  const m = ARM_DATA.exec(arm);
  if (m) {
    const wsOf = arm.slice(0, arm.toLowerCase().lastIndexOf("/data/"));
    if (wsOf.toLowerCase() !== workspaceId.toLowerCase()) {
      return {
        problem: `is a data asset of workspace ${wsOf}, not of ${workspaceId} where the job runs; register the data in this workspace (action-dataset does) or give an azureml://datastores/... URI.`,
      };
    }
    // Both groups take part in every match; the defaults only tell TypeScript so.
    const [, name = "", version = ""] = m;
    return {
      kind: "asset",
      name: decodeURIComponent(name),
      version: decodeURIComponent(version),
      uri: `azureml:${decodeURIComponent(name)}:${decodeURIComponent(version)}`,
    };
  }
  if (/^\/subscriptions\//i.test(arm))
    return {
      problem:
        "is an ARM id but not of a data asset version (/subscriptions/.../workspaces/<ws>/data/<name>/versions/<version>).",
    };
  if (/^azureml:\/\//i.test(v) || /^https:\/\//i.test(v)) return { kind: "uri", uri: v };
  const short = /^azureml:([A-Za-z0-9][A-Za-z0-9._-]*)(?::([A-Za-z0-9._-]+)|@([A-Za-z0-9._-]+))$/.exec(v);
  if (short) {
    // name takes part in every match; version and label are the two sides of an alternative.
    const [, name = "", version, label] = short;
    return { kind: "asset", name, version, label, uri: v };
  }
  return {
    problem:
      "is not a data asset id or URI; expected an ARM id /subscriptions/.../data/<name>/versions/<v>, azureml:<name>:<version>, or azureml://datastores/<store>/paths/<file>.",
  };
}

function dataUri(value: string, workspaceId: string, input: string): string {
  const ref = parseDataRef(value, workspaceId);
  // Preflight reports these as input problems; reaching here with one is a bug of the caller.
  if ("problem" in ref) throw new Error(`${input} ${JSON.stringify(value)} ${ref.problem}`);
  return ref.uri;
}

/** task_name's value: the spec's default, else its only allowed value, else ChatCompletion. */
function taskName(spec: ComponentSpec | undefined): string | undefined {
  const d = spec?.inputs.task_name;
  if (spec && !d) return undefined;
  if (d?.default !== undefined && d.default !== null) return String(d.default);
  if (Array.isArray(d?.enum) && d.enum.length === 1) return String(d.enum[0]);
  return "ChatCompletion";
}

const literal = (v: HyperValue): LiteralInput => ({ job_input_type: "literal", value: literalValue(v) });

/**
 * Serverless: every step's instance type is set, never left to the component's default (0.0.82 still
 * defaults instance_type_finetune and instance_type_model_evaluation to Standard_nc24rs_v3, retired on
 * 2025-09-30). The GPU steps run on vm-size; import and preprocess on the size the hyperparameters give,
 * else the component's declared CPU default (Standard_d12_v2).
 */
function serverlessInstanceTypes(plan: JobPlan, given: Record<string, NodeInput>): Record<string, NodeInput> {
  if (!plan.vmSize) throw new Error("compute: serverless needs vm-size for the fine-tune step's instance type.");
  const out: Record<string, NodeInput> = {
    instance_type_finetune: literal(plan.vmSize),
    instance_type_model_evaluation: literal(plan.vmSize),
  };
  for (const step of ["instance_type_model_import", "instance_type_preprocess"]) {
    const declared = plan.spec?.inputs[step]?.default;
    const cpu = given[step] ?? (declared ? literal(String(declared)) : literal("Standard_D12_v2"));
    if (!plan.spec || plan.spec.inputs[step]) out[step] = cpu;
  }
  return out;
}

/** The PUT /jobs/{name} body of the fine-tune (not an LRO; the name is in the URL, not the body). */
export function pipelineJobBody(plan: JobPlan): PipelineJobBody {
  const computeId = plan.compute === "serverless" ? undefined : computeArmId(plan.workspaceId, plan.compute);
  const inputs: Record<string, NodeInput> = {};
  // Hyperparameters first, sorted so that equal plans give equal bodies; the action's own inputs after,
  // so that a key the checks let through could never redirect the model, data or compute.
  for (const key of Object.keys(plan.hyperparameters).sort()) {
    if (!own(ACTION_SET_INPUTS, key)) inputs[key] = literal(plan.hyperparameters[key]!);
  }
  const m = plan.model;
  inputs[m.input] = "value" in m ? literal(m.value) : { job_input_type: m.type, uri: m.uri };
  inputs.train_file_path = { job_input_type: "uri_file", uri: dataUri(plan.trainData, plan.workspaceId, "train-data") };
  inputs.validation_file_path = {
    job_input_type: "uri_file",
    uri: dataUri(plan.validationData, plan.workspaceId, "validation-data"),
  };
  const task = taskName(plan.spec);
  if (task !== undefined) inputs.task_name = literal(task);
  for (const step of ["compute_model_import", "compute_preprocess", "compute_finetune", "compute_model_evaluation"])
    inputs[step] = literal(plan.compute);
  if (plan.compute === "serverless") Object.assign(inputs, serverlessInstanceTypes(plan, inputs));
  if (plan.finetuneConfig) inputs.finetune_config_path = { job_input_type: "uri_file", uri: plan.finetuneConfig };
  if (plan.trustRemoteCode !== undefined && (!plan.spec || plan.spec.inputs.trust_remote_code))
    inputs.trust_remote_code = literal(plan.trustRemoteCode);
  inputs.number_of_gpu_to_use_finetuning = literal(plan.gpusPerNode);
  inputs.num_nodes_finetune = literal(plan.nodes);

  return {
    properties: {
      jobType: "Pipeline",
      displayName: plan.displayName,
      experimentName: plan.experimentName,
      ...(plan.description ? { description: plan.description } : {}),
      tags: { ...plan.tags },
      ...(computeId ? { computeId } : {}),
      settings: {
        ...(computeId ? { default_compute: computeId } : {}),
        force_rerun: true,
        continue_on_step_failure: false,
      },
      inputs: {},
      outputs: { [PIPELINE_OUTPUT]: { jobOutputType: "mlflow_model", mode: "ReadWriteMount" } },
      jobs: {
        [NODE]: {
          type: "pipeline",
          name: NODE,
          componentId: registryAssetUri(
            plan.registry,
            "components",
            plan.componentName ?? COMPONENT_NAME,
            plan.componentVersion,
          ),
          inputs,
          outputs: { [MODEL_OUTPUT]: { type: "literal", value: `\${{parent.outputs.${PIPELINE_OUTPUT}}}` } },
        },
      },
    },
  };
}

/** azureml://jobs/<job>/outputs/trained_model: the `model-uri` output, what action-deploy registers. */
export const modelUri = (jobName: string) => `azureml://jobs/${jobName}/outputs/${PIPELINE_OUTPUT}`;
