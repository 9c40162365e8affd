/**
 * Dedicated cores in use, counted from what runs, as Azure counts them: each AmlCompute cluster's current
 * dedicated nodes × its size's vCPUs, and each managed online deployment's instances × its size's vCPUs
 * (training clusters and managed online endpoints share the Azure ML quota; learn.microsoft.com/azure/
 * machine-learning/how-to-manage-quotas). A test may add cores "used elsewhere" (other tools, other
 * workspaces the emulator does not hold) through the control API; it never sets what runs here.
 *
 * A deployment's create or scale needs room for its instances with Azure's 20 % upgrade reserve (ceil(1.2 × n),
 * except on the families that skip it); its usage afterwards is its instances × vCPUs.
 *
 * Going over a limit is refused with Azure's codes and wording:
 * - a deployment create or scale: OutOfQuota, "Not enough cluster CPU quota. The amount of additional CPU
 *   quota requested is 8, and you are currently using 14. Your amount of maximum quota is 20. Please see
 *   troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota" (learn.microsoft.com/azure/
 *   machine-learning/how-to-troubleshoot-online-endpoints#error-outofquota; the message as Azure returned it in
 *   MicrosoftDocs/azure-docs#121466);
 * - a cluster resize (min nodes) or a job that scales a cluster: ClusterMinNodesExceedCoreQuota, "The specified
 *   subscription has a Standard DSv2 family vCPU quota of 6 and cannot accomodate for at least 1 requested
 *   managed compute nodes which maps to 8 vCPUs." (as Azure returned it in ansible-collections/azure#2209), and
 *   for the regional total "The specified subscription has a total vCPU quota of 4 and cannot accomodate for at
 *   least 1 requested compute training cluster and/or compute instance's node which maps to 24 vCPUs"
 *   (microsoft/InnerEye-DeepLearning#253); Azure's spelling "accomodate" is kept.
 */
import type { ArmContext } from "./context.js";
import type { Resource } from "./store.js";
import { VM_SIZES, vmSize, type VmSize } from "./vm-sizes.js";

/** The regional total a new subscription gets, unless a test sets one. */
const DEFAULT_REGIONAL_LIMIT = 100;

const norm = (s: unknown) =>
  String(s ?? "")
    .replace(/\s+/g, "")
    .toLowerCase();

/** The workspaces of a subscription in a region. */
export function workspacesIn(ctx: ArmContext, sub: string, loc: string): Resource[] {
  return [...ctx.store.resources.values()]
    .filter((r) => r.type === "Microsoft.MachineLearningServices/workspaces")
    .filter(
      (r) => r.id.toLowerCase().startsWith(`/subscriptions/${sub.toLowerCase()}/`) && norm(r.location) === norm(loc),
    );
}

/** Dedicated cores a cluster holds now: its current nodes × its size's vCPUs (low-priority nodes are not counted). */
export function clusterCores(c: Resource): { size?: VmSize; cores: number } {
  const inner = (c.properties.properties ?? {}) as { vmSize?: string; currentNodeCount?: number; vmPriority?: string };
  const size = vmSize(String(inner.vmSize ?? ""));
  if (!size || inner.vmPriority === "LowPriority") return { cores: 0 };
  return { size, cores: (inner.currentNodeCount ?? 0) * size.vCPUs };
}

/** Cores a deployment holds: its instances × its size's vCPUs, unless it failed or is being deleted. */
function deploymentCores(d: Resource): { size?: VmSize; cores: number } {
  const size = vmSize(String(d.properties.instanceType ?? ""));
  const state = String(d.properties.provisioningState ?? "");
  if (!size || /^(failed|deleting|canceled)$/i.test(state)) return { cores: 0 };
  const count = Number((d.sku as { capacity?: number } | undefined)?.capacity ?? 1);
  return { size, cores: count * size.vCPUs };
}

