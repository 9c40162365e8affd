import { workspaceId, type WorkspaceRef } from "@phi3-aml/shared/azureml/client";
import { standardTags } from "@phi3-aml/shared/tags";

/**
 * The tag that says where a registered model's files came from. Registration looks for it first, so the
 * same job output registered twice (a re-run, a retried workflow) gives the same model version.
 */
export const SOURCE_URI_TAG = "source-uri";
/** Prefix of the tags that carry the fine-tune's hyperparameters ("hp.learning_rate"). */
const HYPERPARAMETER_TAG_PREFIX = "hp.";

/** The output of the fine-tune pipeline job that holds the MLflow model (reference §3.4, §7). */
export const TRAINED_MODEL_OUTPUT = "trained_model";

/** azureml://jobs/<job>/outputs/trained_model: what azure-ai-ml and the samples register (reference §7). */
export const jobOutputUri = (jobName: string, output = TRAINED_MODEL_OUTPUT) =>
  `azureml://jobs/${jobName}/outputs/${output}`;

/** The job a model URI points into, when it is a job output URI (azureml://jobs/<job>/outputs/<output>[/paths/...]). */
export function jobOfUri(uri: string): string | undefined {
  return /^azureml:\/\/jobs\/([^/]+)\/outputs\/[^/]+/i.exec(uri)?.[1];
}

/** Where a model came from, as far as known: written as tags so studio and people can trace it. */
export interface Lineage {
  jobName?: string;
  /** Data assets or URIs the job trained and validated on. */
  dataAssets?: string[];
  /**
   * The model that was fine-tuned, as the job named it: a Hugging Face id (huggingface_id), or the URI of an
   * MLflow / custom model (a registry model azureml://registries/…, or a workspace asset).
   */
  baseModel?: string;
  /** Which of the three the base model came from. */
  baseModelSource?: BaseModelSource;
  hyperparameters?: Record<string, string>;
}

type BaseModelSource = "huggingface" | "registry" | "workspace";

/** The job input that carries a Hugging Face base model (reference §3; action-finetune's default route). */
const HUGGINGFACE_INPUT = "huggingface_id";

const sourceOfUri = (uri: string): BaseModelSource =>
  /^azureml:\/\/registries\//i.test(uri) ? "registry" : "workspace";

/** The parts of a pipeline job (GET /jobs/{name}) that lineage is read from; see reference §3. */
export interface JobLike {
  name?: string;
  properties?: {
    status?: string;
    inputs?: Record<string, unknown> | null;
    outputs?: Record<string, unknown> | null;
    jobs?: Record<string, unknown> | null;
    tags?: Record<string, string | null> | null;
  };
}

// Node inputs that name compute targets or GPU counts: how the job ran, not what the model learnt.
const NOT_HYPERPARAMETERS = /^(compute_|number_of_gpu_to_use|instance_type|huggingface_id$)/;

/**
 * Data assets, base model and hyperparameters of a fine-tune pipeline job: from the pipeline's own inputs
 * (camelCase `jobInputType`) and from its nodes' inputs (snake_case `job_input_type`, as azure-ai-ml writes
 * them, reference §3.3). Bindings to parent inputs (`${{parent.inputs.x}}`) are resolved against the
 * pipeline's inputs; anything not understood is left out rather than guessed.
 */
