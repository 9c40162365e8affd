import { catalogModel, catalogNameOf, type CatalogModel, type MinSpec } from "@phi3-aml/shared/azureml/catalog";
import { priceBook, type PricedSize } from "@phi3-aml/shared/azureml/prices";
import { minSpecShortfalls, retiredFamilyOf } from "@phi3-aml/shared/azureml/compute-fit";
import { openRegistry } from "@phi3-aml/shared/azureml/registry";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { isOurs, thisRepository } from "@phi3-aml/shared/ownership";
import { hubParameterCount } from "./hub-size.js";
import { chooseSize, type Region, type RegionSize, type SizeChoice, type SizeFit } from "./instance-type.js";
import type { DeployInputs } from "./inputs.js";
import type { ModelChoice } from "./model-choice.js";
import type { DeploymentResource } from "./plan.js";

export type SizeDecision = SizeChoice;

/** The region's VM sizes, prices and quota usage, read once (…/locations/{loc}/vmSizes and …/usages). */
export async function readRegion(s: Session): Promise<Region> {
  const usages = [];
  for await (const u of s.client.usages.list(s.location)) usages.push(u);
  // The SDK's VirtualMachineSize (2.1.1) predates estimatedVMPrices' typing in places: read them as the wire has them.
  const listed = ((await s.client.virtualMachineSizes.list(s.location)).value ?? []) as Array<
    PricedSize & {
      family?: string;
      vCPUs?: number;
      gpus?: number;
      memoryGB?: number;
      maxResourceVolumeMB?: number;
      supportedComputeTypes?: string[];
    }
  >;
  const sizes = listed.map((v): RegionSize => ({
    name: v.name ?? "",
    family: v.family ?? "",
    vCPUs: v.vCPUs ?? 0,
    gpus: v.gpus ?? 0,
    memoryGB: v.memoryGB ?? 0,
    maxResourceVolumeMB: v.maxResourceVolumeMB,
    computeTypes: v.supportedComputeTypes,
  }));
  return {
    location: s.location,
    subscriptionId: s.ref.subscriptionId,
    sizes,
    usages,
    prices: priceBook(s.location, listed),
  };
}

export interface SizingInput {
  inputs: DeployInputs;
  model: ModelChoice;
  region: Region;
  deployments: readonly DeploymentResource[];
}