/** Everything of a workspace that holds dedicated cores. */
function holders(ctx: ArmContext, ws: Resource): Array<{ r: Resource; size?: VmSize; cores: number }> {
  const clusters = ctx.store.list(`${ws.id}/computes`).map((r) => ({ r, ...clusterCores(r) }));
  const deployments = ctx.store
    .list(`${ws.id}/onlineEndpoints`)
    .filter((e) => e.type.endsWith("/onlineEndpoints"))
    .flatMap((e) => ctx.store.list(`${e.id}/deployments`))
    .map((r) => ({ r, ...deploymentCores(r) }));
  return [...clusters, ...deployments];
}

/** Cores of a family in use in the region: what runs (minus `except`), plus what a test says is used elsewhere. */
export function familyInUse(ctx: ArmContext, sub: string, loc: string, v: VmSize, except?: string): number {
  const elsewhere = ctx.quotas.get(sub, loc, v.family, v.defaultQuota).current;
  const here = workspacesIn(ctx, sub, loc)
    .flatMap((ws) => holders(ctx, ws))
    .filter((h) => h.size?.family === v.family && h.r.id.toLowerCase() !== except?.toLowerCase())
    .reduce((a, h) => a + h.cores, 0);
  return elsewhere + here;
}

const families = () => [...new Map(VM_SIZES.map((v) => [v.family, v])).values()];

/** The regional total: its limit and what all families use. */
export function regionalInUse(ctx: ArmContext, sub: string, loc: string, except?: string) {
  const set = ctx.quotas.regional(sub, loc);
  const used = families().reduce((a, v) => a + familyInUse(ctx, sub, loc, v, except), 0);
  return { limit: set?.limit ?? DEFAULT_REGIONAL_LIMIT, current: used + (set?.current ?? 0) };
}

const over = (limit: number, current: number, adding: number) => limit >= 0 && current + adding > limit;

/**
 * Families whose sizes skip the 20 % Azure reserves for upgrades of managed online deployments ("Skip 20%
 * Reservation" in learn.microsoft.com/azure/machine-learning/reference-managed-online-endpoints-vm-sku-list;
 * "Manage and increase quotas … Azure Machine Learning", Virtual machine quota allocation for deployment).
 */
const NO_RESERVE = new Set([
  "standardNCADSA100v4Family",
  "standardNCadsH100v5Family",
  "standardNDAMSv4_A100Family",
  "standardNDASv4_A100Family",
]);

/** Instances a deployment needs quota for: ceil(1.2 × n), or n on the exempt families. */
const reserved = (size: VmSize, n: number) => (NO_RESERVE.has(size.family) ? n : Math.ceil((n * 12) / 10));

/**
 * Why `cores` more of a size would go over the family limit or the regional total, in Azure's words for a
 * deployment or a cluster; undefined when they fit. `except` is the resource being resized (its own cores are
 * replaced, not added to).
 */
export function quotaRefusal(
  ctx: ArmContext,
  at: { sub: string; loc: string; except?: string },
  kind: "deployment" | "cluster",
  size: VmSize,
  nodes: number,
): { code: string; message: string } | undefined {
  const cores = (kind === "deployment" ? reserved(size, nodes) : nodes) * size.vCPUs;
  const q = ctx.quotas.get(at.sub, at.loc, size.family, size.defaultQuota);
  const famUsed = familyInUse(ctx, at.sub, at.loc, size, at.except);
  const region = regionalInUse(ctx, at.sub, at.loc, at.except);
  const family = over(q.limit, famUsed, cores);
  if (!family && !over(region.limit, region.current, cores)) return undefined;
  if (kind === "deployment") {
    const [used, max] = family ? [famUsed, q.limit] : [region.current, region.limit];
    return {
      code: "OutOfQuota",
      message: `Not enough cluster CPU quota. The amount of additional CPU quota requested is ${cores}, and you are currently using ${used}. Your amount of maximum quota is ${max}. Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota`,
    };
  }
  const what = family
    ? `a ${size.familyName.replace(/^Standard\s+/i, "Standard ").replace(/\s+Family$/i, " family")} vCPU quota of ${q.limit}`
    : `a total vCPU quota of ${region.limit}`;
  return {
    code: "ClusterMinNodesExceedCoreQuota",
    message: `The specified subscription has ${what} and cannot accomodate for at least ${nodes} requested managed compute nodes which maps to ${cores} vCPUs.`,
  };
}
