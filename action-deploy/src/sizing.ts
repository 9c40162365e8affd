import { catalogModel, type CatalogModel } from "@phi3-aml/shared/azureml/catalog";
import { minSpecShortfalls, retiredFamilyOf } from "@phi3-aml/shared/azureml/compute-fit";
import { openRegistry } from "@phi3-aml/shared/azureml/registry";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { isOurs, thisRepository } from "@phi3-aml/shared/ownership";
import { chooseSize, type Region, type RegionSize, type SizeChoice, type SizeFit } from "./instance-type.js";
import type { DeployInputs } from "./inputs.js";
import type { ModelChoice } from "./model-choice.js";
import type { DeploymentResource } from "./plan.js";

export type SizeDecision = SizeChoice;

/**
 * The model a fine-tune starts from when the lineage does not say: action-finetune's default, the walkthrough's
 * Phi-3-mini-4k-instruct from the public `azureml` registry.
 */
const DEFAULT_BASE_MODEL = "azureml://registries/azureml/models/Phi-3-mini-4k-instruct";

/** The region's VM sizes and quota usage, read once (…/locations/{loc}/vmSizes and …/usages). */
export async function readRegion(s: Session): Promise<Region> {
  const usages = [];
  for await (const u of s.client.usages.list(s.location)) usages.push(u);
  const listed = (await s.client.virtualMachineSizes.list(s.location)).value ?? [];
  const sizes = listed.map((v): RegionSize => ({
    name: v.name ?? "",
    family: v.family ?? "",
    vCPUs: v.vCPUs ?? 0,
    gpus: v.gpus ?? 0,
    memoryGB: v.memoryGB ?? 0,
    maxResourceVolumeMB: v.maxResourceVolumeMB,
  }));
  return { location: s.location, sizes, usages };
}

export interface SizingInput {
  inputs: DeployInputs;
  model: ModelChoice;
  region: Region;
  deployments: readonly DeploymentResource[];
}

/** `instance-type` decided for the base model, the region and the quota (instance-type.ts). */
export async function chooseInstanceType(s: Session, i: SizingInput, log: Logger): Promise<SizeDecision> {
  const base = await readBaseModel(s, i.model, log);
  return chooseSize({
    asked: i.inputs.instanceType,
    instanceCount: i.inputs.instanceCount,
    region: i.region,
    fit: inferenceFit(base),
    model: base ? `${base.name} (version ${base.version})` : "the model",
    running: i.deployments.map((d) => ({
      name: d.name,
      instanceType: d.properties?.instanceType ?? "unknown",
      instanceCount: d.sku?.capacity ?? 1,
    })),
    reusable: reusableSize(i.deployments, i.model.id),
  });
}

/** The size a provisioned deployment of ours already runs this model on, if any. */
function reusableSize(deployments: readonly DeploymentResource[], modelId: string): string | undefined {
  const same = deployments.find(
    (d) =>
      isOurs(d.tags, thisRepository()) &&
      d.properties?.provisioningState === "Succeeded" &&
      (d.properties.model ?? "").toLowerCase() === modelId.toLowerCase(),
  );
  return same?.properties?.instanceType ?? undefined;
}

/** azureml://registries/<registry>/models/<name>[/versions/<v>] (the base model's URI in the fine-tune job). */
export function parseBaseModel(uri: string): { registry: string; name: string; version?: string } | undefined {
  const m = /^azureml:\/\/registries\/([^/]+)\/models\/([^/]+)(?:\/versions\/([^/]+))?/i.exec(uri.trim());
  return m ? { registry: m[1]!, name: m[2]!, version: m[3] } : undefined;
}

/**
 * The catalog entry of the model the fine-tune started from (its inference allow-list and minimum spec), read
 * from its registry; undefined, with a warning, when it cannot be read (sizes are then judged without it).
 */
async function readBaseModel(s: Session, model: ModelChoice, log: Logger): Promise<CatalogModel | undefined> {
  const uri = model.lineage?.baseModel ?? DEFAULT_BASE_MODEL;
  if (!model.lineage?.baseModel)
    log.info(`The model's lineage names no base model; its VM size is judged for ${uri.split("/models/")[1]}.`);
  const ref = parseBaseModel(uri);
  if (!ref) {
    log.warning(`The base model ${uri} is not a registry model; VM sizes are judged without its allow-list.`);
    return undefined;
  }
  try {
    const registry = await openRegistry(s, ref.registry);
    const version = ref.version ?? (await registry.container("models", ref.name))?.properties.latestVersion;
    const resource = version ? await registry.version("models", ref.name, version) : undefined;
    if (resource) return catalogModel(resource, ref.registry);
    log.warning(`The base model ${uri} was not found in registry ${ref.registry}; VM sizes are judged without it.`);
  } catch (e) {
    log.warning(`Could not read the base model ${uri}: ${describeError(e)}; VM sizes are judged without it.`);
  }
  return undefined;
}

/**
 * Whether a size can serve the model, in a few words when not: not retired (compute-fit's RETIRED_VM_FAMILIES);
 * on the catalog's `inference_compute_allow_list` when it has one; else at or above its `inference-min-sku-spec`;
 * and with a GPU when the catalog says neither (an LLM needs one).
 */
export function inferenceFit(base: CatalogModel | undefined, now?: Date): SizeFit {
  return (size: RegionSize) => {
    const retired = retiredFamilyOf(size.name, now);
    if (retired) return `retired on ${retired.retiredOn}`;
    const allow = base?.inferenceAllowList;
    if (allow?.length)
      return allow.some((n) => n.toLowerCase() === size.name.toLowerCase())
        ? undefined
        : "not on the model's inference_compute_allow_list";
    const spec = base?.inferenceMinSpec;
    if (spec) {
      const short = minSpecShortfalls(size, spec);
      return short.length ? `below the model's minimum spec ${spec.text} (${short.join("; ")})` : undefined;
    }
    return size.gpus > 0 ? undefined : "no GPU";
  };
}
