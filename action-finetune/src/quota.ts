/**
 * Whether the cluster's VM family has the dedicated cores for max-nodes, checked before anything is
 * created: a cluster Azure lets us create without quota stays at zero nodes, and the job sits in Queued.
 *
 * GET .../locations/{loc}/usages answers, per VM family, the subscription's cluster dedicated vCPUs
 * (`type` .../vmFamily/usages), plus the same family per workspace and per cluster (whose `name` repeats
 * the family's: they must not be mistaken for it), the low-priority ones, and a regional total that caps
 * all families together ("Total Cluster Dedicated Regional vCPUs"). The family is named as the vmSizes API
 * names it ("standardNCADSA100v4Family") or in words ("Standard NCADSA100v4 Family Cluster Dedicated vCPUs").
 */

import {
  familyKey,
  familyUsage,
  findSize,
  isRegionalTotal,
  type UsageLike,
} from "@phi3-aml/shared/azureml/compute-fit";

/** A VM size as GET .../locations/{loc}/vmSizes answers it (VirtualMachineSize). */
export interface VmSizeLike {
  name?: string;
  family?: string;
  vCPUs?: number;
  gpus?: number;
}

export type { UsageLike };

export interface QuotaOptions {
  location?: string;
  subscriptionId?: string;
  /** Nodes the existing cluster holds now: their cores are already in the usage, and stay the cluster's. */
  heldNodes?: number;
}

export interface QuotaCheck {
  /** False only when the quota is known to be short, or the size is not offered in the region. */
  ok: boolean;
  /** False when usage or size could not be found, so nothing was compared. */
  checked: boolean;
  family?: string;
  vCPUs?: number;
  gpus?: number;
  /** vCPUs × max-nodes. */
  needed: number;
  limit?: number;
  current?: number;
  /** limit − current (what is free for new nodes). */
  free?: number;
  /** One line for the log, or the error: family, needed, free, and how to get more. */
  message: string;
}

const QUOTA_DOCS =
  "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-and-limit-increases";
const PORTAL_QUOTAS = "https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas";

/** The size from the region's list, case-insensitively (Azure writes sizes in more than one case). */
export function findVmSize(vmSizes: readonly VmSizeLike[] | undefined, vmSize: string): VmSizeLike | undefined {
  return findSize(vmSizes, vmSize);
}

export { familyKey };

const known = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);

/**
 * Checks that vCPUs × max-nodes of the size's family fit the family's free dedicated cores (and the
 * regional total, when Azure reports one). An unknown family or a size Azure does not list for the region
 * is said plainly; unknown usage leaves the check to Azure (ok, not checked).
 */
export function checkQuota(
  usages: readonly UsageLike[],
  vmSizes: readonly VmSizeLike[] | undefined,
  vmSize: string,
  maxNodes: number,
  o: QuotaOptions = {},
): QuotaCheck {
  const where = o.location ? ` in ${o.location}` : "";
  const size = findVmSize(vmSizes, vmSize);
  if (!size) {
    if (vmSizes && vmSizes.length > 0) {
      const gpu = vmSizes.filter((s) => (s.gpus ?? 0) > 0 && s.name).map((s) => s.name!);
      return {
        ok: false,
        checked: true,
        needed: 0,
        message: `The VM size ${vmSize} is not offered for Azure ML compute${where}.${gpu.length ? ` GPU sizes offered there: ${gpu.join(", ")}.` : ""} Choose another vm-size, or a workspace in another region.`,
      };
    }
    return { ok: true, checked: false, needed: 0, message: `Quota not checked: the VM sizes${where} are unknown.` };
  }
  const vCPUs = size.vCPUs ?? 0;
  const needed = vCPUs * maxNodes;
  const family = size.family ?? "";
  const usage = family ? familyUsage(usages, family) : undefined;
  const familyName =
    usage?.name?.localizedValue?.replace(/\s+(Cluster\s+)?Dedicated\s+vCPUs$/i, "") || family || "its family";
  const base = { family: familyName, vCPUs, gpus: size.gpus, needed };
  if (!usage || !known(usage.limit) || !known(usage.currentValue)) {
    return {
      ok: true,
      checked: false,
      ...base,
      message: `Quota not checked: Azure reported no usage for ${familyName}${where}; the cluster needs ${needed} vCPUs of it (${maxNodes} × ${size.name ?? vmSize}).`,
    };
  }
  const limit = usage.limit;
  const current = usage.currentValue;
  const held = Math.min(current, Math.max(0, (o.heldNodes ?? 0) * vCPUs));
  // A negative limit is how Azure writes "no limit".
  const free = limit < 0 ? Number.POSITIVE_INFINITY : Math.max(0, limit - current);
  const need = `${needed} vCPUs (${maxNodes} node${maxNodes === 1 ? "" : "s"} × ${vCPUs} vCPUs of ${size.name ?? vmSize})`;
  const result = { ...base, limit, current, free: Number.isFinite(free) ? free : undefined };
  if (free + held < needed) {
    const requiredLimit = current - held + needed;
    return {
      ok: false,
      checked: true,
      ...result,
      message:
        `Not enough quota for ${familyName}${where}: the cluster needs ${need}; the limit is ${limit}, ${current} are in use, ${free} free${held ? ` (plus ${held} the cluster holds already)` : ""}. ` +
        requestMore(family, familyName, requiredLimit, o) +
        ` Or lower max-nodes, or choose a vm-size of a family with free quota.`,
    };
  }
  const regional = usages.find((u) => isRegionalTotal(u) && !/\/workspaces?\//i.test(u.id ?? ""));
  if (regional && known(regional.limit) && known(regional.currentValue) && regional.limit >= 0) {
    const rFree = Math.max(0, regional.limit - regional.currentValue);
    if (rFree + held < needed) {
      return {
        ok: false,
        checked: true,
        ...result,
        message:
          `Not enough regional quota${where}: ${familyName} has ${free} vCPUs free, but the total of cluster dedicated vCPUs across all families is at ${regional.currentValue} of ${regional.limit} (${rFree} free), and the cluster needs ${need}. ` +
          `Request a Total Cluster Dedicated Regional vCPUs limit of at least ${regional.currentValue - held + needed}: in the Azure portal under Quotas → Machine Learning (${PORTAL_QUOTAS}) or in Azure ML studio → Quota; see ${QUOTA_DOCS}.`,
      };
    }
  }
  return {
    ok: true,
    checked: true,
    ...result,
    message: `Quota for ${familyName}${where}: the cluster needs ${need}; limit ${limit}, in use ${current}, ${Number.isFinite(free) ? `${free} free` : "no limit"}. Enough.`,
  };
}

/** How to ask for a family limit: the portal page, the docs, and the Azure CLI quota extension's command. */
function requestMore(family: string, familyName: string, requiredLimit: number, o: QuotaOptions): string {
  const scope = `/subscriptions/${o.subscriptionId ?? "<subscription-id>"}/providers/Microsoft.MachineLearningServices/locations/${o.location ?? "<region>"}`;
  const az = family
    ? ` With the Azure CLI (az extension add --name quota): az quota create --resource-name ${family} --scope ${scope} --limit-object value=${requiredLimit} limit-object-type=LimitValue --resource-type dedicated.`
    : "";
  return (
    `Request a limit of at least ${requiredLimit} vCPUs for ${familyName}: in the Azure portal under Quotas → Machine Learning (${PORTAL_QUOTAS}), or in Azure ML studio → Quota; see ${QUOTA_DOCS}.` +
    az
  );
}