export function lineageFromJob(job: JobLike): Lineage {
  const p = job.properties ?? {};
  const top = readInputs(p.inputs ?? {});
  const all = new Map(top);
  for (const node of Object.values(p.jobs ?? {})) {
    const inputs = (node as { inputs?: Record<string, unknown> } | null)?.inputs;
    for (const [k, v] of readInputs(inputs ?? {})) {
      const bound = v.value && /^\$\{\{\s*parent\.inputs\.([\w.-]+)\s*\}\}$/.exec(v.value)?.[1];
      const resolved = bound ? top.get(bound) : v;
      if (resolved && !all.has(k)) all.set(k, resolved);
    }
  }
  const lineage: Lineage = job.name ? { jobName: job.name } : {};
  const data: string[] = [];
  const hp: Record<string, string> = {};
  for (const [name, v] of [...all].sort(([a], [b]) => a.localeCompare(b))) {
    if (v.type === "literal") {
      if (v.value === undefined || v.value.startsWith("${{")) continue;
      if (name === HUGGINGFACE_INPUT && v.value.trim()) setBase(lineage, v.value.trim(), "huggingface");
      else if (!NOT_HYPERPARAMETERS.test(name)) hp[name] = v.value;
    } else if (v.uri) {
      if (v.type === "mlflow_model" || v.type === "custom_model") setBase(lineage, v.uri, sourceOfUri(v.uri));
      else data.push(v.uri);
    }
  }
  if (data.length) lineage.dataAssets = [...new Set(data)];
  if (Object.keys(hp).length) lineage.hyperparameters = hp;
  return lineage;
}

function setBase(l: Lineage, model: string, source: BaseModelSource): void {
  if (l.baseModel) return;
  l.baseModel = model;
  l.baseModelSource = source;
}

function readInputs(inputs: Record<string, unknown>): Map<string, { type: string; value?: string; uri?: string }> {
  const out = new Map<string, { type: string; value?: string; uri?: string }>();
  for (const [name, raw] of Object.entries(inputs)) {
    if (!raw || typeof raw !== "object") continue;
    const i = raw as Record<string, unknown>;
    const type = String(i.jobInputType ?? i.job_input_type ?? i.type ?? "");
    if (!type) continue;
    out.set(name, {
      type,
      value: i.value === undefined || i.value === null ? undefined : String(i.value),
      uri: typeof i.uri === "string" ? i.uri : typeof i.path === "string" ? i.path : undefined,
    });
  }
  return out;
}

/** The wire body of PUT /models/{name}/versions/{version} (reference §7; ModelVersionResource in the spec). */
export interface ModelVersionBody {
  properties: {
    description: string;
    modelType: "mlflow_model";
    modelUri: string;
    jobName?: string;
    isAnonymous: false;
    tags: Record<string, string>;
    properties: Record<string, string>;
  };
}

