/**
 * Whether the VM family has the cores a rollout needs, checked before anything is created.
 *
 * Two things make a deployment need more than "vCPUs × instances":
 * - during a blue/green rollout the previous deployment keeps serving until traffic has moved, so the
 *   family must hold both at once;
 * - Azure ML reserves 20 % extra for upgrades on most VM sizes: a deployment of n instances needs quota for
 *   ceil(1.2 × n) instances (one NC6s_v3 instance needs 12 cores), except on the sizes Azure lists as
 *   exempt (the A100/H100/ND families). Source: learn.microsoft.com, "Manage and increase quotas" →
 *   "Virtual machine quota allocation for deployment", and "Managed online endpoints SKU list"
 *   (MicrosoftDocs/azure-ai-docs, articles/machine-learning/reference-managed-online-endpoints-vm-sku-list.md).
 */

/** A VM size as GET .../locations/{loc}/vmSizes answers it (VirtualMachineSize), as far as quota needs it. */
export interface VmSizeInfo {
  name: string;
  family: string;
  vCPUs: number;
}

/** Sizes this action knows without asking Azure (family and vCPUs from the managed online endpoints SKU list). */
export const KNOWN_VM_SIZES: readonly VmSizeInfo[] = [
  { name: "Standard_NC6s_v3", family: "standardNCSv3Family", vCPUs: 6 },
  { name: "Standard_NC12s_v3", family: "standardNCSv3Family", vCPUs: 12 },
  { name: "Standard_NC24s_v3", family: "standardNCSv3Family", vCPUs: 24 },
  { name: "Standard_NC4as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 4 },
  { name: "Standard_NC8as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 8 },
  { name: "Standard_NC16as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 16 },
  { name: "Standard_NC64as_T4_v3", family: "standardNCASv3_T4Family", vCPUs: 64 },
  { name: "Standard_NC24ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 24 },
  { name: "Standard_NC48ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 48 },
  { name: "Standard_NC96ads_A100_v4", family: "standardNCADSA100v4Family", vCPUs: 96 },
  { name: "Standard_NC40ads_H100_v5", family: "standardNCADSH100v5Family", vCPUs: 40 },
  { name: "Standard_ND96asr_v4", family: "standardNDASv4_A100Family", vCPUs: 96 },
  { name: "Standard_E4s_v3", family: "standardESv3Family", vCPUs: 4 },
  { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4 },
  { name: "Standard_F4s_v2", family: "standardFSv2Family", vCPUs: 4 },
];

/** Families whose sizes skip the 20 % reservation ("Skip 20% Reservation: Yes" in the SKU list). */
const NO_RESERVE = new Set(
  [
    "standardNCADSA100v4Family",
    "standardNCADSH100v5Family",
    "standardNDAMSv4_A100Family",
    "standardNDASv4_A100Family",
    "standardNDSv2Family",
    "standardNDv5H100Family",
  ].map(familyKey),
);

/**
 * Family names are written "standardNCSv3Family" by the vmSizes API, "Standard NCSv3 Family Cluster Dedicated
 * vCPUs" by the usages API (azure-rest-api-specs …/2025-12-01/examples/Usage/list.json), and
 * "Standard NCSv3 Family" by people: one key for all three.
 */
export function familyKey(family: string): string {
  return family
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "")
    .replace(/(cluster)?(dedicated)?vcpus$/, "");
}

/** The size from Azure's list for the region when given, else from the known sizes (case-insensitive). */
export function findVmSize(instanceType: string, sizes?: readonly VmSizeInfo[]): VmSizeInfo | undefined {
  const want = instanceType.trim().toLowerCase();
  return sizes?.find((s) => s.name.toLowerCase() === want) ?? KNOWN_VM_SIZES.find((s) => s.name.toLowerCase() === want);
}

/** Instances Azure wants quota for: ceil(1.2 × n), or n on the exempt families. */
export function reservedInstances(family: string, instanceCount: number): number {
  return NO_RESERVE.has(familyKey(family)) ? instanceCount : Math.ceil((instanceCount * 12) / 10);
}

/** The cores a deployment holds against its family's quota. */
export const coresFor = (size: VmSizeInfo, instanceCount: number) =>
  reservedInstances(size.family, instanceCount) * size.vCPUs;

/** One entry of GET .../locations/{loc}/usages (Usage). */
export interface UsageLike {
  id?: string | null;
  type?: string | null;
  name?: { value?: string | null; localizedValue?: string | null } | null;
  currentValue?: number | null;
  limit?: number | null;
  unit?: string | null;
}

interface DeploymentLike {
  name: string;
  instanceType: string;
  instanceCount: number;
}

export interface QuotaInput {
  /** The deployment the rollout creates; undefined when an existing one is reused (nothing new to run). */
  adding?: DeploymentLike;
  /** Deployments already on the endpoint: they run during the rollout, the previous one included. */
  running: readonly DeploymentLike[];
  usages: readonly UsageLike[];
  /** The region's VM sizes (vmSizes API); the known sizes are used for any it does not list. */
  vmSizes?: readonly VmSizeInfo[];
  location?: string;
  /**
   * Whether the usage already counts the deployments that run (true on Azure: running deployments hold
   * their cores). Either way they are part of what the rollout needs; this only says whether the free
   * cores reported exclude them already.
   */
  usageCountsRunning?: boolean;
}

export interface QuotaCheck {
  /** False only when it is known that the quota is short. */
  ok: boolean;
  /** False when the size or the family's usage was unknown, so nothing could be compared. */
  checked: boolean;
  family?: string;
  /** Cores of the new deployment (with the 20 % reservation where it applies). */
  addingCores: number;
  /** Cores of the deployments in the same family that run at the same time. */
  runningCores: number;
  /** addingCores + runningCores: what the family must hold at once. */
  needed: number;
  limit?: number;
  current?: number;
  /** limit − current, as reported. */
  free?: number;
  /** The family limit that would be enough. */
  requiredLimit?: number;
  /** One line for the log, or the error, naming family, needed, free, and how to get more. */
  message: string;
}

const QUOTA_DOCS =
  "https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas#request-quota-and-limit-increases";

/**
 * The subscription's row of a family: not the low-priority one, and not a workspace's or a cluster's share
 * (those repeat the family's name, with ids under a workspace).
 */
function subscriptionUsage(usages: readonly UsageLike[], key: string): UsageLike | undefined {
  const same = usages.filter(
    (u) => familyKey(u.name?.value ?? "") === key && !/low\s*priority/i.test(`${u.name?.value ?? ""} ${u.type ?? ""}`),
  );
  return (
    same.find((u) => /vmFamily\/usages$/i.test(u.type ?? "")) ??
    same.find((u) => !/\/workspaces?\//i.test(`${u.id ?? ""}/${u.type ?? ""}`))
  );
}

/** Checks the new deployment and everything that runs beside it against the family's quota. */
export function checkQuota(q: QuotaInput): QuotaCheck {
  const none = { addingCores: 0, runningCores: 0, needed: 0 };
  if (!q.adding)
    return { ok: true, checked: false, ...none, message: "No new deployment is created, so no new cores are needed." };
  const size = findVmSize(q.adding.instanceType, q.vmSizes);
  if (!size) {
    return {
      ok: true,
      checked: false,
      ...none,
      message: `Quota not checked: the VM size ${q.adding.instanceType} is unknown${q.location ? ` in ${q.location}` : ""} (is it available there, and spelled as Azure spells it?).`,
    };
  }
  const key = familyKey(size.family);
  const usage = subscriptionUsage(q.usages, key);
  const familyName = usage?.name?.localizedValue?.replace(/\s+(Cluster\s+)?Dedicated vCPUs$/i, "") || size.family;
  const addingCores = coresFor(size, q.adding.instanceCount);
  const same = q.running
    .map((d) => ({ d, s: findVmSize(d.instanceType, q.vmSizes) }))
    .filter((x) => x.s && familyKey(x.s.family) === key);
  const runningCores = same.reduce((a, x) => a + coresFor(x.s!, x.d.instanceCount), 0);
  const needed = addingCores + runningCores;
  const base = { family: familyName, addingCores, runningCores, needed };
  if (!usage || typeof usage.limit !== "number" || typeof usage.currentValue !== "number") {
    return {
      ok: true,
      checked: false,
      ...base,
      message: `Quota not checked: Azure reported no usage for ${familyName}${q.location ? ` in ${q.location}` : ""}; the rollout needs ${needed} vCPUs of it at once.`,
    };
  }
  const limit = usage.limit;
  const current = usage.currentValue;
  const free = Math.max(0, limit - current);
  const counted = q.usageCountsRunning === false ? 0 : runningCores;
  const available = Math.min(limit, free + counted);
  const requiredLimit = limit - available + needed;
  const ok = needed <= available;
  const reserve = reservedInstances(size.family, q.adding.instanceCount) !== q.adding.instanceCount;
  const parts = [
    `${addingCores} for the new deployment ${q.adding.name} (${q.adding.instanceCount} × ${size.name}, ${size.vCPUs} vCPUs each${reserve ? `, counted as ${reservedInstances(size.family, q.adding.instanceCount)} instances for the 20 % Azure reserves for upgrades` : ""})`,
    ...same.map((x) => `${coresFor(x.s!, x.d.instanceCount)} for ${x.d.name}, which keeps running during the rollout`),
  ];
  const where = q.location ? ` in ${q.location}` : "";
  const head = `${familyName}${where}: the rollout needs ${needed} vCPUs at once (${parts.join("; ")}); limit ${limit}, in use ${current}, free ${free}`;
  if (ok) return { ok, checked: true, ...base, limit, current, free, requiredLimit, message: `${head}. Enough.` };
  return {
    ok,
    checked: true,
    ...base,
    limit,
    current,
    free,
    requiredLimit,
    message:
      `Not enough quota. ${head}. ` +
      `Request a limit of at least ${requiredLimit} vCPUs for ${familyName}${where}: in Azure ML studio (Quota), or in the Azure portal under the workspace's Usage + quotas → Request quota (${QUOTA_DOCS}). ` +
      `Or choose an instance-type in a family with free quota${same.length ? ", or remove deployments that no longer serve first" : ""}.`,
  };
}
