/**
 * Dedicated-core quota as Azure Machine Learning counts it, for a compute cluster (action-finetune) and for a
 * managed online deployment (action-deploy): one module, one reading of the usages.
 *
 * GET .../locations/{loc}/usages (Usage, machineLearningServices.json 2025-12-01; examples/Usage/list.json)
 * answers, per VM family, the subscription's dedicated vCPUs (`type` .../vmFamily/usages) and the same family
 * per workspace and per cluster (whose `name` repeats the family's: they must not be taken for it), the
 * low-priority ones, and a regional total that caps all families together ("Total Cluster Dedicated Regional
 * vCPUs", `type` .../dedicatedCores/usages). A `limit` below zero is how Azure writes "no limit".
 *
 * Azure ML training clusters and managed online endpoints share this quota. What already runs (a cluster's
 * current nodes, a deployment's instances) is in `currentValue`: it holds its cores and keeps them.
 *
 * The 20 % reserve: "Azure Machine Learning reserves 20% extra compute resources for performing upgrades on
 * some VM SKUs" — a managed online deployment of n instances needs quota for ceil(1.2 × n) instances, except
 * on the sizes the SKU list marks "Skip 20% Reservation" (the A100/H100 ND/NC families). Source:
 * learn.microsoft.com/azure/machine-learning/how-to-manage-quotas ("Manage and increase quotas and limits for
 * resources with Azure Machine Learning", "Virtual machine quota allocation for deployment"), and
 * learn.microsoft.com/azure/machine-learning/reference-managed-online-endpoints-vm-sku-list.
 */

/** One entry of GET .../locations/{loc}/usages (Usage). */
export interface UsageLike {
  id?: string | null;
  type?: string | null;
  name?: { value?: string | null; localizedValue?: string | null } | null;
  currentValue?: number | null;
  limit?: number | null;
  unit?: string | null;
}

/** A VM size as GET .../locations/{loc}/vmSizes answers it (VirtualMachineSize), as far as quota needs it. */
export interface QuotaSize {
  name?: string;
  family?: string;
  vCPUs?: number;
}

const QUOTA_DOCS =
  "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-and-limit-increases";
const PORTAL_QUOTAS = "https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas";
const REGIONAL_TOTAL = "Total Cluster Dedicated Regional vCPUs";

/**
 * Family names are written "standardNCSv3Family" by the vmSizes API, "Standard NCSv3 Family Cluster Dedicated
 * vCPUs" by the usages API, and "Standard NCSv3 Family" by people: one key for all three.
 */
export function familyKey(family: string): string {
  return family
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "")
    .replace(/(cluster)?(dedicated)?vcpus$/, "");
}

/** Families whose sizes skip the 20 % reservation ("Skip 20% Reservation: Yes" in the managed online endpoints SKU list). */
const NO_RESERVE = new Set(
  [
    "standardNCADSA100v4Family",
    "standardNCADSH100v5Family",
    "standardNDAMSv4_A100Family",
    "standardNDASv4_A100Family",
    "standardNDSv2Family",
    "standardNDv5H100Family",
    "standardNDISRH100v5Family",
  ].map(familyKey),
);

/** Instances a managed online deployment needs quota for: ceil(1.2 × n), or n on the exempt families. */
export function reservedInstances(family: string, instances: number): number {
  return NO_RESERVE.has(familyKey(family)) ? instances : Math.ceil((instances * 12) / 10);
}

const isLowPriority = (u: UsageLike) => /low\s*priority/i.test(`${u.name?.value ?? ""} ${u.type ?? ""}`);
const isShare = (u: UsageLike) => /\/workspaces?\//i.test(`${u.id ?? ""}/${u.type ?? ""}`);

/** The regional total row ("Total Cluster Dedicated Regional vCPUs"). */
const isRegionalTotal = (u: UsageLike) =>
  /dedicatedCores\/usages$/i.test(u.type ?? "") || familyKey(u.name?.value ?? "") === familyKey(REGIONAL_TOTAL);

