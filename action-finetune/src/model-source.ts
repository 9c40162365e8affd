/**
 * The base model of the fine-tune, from one of three sources, checked against the model catalog before
 * anything is created:
 * - `model` (+ `model-version`): a catalog model. Refused when archived, past its fine-tune retirement date,
 *   or not fine-tunable for chat-completion; the refusal names the date and two ways forward (the same model
 *   from Hugging Face, and the live catalog models that fine-tune for chat-completion, read from the registry).
 * - `huggingface-id`: imported by the component's model-import step. The catalog entry of the same model, when
 *   there is one, gives the defaults and the compute allow-list, and its lifecycle only as a warning.
 * - `model-asset`: a registered model, bound to mlflow_model_path or pytorch_model_path by its type.
 */
import {
  catalogModel,
  catalogNameOf,
  finetunesFor,
  lifecycle,
  liveFinetuneModels,
  type CatalogModel,
} from "@phi3-aml/shared/azureml/catalog";
import { workspaceId } from "@phi3-aml/shared/azureml/client";
import { openRegistry, type Registry } from "@phi3-aml/shared/azureml/registry";
import type { Session } from "@phi3-aml/shared/azureml/session";
import type { FinetuneInputs } from "./inputs.js";
import type { ModelBinding } from "./job-body.js";

export interface ResolvedModel {
  binding?: ModelBinding;
  /** "Phi-4 version 8 (registry azureml)", "microsoft/Phi-3-mini-4k-instruct (Hugging Face)". */
  label: string;
  /** The catalog entry whose defaults, allow-list and minimum spec apply. */
  catalog?: CatalogModel;
  problems: string[];
  warnings: string[];
  notes: string[];
}

const TASK = "chat-completion";
const notFound = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;

export async function resolveModel(
  s: Session,
  inputs: FinetuneInputs,
  registry: Registry,
  now = new Date(),
): Promise<ResolvedModel> {
  const src = inputs.source;
  if (src.kind === "catalog") return fromCatalog(registry, src.name, src.version, now);
  if (src.kind === "huggingface") return fromHuggingFace(registry, src.id, now);
  return fromAsset(s, src.ref, now);
}

/** The latest (or given) version of a catalog model, read as the catalog; undefined when absent. */
async function readCatalog(registry: Registry, name: string, version?: string) {
  const container = await registry.container("models", name);
  if (!container) return undefined;
  const v = version ?? container.properties.latestVersion;
  const resource = v ? await registry.version("models", name, v) : undefined;
  return { container, version: v, model: resource ? catalogModel(resource, registry.name) : undefined };
}

/** "Live catalog models that fine-tune for chat-completion: Phi-4 (version 8)." or a sentence saying there are none. */
async function liveAlternatives(registry: Registry, near: string, now: Date): Promise<string> {
  const live = await liveFinetuneModels(registry, { task: TASK, near, now });
  if (!live.length) return `The ${registry.name} registry lists no live model that fine-tunes for ${TASK} now.`;
  return `Live catalog models that fine-tune for ${TASK}: ${live.map((m) => `${m.name} (version ${m.version})`).join(", ")}; give one as model.`;
}

async function fromCatalog(registry: Registry, name: string, version: string | undefined, now: Date) {
  const r: ResolvedModel = { label: `${name} (registry ${registry.name})`, problems: [], warnings: [], notes: [] };
  const found = await readCatalog(registry, name, version);
  if (!found) {
    r.problems.push(
      `model: there is no model ${name} in the ${registry.name} registry. ${await liveAlternatives(registry, name, now)}`,
    );
    return r;
  }
  if (!found.model) {
    r.problems.push(
      `model-version: ${name} has no version ${version} in the ${registry.name} registry (latest: ${found.container.properties.latestVersion}).`,
    );
    return r;
  }
  const m = found.model;
  r.label = `${m.name} version ${m.version} (registry ${registry.name})`;
  r.catalog = m;
  r.notes.push(...m.unreadable.map((u) => `${r.label}: ${u} could not be read; it is left out.`));
  const lc = lifecycle(m, "finetune", now);
  // Only the Hugging Face id the catalog itself gives is suggested: a guessed "microsoft/<name>" may not exist.
  const hf = m.huggingfaceId
    ? `huggingface-id: ${m.huggingfaceId} fine-tunes the same model from Hugging Face (leave model empty), or `
    : "";
  const forward = `Ways forward: ${hf}choose a live catalog model. ${await liveAlternatives(registry, m.name, now)}`;
  if (lc.phase === "retired") r.problems.push(`model: ${lc.sentence} ${forward}`);
  else if (!finetunesFor(m, TASK))
    r.problems.push(
      `model: ${r.label} cannot be fine-tuned for ${TASK} (its fine-tuning tasks: ${m.finetuningTasks.join(", ") || "none"}). ${await liveAlternatives(registry, m.name, now)}`,
    );
  else if (lc.phase === "deprecated")
    r.warnings.push(
      `${lc.sentence} Plan a move to ${m.huggingfaceId ? `huggingface-id: ${m.huggingfaceId} or ` : ""}a newer catalog model.`,
    );
  r.binding = { input: "mlflow_model_path", type: "mlflow_model", uri: registry.uri("models", m.name, m.version) };
  return r;
}