/** `instance-type` decided for the base model, the region and the quota (instance-type.ts). */
export async function chooseInstanceType(s: Session, i: SizingInput, log: Logger): Promise<SizeDecision> {
  const base = await resolveBase(s, i.model, log);
  if (base.kind === "unknown" && i.inputs.instanceType === "auto")
    return {
      why: "instance-type auto has no model to size for",
      problem: `instance-type auto: ${base.why} Give instance-type (a VM size of ${i.region.location} that can serve the model) instead of auto.`,
      verdicts: [],
    };
  log.info(base.why);
  return chooseSize({
    asked: i.inputs.instanceType,
    instanceCount: i.inputs.instanceCount,
    region: i.region,
    fit:
      base.kind === "catalog"
        ? inferenceFit(base.model)
        : base.kind === "spec"
          ? specFit(base.spec)
          : inferenceFit(undefined),
    model: base.label,
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

/** What the deployment is sized against: the base model's catalog entry, a minimum spec, or nothing known. */
type BaseSizing =
  | { kind: "catalog"; model: CatalogModel; label: string; why: string }
  | { kind: "spec"; spec: MinSpec; label: string; why: string }
  | { kind: "unknown"; label: string; why: string };

/** The public catalog a Hugging Face id is looked up in (Microsoft's models are named after their repository). */
const CATALOG_REGISTRY = "azureml";

/**
 * The model that was really tuned, as the lineage names it (action-finetune records it for all three
 * sources): its catalog entry when there is one (a registry model, or a Hugging Face id whose repository name
 * is a catalog model: microsoft/Phi-3-mini-4k-instruct ↔ Phi-3-mini-4k-instruct); else a minimum spec from
 * the model's size: for a Hugging Face model the parameter count the Hub publishes (hub-size.ts), else the one
 * its name gives ("…-7B-…"); else nothing (and `auto` is refused, asking for instance-type).
 */
async function resolveBase(s: Session, model: ModelChoice, log: Logger): Promise<BaseSizing> {
  const base = model.lineage?.baseModel;
  if (!base)
    return {
      kind: "unknown",
      label: "the model",
      why: `the lineage of ${model.name}:${model.version} names no base model (it was not registered from a fine-tune job of this action), so there is nothing to size it for.`,
    };
  const ref = parseBaseModel(base);
  const hf = model.lineage?.baseModelSource === "huggingface" ? base : undefined;
  const entry = ref
    ? await readCatalogEntry(s, ref.registry, ref.name, ref.version, log)
    : hf
      ? await readCatalogEntry(s, CATALOG_REGISTRY, catalogNameOf(hf), undefined, log)
      : undefined;
  if (entry)
    return {
      kind: "catalog",
      model: entry,
      label: `${entry.name} (version ${entry.version})`,
      why: `Sizing for the base model ${base}: its catalog entry ${entry.name} version ${entry.version} (registry ${entry.registry}).`,
    };
  return (hf ? await sizeFromHub(hf, log) : undefined) ?? sizeFromName(base, hf ? "the Hub gives no size" : undefined);
}

const SPEC_WHY = "vCPUs|GPUs|memory GB|disk GB: fp16 weights twice over in memory and on disk, one GPU";

/** A minimum spec from the parameter count the Hub publishes for a Hugging Face model, when it gives one. */
async function sizeFromHub(repoId: string, log: Logger): Promise<BaseSizing | undefined> {
  const size = await hubParameterCount(repoId, log);
  if ("why" in size) {
    log.info(`Hugging Face model ${repoId}: ${size.why}; reading its size from its name.`);
    return undefined;
  }
  const spec = minSpecForParameters(size.total / 1e9);
  return {
    kind: "spec",
    spec,
    label: repoId,
    why: `Sizing for the base model ${repoId}: no catalog entry; the Hugging Face Hub gives ${size.total.toLocaleString("en-US")} parameters (safetensors ${dtypes(size.byDtype)}), so a minimum of ${spec.text} (${SPEC_WHY}).`,
  };
}

const dtypes = (byDtype: Record<string, number>) =>
  Object.keys(byDtype).length ? Object.keys(byDtype).join(", ") : "total";

/** A minimum spec from the parameter count the model's name gives ("…-7B-…"), else nothing known. */
function sizeFromName(base: string, hubWhy: string | undefined): BaseSizing {
  const params = parameterCount(base);
  if (params !== undefined) {
    const spec = minSpecForParameters(params);
    return {
      kind: "spec",
      spec,
      label: base,
      why: `Sizing for the base model ${base}: no catalog entry${hubWhy ? `, ${hubWhy}` : ""}; its name gives ${params} billion parameters, so a minimum of ${spec.text} (${SPEC_WHY}).`,
    };
  }
  return {
    kind: "unknown",
    label: base,
    why: `the base model ${base} has no catalog entry and its size is not known (${hubWhy ? `${hubWhy}, and its` : "its"} name gives no parameter count).`,
  };
}

/** The catalog entry of a registry model (latest version unless given), or undefined when there is none. */
async function readCatalogEntry(
  s: Session,
  registryName: string,
  name: string,
  version: string | undefined,
  log: Logger,
): Promise<CatalogModel | undefined> {
  try {
    const registry = await openRegistry(s, registryName);
    const v = version ?? (await registry.container("models", name))?.properties.latestVersion;
    const resource = v ? await registry.version("models", name, v) : undefined;
    return resource ? catalogModel(resource, registryName) : undefined;
  } catch (e) {
    log.warning(`Could not read ${name} from registry ${registryName}: ${describeError(e)}.`);
    return undefined;
  }
}

/** Billions of parameters a model's name gives ("Qwen/Qwen2.5-7B-Instruct" → 7, "phi-3.8b" → 3.8), if any. */
export function parameterCount(model: string): number | undefined {
  const last = model.split("/").at(-1) ?? "";
  const m = /(?:^|[-_.])(\d{1,3}(?:\.\d{1,2})?)b(?=$|[-_.])/i.exec(last);
  const n = m ? Number(m[1]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * A lower bound to serve a model of `billions` parameters: one GPU, and its fp16 weights (2 bytes a
 * parameter) twice over in memory (loading) and on the local disk (download and unpack). Not a recommendation.
 */
export function minSpecForParameters(billions: number): MinSpec {
  const weightsGB = Math.ceil(billions * 2);
  const spec = { vCPUs: 4, gpus: 1, memoryGB: 2 * weightsGB, diskGB: 2 * weightsGB };
  return { ...spec, text: `${spec.vCPUs}|${spec.gpus}|${spec.memoryGB}|${spec.diskGB}` };
}

/** A size meets a minimum spec (and is not retired). */
export function specFit(spec: MinSpec, now?: Date): SizeFit {
  return (size: RegionSize) => {
    const retired = retiredFamilyOf(size.name, now);
    if (retired) return `retired on ${retired.retiredOn}`;
    const short = minSpecShortfalls(size, spec);
    return short.length ? `below the minimum ${spec.text} for the model (${short.join("; ")})` : undefined;
  };
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