/** The subscription's row of a family: not a workspace's or a cluster's share, not low-priority, not the total. */
function familyUsage(usages: readonly UsageLike[], family: string): UsageLike | undefined {
  const key = familyKey(family);
  const same = usages.filter((u) => !isLowPriority(u) && !isRegionalTotal(u) && familyKey(u.name?.value ?? "") === key);
  return same.find((u) => /vmFamily\/usages$/i.test(u.type ?? "")) ?? same.find((u) => !isShare(u)) ?? same[0];
}

/** The subscription's regional total row. */
function regionalUsage(usages: readonly UsageLike[]): UsageLike | undefined {
  return usages.find((u) => isRegionalTotal(u) && !isShare(u));
}

const known = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);

/** What a row leaves free: Infinity for no limit (a negative limit), undefined when Azure reported none. */
function freeOf(u: UsageLike | undefined): number | undefined {
  if (!u || !known(u.limit) || !known(u.currentValue)) return undefined;
  return u.limit < 0 ? Number.POSITIVE_INFINITY : Math.max(0, u.limit - u.currentValue);
}

/** Free dedicated vCPUs for new cores in a family: the least of the family's and the region's. */
export function freeVCpus(usages: readonly UsageLike[], family: string | undefined): number | undefined {
  const f = family ? freeOf(familyUsage(usages, family)) : undefined;
  if (f === undefined) return undefined;
  return Math.min(f, freeOf(regionalUsage(usages)) ?? Number.POSITIVE_INFINITY);
}

export interface QuotaRequest {
  /** "cluster" counts nodes × vCPUs; "deployment" adds Azure's 20 % reserve where it applies. */
  kind: "cluster" | "deployment";
  /** What is being sized, for messages: "cluster gpu-cluster", "the new deployment blue". */
  label: string;
  size: QuotaSize;
  /** Nodes (max-nodes of the cluster) or instances (of the deployment) wanted at once. */
  instances: number;
  /** Nodes or instances of the same thing already running: counted in the usage, and they stay ours. */
  held?: number;
  /** Other things of ours that keep running meanwhile, for the message (already counted in the usage). */
  alongside?: readonly string[];
  usages: readonly UsageLike[];
  location: string;
  subscriptionId?: string;
  /** How else to get by (lower max-nodes, another size…), appended to a refusal. */
  otherwise?: string;
}

export interface QuotaCheck {
  /** False only when the quota is known to be short. */
  ok: boolean;
  /** False when the family's usage could not be found, so nothing was compared. */
  checked: boolean;
  family?: string;
  /** Cores wanted at once, the 20 % reserve included. */
  needed: number;
  /** Of those, cores not yet held: what must be free. */
  newCores: number;
  limit?: number;
  current?: number;
  /** Free in the family; undefined when unlimited or unknown. */
  free?: number;
  unlimited?: boolean;
  regional?: { limit: number; current: number; free?: number };
  /** One line for the log, or the refusal: what, needed, free, and how to get more. */
  message: string;
}

/** Cores a request needs at once (with the reserve for a deployment) and cores already held by it. */
function coresOf(r: Pick<QuotaRequest, "kind" | "size" | "instances" | "held">) {
  const v = r.size.vCPUs ?? 0;
  const count = (n: number) => (r.kind === "deployment" ? reservedInstances(r.size.family ?? "", n) : n);
  return { needed: count(r.instances) * v, held: r.held ? count(r.held) * v : 0 };
}

/**
 * Whether the family and the regional total leave room for what the request adds, counting what it already
 * holds as its own. Unknown usage leaves the check to Azure (ok, not checked).
 */