async function fromHuggingFace(registry: Registry, id: string, now: Date): Promise<ResolvedModel> {
  const r: ResolvedModel = {
    label: `${id} (Hugging Face)`,
    binding: { input: "huggingface_id", value: id },
    problems: [],
    warnings: [],
    notes: [],
  };
  const found = await readCatalog(registry, catalogNameOf(id));
  if (!found?.model) {
    r.notes.push(
      `The ${registry.name} registry has no catalog entry for ${id}: the component's defaults apply, and vm-size is checked only against retired sizes.`,
    );
    return r;
  }
  r.catalog = found.model;
  const lc = lifecycle(found.model, "finetune", now);
  r.notes.push(
    `Defaults and compute allow-list from the catalog entry ${found.model.name} version ${found.model.version} (registry ${registry.name}).`,
  );
  if (lc.phase !== "live")
    r.warnings.push(
      `The catalog entry of the same model says: ${lc.sentence} Fine-tuning ${id} from Hugging Face does not depend on it.`,
    );
  return r;
}

const WORKSPACE_MODEL = /^(.*\/workspaces\/[^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i;
const REGISTRY_MODEL = /^azureml:\/\/registries\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i;

/** A registered model: its type decides the component input (mlflow_model_path or pytorch_model_path). */
async function fromAsset(s: Session, ref: string, now: Date): Promise<ResolvedModel> {
  const r: ResolvedModel = { label: ref, problems: [], warnings: [], notes: [] };
  const reg = REGISTRY_MODEL.exec(ref);
  let resource: unknown;
  let uri = ref;
  if (reg) {
    const registry = await openRegistry(s, reg[1]!);
    resource = await registry.version("models", reg[2]!, reg[3]!);
  } else {
    const arm = WORKSPACE_MODEL.exec(ref);
    const here = workspaceId(s.ref);
    // The job runs in this workspace and reads the model from it: another workspace's id is refused, as
    // parseDataRef refuses another workspace's data asset.
    if (arm && arm[1]!.toLowerCase() !== here.toLowerCase()) {
      r.problems.push(
        `model-asset: ${ref} is a model of workspace ${arm[1]}, not of ${here} where the job runs; register the model in this workspace (or share it through a registry and give azureml://registries/<registry>/models/<name>/versions/<version>).`,
      );
      return r;
    }
    const [name, version] = arm?.slice(2) ?? ref.replace(/^azureml:/i, "").split(":");
    uri = `azureml:${name}:${version}`;
    resource = await s.client.modelVersions
      .get(s.ref.resourceGroup, s.ref.workspace, name!, version!)
      .catch((e: unknown) => (notFound(e) ? undefined : Promise.reject(e)));
  }
  if (!resource) {
    r.problems.push(
      `model-asset: there is no model ${ref}${reg ? "" : ` in workspace ${s.ref.workspace}`}; register it first, or check the name and version.`,
    );
    return r;
  }
  if (reg) checkRegistryAsset(r, catalogModel(resource, reg[1]), now);
  return bindAsset(r, resource, uri);
}

function checkRegistryAsset(r: ResolvedModel, m: CatalogModel, now: Date) {
  r.catalog = m;
  const lc = lifecycle(m, "finetune", now);
  if (lc.phase === "retired")
    r.problems.push(`model-asset: ${lc.sentence} Use huggingface-id with the same model, or another model.`);
  else if (m.finetuningTasks.length && !finetunesFor(m, TASK))
    r.problems.push(
      `model-asset: ${m.name} cannot be fine-tuned for ${TASK} (its fine-tuning tasks: ${m.finetuningTasks.join(", ")}).`,
    );
  else if (lc.phase === "deprecated") r.warnings.push(lc.sentence);
}

/** The component input a registered model of this type binds to (modelType: mlflow_model, custom_model…). */
export function bindingFor(modelType: string, uri: string): ModelBinding | undefined {
  if (/mlflow/i.test(modelType)) return { input: "mlflow_model_path", type: "mlflow_model", uri };
  if (/custom/i.test(modelType)) return { input: "pytorch_model_path", type: "custom_model", uri };
  return undefined;
}

function bindAsset(r: ResolvedModel, resource: unknown, uri: string): ResolvedModel {
  const type = String((resource as { properties?: { modelType?: string } }).properties?.modelType ?? "");
  r.binding = bindingFor(type, uri);
  if (!r.binding)
    r.problems.push(
      `model-asset: ${r.label} is a model of type ${type || "(none)"}; the fine-tune takes an MLflow model (mlflow_model) or a Hugging Face / PyTorch folder (custom_model).`,
    );
  return r;
}
