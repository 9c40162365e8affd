import type { Session } from "@phi3-aml/shared/azureml/session";
import type { Logger } from "@phi3-aml/shared/log";
import { isManaged } from "@phi3-aml/shared/tags";
import { chooseSize, type Region, type SizeChoice, type SizeFit } from "./instance-type.js";
import type { DeployInputs } from "./inputs.js";
import type { ModelChoice } from "./model-choice.js";
import type { DeploymentResource } from "./plan.js";

export type SizeDecision = SizeChoice;

/** The region's VM sizes and quota usage, read once (…/locations/{loc}/vmSizes and …/usages). */
export async function readRegion(s: Session): Promise<Region> {
  const usages = [];
  for await (const u of s.client.usages.list(s.location)) usages.push(u);
  const listed = (await s.client.virtualMachineSizes.list(s.location)).value ?? [];
  const sizes = listed.map((v) => ({
    name: v.name ?? "",
    family: v.family ?? "",
    vCPUs: v.vCPUs ?? 0,
    gpus: v.gpus ?? 0,
    memoryGB: v.memoryGB ?? 0,
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
  const { model, fit } = await baseModelFit(s, i.model, log);
  return chooseSize({
    asked: i.inputs.instanceType,
    instanceCount: i.inputs.instanceCount,
    region: i.region,
    fit,
    model,
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
      isManaged(d.tags ?? undefined) &&
      d.properties?.provisioningState === "Succeeded" &&
      (d.properties.model ?? "").toLowerCase() === modelId.toLowerCase(),
  );
  return same?.properties?.instanceType ?? undefined;
}

/** The base model's verdict on sizes. */
async function baseModelFit(_s: Session, model: ModelChoice, _log: Logger): Promise<{ model: string; fit: SizeFit }> {
  return { model: model.lineage?.baseModel ?? `${model.name}:${model.version}`, fit: () => undefined };
}