export function checkQuota(r: QuotaRequest): QuotaCheck {
  const { needed, held } = coresOf(r);
  const newCores = Math.max(0, needed - held);
  const where = ` in ${r.location}`;
  const usage = familyUsage(r.usages, r.size.family ?? "");
  const family = usage?.name?.localizedValue?.replace(/\s+(Cluster\s+)?Dedicated\s+vCPUs$/i, "") || r.size.family;
  const need = describeNeed(r, needed, held);
  const base = { family, needed, newCores };
  if (!usage || !known(usage.limit) || !known(usage.currentValue))
    return {
      ok: true,
      checked: false,
      ...base,
      message: `Quota not checked: Azure reported no usage for ${family ?? "the size's family"}${where}; ${need}.`,
    };
  const { limit, currentValue: current } = usage;
  const free = freeOf(usage)!;
  const regionalRow = regionalUsage(r.usages);
  const regional =
    regionalRow && known(regionalRow.limit) && known(regionalRow.currentValue)
      ? { limit: regionalRow.limit, current: regionalRow.currentValue, free: finite(freeOf(regionalRow)!) }
      : undefined;
  const found = { ...base, limit, current, free: finite(free), unlimited: limit < 0, regional };
  const shown = (l: number, c: number, f: number) =>
    l < 0 ? `no limit (${c} in use)` : `limit ${l}, ${c} in use, ${f} free`;
  if (newCores > free)
    return {
      ok: false,
      checked: true,
      ...found,
      message:
        `Not enough quota for ${family}${where}: ${need}; ${shown(limit, current, free)}. ` +
        requestFamily(r, family ?? "", current - held + needed),
    };
  if (regional && newCores > (regional.free ?? Number.POSITIVE_INFINITY))
    return {
      ok: false,
      checked: true,
      ...found,
      message:
        `Not enough regional quota${where}: ${family} has ${Number.isFinite(free) ? `${free} vCPUs free` : "no limit"}, but the ${REGIONAL_TOTAL} (all families together) are at ${regional.current} of ${regional.limit}, ${regional.free} free; ${need}. ` +
        `Request a ${REGIONAL_TOTAL} limit of at least ${regional.current - held + needed} for subscription ${r.subscriptionId ?? "(unknown)"}${where}: in the Azure portal under Quotas → Machine Learning (${PORTAL_QUOTAS}) or in Azure ML studio → Quota; see ${QUOTA_DOCS}.` +
        (r.otherwise ? ` ${r.otherwise}` : ""),
    };
  const regionalText = regional ? `; region: ${shown(regional.limit, regional.current, regional.free ?? 0)}` : "";
  return {
    ok: true,
    checked: true,
    ...found,
    message: `Quota for ${family}${where}: ${need}; ${shown(limit, current, free)}${regionalText}. Enough.`,
  };
}

const finite = (n: number) => (Number.isFinite(n) ? n : undefined);

/** "the cluster needs 48 vCPUs (2 nodes × 24 vCPUs of Standard_NC24ads_A100_v4), 24 of them held already". */
function describeNeed(r: QuotaRequest, needed: number, held: number): string {
  const v = r.size.vCPUs ?? 0;
  const unit = r.kind === "cluster" ? "node" : "instance";
  const reserved = r.kind === "deployment" ? reservedInstances(r.size.family ?? "", r.instances) : r.instances;
  const reserve =
    reserved !== r.instances
      ? `, counted as ${reserved} for the 20 % Azure reserves for upgrades of managed online deployments`
      : "";
  const parts = [
    `${r.label} needs ${needed} vCPUs at once (${r.instances} ${unit}${r.instances === 1 ? "" : "s"} × ${v} vCPUs of ${r.size.name}${reserve})`,
  ];
  if (held) parts.push(`${held} of them it holds already`);
  if (r.alongside?.length) parts.push(`already running beside it and counted in the usage: ${r.alongside.join(", ")}`);
  return parts.join("; ");
}

/** How to ask for a family limit: the portal page, the docs, and the Azure CLI quota extension's command. */
function requestFamily(r: QuotaRequest, family: string, requiredLimit: number): string {
  const sub = r.subscriptionId ?? "(unknown)";
  const scope = `/subscriptions/${sub}/providers/Microsoft.MachineLearningServices/locations/${r.location}`;
  const az = r.size.family
    ? ` With the Azure CLI (az extension add --name quota): az quota create --resource-name ${r.size.family} --scope ${scope} --limit-object value=${requiredLimit} limit-object-type=LimitValue --resource-type dedicated.`
    : "";
  return (
    `Request a limit of at least ${requiredLimit} vCPUs for ${family} in subscription ${sub}, region ${r.location}: in the Azure portal under Quotas → Machine Learning (${PORTAL_QUOTAS}), or in Azure ML studio → Quota; see ${QUOTA_DOCS}.` +
    az +
    (r.otherwise ? ` ${r.otherwise}` : "")
  );
}
