/**
 * Whether the subscription has the cores a rollout adds, checked before anything is created: the new
 * deployment (with Azure's 20 % reserve where it applies) against its family's limit and the regional total,
 * read the one way both actions read them (shared/azureml/quota.ts). The deployments already on the endpoint
 * keep running during the rollout; their cores are in the usage Azure reports, so they are named, not added.
 */
import { checkQuota, familyKey, type QuotaCheck, type QuotaSize, type UsageLike } from "@phi3-aml/shared/azureml/quota";

interface DeploymentLike {
  name: string;
  instanceType: string;
  instanceCount: number;
}

export interface RolloutQuota {
  /** The deployment the rollout creates; undefined when an existing one is reused (nothing new to run). */
  adding?: DeploymentLike;
  /** Deployments already on the endpoint: they run during the rollout, the previous one included. */
  running: readonly DeploymentLike[];
  usages: readonly UsageLike[];
  /** The region's VM sizes (vmSizes API). */
  vmSizes: readonly QuotaSize[];
  location: string;
  subscriptionId?: string;
}

const findSize = (sizes: readonly QuotaSize[], name: string) =>
  sizes.find((s) => (s.name ?? "").toLowerCase() === name.trim().toLowerCase());

/** The shared quota check for the deployment a rollout adds. */
export function rolloutQuota(q: RolloutQuota): QuotaCheck {
  const none = { needed: 0, newCores: 0 };
  if (!q.adding)
    return { ok: true, checked: false, ...none, message: "No new deployment is created, so no new cores are needed." };
  const size = findSize(q.vmSizes, q.adding.instanceType);
  if (!size)
    return {
      ok: true,
      checked: false,
      ...none,
      message: `Quota not checked: the VM size ${q.adding.instanceType} is not among the VM sizes of ${q.location}.`,
    };
  const key = familyKey(size.family ?? "");
  const same = q.running.filter((d) => familyKey(findSize(q.vmSizes, d.instanceType)?.family ?? "") === key);
  return checkQuota({
    kind: "deployment",
    label: `the new deployment ${q.adding.name}`,
    size,
    instances: q.adding.instanceCount,
    alongside: same.map((d) => `${d.name} (${d.instanceCount} × ${d.instanceType})`),
    usages: q.usages,
    location: q.location,
    subscriptionId: q.subscriptionId,
    otherwise: `Or choose an instance-type in a family with free quota${same.length ? ", or remove deployments that no longer serve first" : ""}.`,
  });
}