export interface ModelBodyOptions {
  modelUri: string;
  lineage?: Lineage;
  description?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

// Asset tags are shown in studio tables; very long values (a long list of data assets) are cut there anyway.
const TAG_MAX = 256;
const cut = (s: string) => (s.length > TAG_MAX ? `${s.slice(0, TAG_MAX - 1)}…` : s);

/**
 * The ModelVersion that registers an MLflow model from a job output (or any azureml:// URI): type
 * `mlflow_model`, so that the deployment needs no environment or scoring script (no-code deployment,
 * reference §7, §8.2), and tags for lineage: ours (managed-by, repository, workflow run, commit), the source
 * URI (to find this registration again), the job, its data, base model and hyperparameters. No expiry tag:
 * a model version costs nothing to keep, and it is the record of what was deployed.
 */
export function modelVersionBody(o: ModelBodyOptions): ModelVersionBody {
  const l = o.lineage ?? {};
  const jobName = l.jobName ?? jobOfUri(o.modelUri);
  const extra: Record<string, string> = { [SOURCE_URI_TAG]: o.modelUri };
  if (jobName) extra["job-name"] = jobName;
  if (l.dataAssets?.length) extra["data-assets"] = cut(l.dataAssets.join(", "));
  if (l.baseModel) extra["base-model"] = cut(l.baseModel);
  if (l.baseModelSource) extra["base-model-source"] = l.baseModelSource;
  for (const [k, v] of Object.entries(l.hyperparameters ?? {})) extra[`${HYPERPARAMETER_TAG_PREFIX}${k}`] = cut(v);
  const tags = standardTags({ now: o.now, env: o.env, extra });
  // The ARM properties of an asset cannot be changed later: a good place for what will never change.
  const properties: Record<string, string> = { [SOURCE_URI_TAG]: o.modelUri };
  if (tags.commit) properties.commit = tags.commit;
  return {
    properties: {
      description:
        o.description ??
        `Phi-3 chat model fine-tuned${jobName ? ` by job ${jobName}` : ""}${tags.repository ? ` in ${tags.repository}` : ""}.`,
      modelType: "mlflow_model",
      modelUri: o.modelUri,
      ...(jobName ? { jobName } : {}),
      isAnonymous: false,
      tags,
      properties,
    },
  };
}

/** A model version as listed (GET /models/{name}/versions), as far as registration needs it. */
export interface ModelVersionLike {
  name?: string;
  properties?: { tags?: Record<string, string | null> | null; modelUri?: string | null; isArchived?: boolean } | null;
}

/**
 * The version already registered from this source URI (found by our tag), if any; archived versions are
 * left alone, as someone retired them on purpose. Of several, the newest.
 */
export function findRegistered<T extends ModelVersionLike>(versions: readonly T[], sourceUri: string): T | undefined {
  const hits = versions.filter((v) => v.properties?.tags?.[SOURCE_URI_TAG] === sourceUri && !v.properties?.isArchived);
  return hits.sort((a, b) => compareVersions(b.name ?? "", a.name ?? ""))[0];
}

/**
 * The next version of a model: one more than the highest whole-number version (Azure's own scheme when it
 * picks versions), "1" for a new model. Versions that are not whole numbers ("2024-05-01") are ignored.
 */
export function nextVersion(existing: Iterable<string>): string {
  let max = 0n;
  for (const v of existing) if (/^\d+$/.test(v.trim()) && BigInt(v.trim()) > max) max = BigInt(v.trim());
  return String(max + 1n);
}

function compareVersions(a: string, b: string): number {
  const na = /^\d+$/.test(a),
    nb = /^\d+$/.test(b);
  if (na && nb) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  return na === nb ? a.localeCompare(b) : na ? 1 : -1;
}

/** The ARM id that a deployment's `model` names (reference §7). */
export const modelId = (w: WorkspaceRef, name: string, version: string) =>
  `${workspaceId(w)}/models/${name}/versions/${version}`;

/** "phi3-chat-ft:7" → { name, version }; undefined when it is not name:version. */
export function parseModelRef(ref: string): { name: string; version: string } | undefined {
  const m = /^([\w.-]+):(\d+)$/.exec(ref.trim());
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

/** The lineage written by modelVersionBody, read back from a registered model's tags (for the summary). */
export function lineageFromTags(
  tags: Record<string, string | null> | null | undefined,
): Lineage & { commit?: string; workflowRun?: string; repository?: string; sourceUri?: string } {
  const t = tags ?? {};
  const str = (k: string) => (typeof t[k] === "string" && t[k] ? (t[k] as string) : undefined);
  const hp = Object.fromEntries(
    Object.entries(t)
      .filter(([k, v]) => k.startsWith(HYPERPARAMETER_TAG_PREFIX) && typeof v === "string")
      .map(([k, v]) => [k.slice(HYPERPARAMETER_TAG_PREFIX.length), v as string]),
  );
  const data = str("data-assets");
  const out: ReturnType<typeof lineageFromTags> = {};
  const set = <K extends keyof typeof out>(k: K, v: (typeof out)[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("jobName", str("job-name"));
  set("dataAssets", data ? data.split(/,\s*/) : undefined);
  set("baseModel", str("base-model"));
  const source = str("base-model-source");
  set(
    "baseModelSource",
    source === "huggingface" || source === "registry" || source === "workspace" ? source : undefined,
  );
  set("hyperparameters", Object.keys(hp).length ? hp : undefined);
  set("commit", str("commit"));
  set("workflowRun", str("workflow-run"));
  set("repository", str("repository"));
  set("sourceUri", str(SOURCE_URI_TAG));
  return out;
}
