import type { Router } from "../http.js";
import type { ArmContext } from "./context.js";
import type { Resource } from "./store.js";
import { VM_SIZES, vmSize, type VmSize } from "./vm-sizes.js";

const LOC = String.raw`^/subscriptions/([^/]+)/providers/Microsoft\.MachineLearningServices/locations/([^/]+)`;

/** The regional total every family's dedicated cores count against ("Total Cluster Dedicated Regional vCPUs"). */
const REGIONAL_TOTAL = "Total Cluster Dedicated Regional vCPUs";
/** The regional total a new subscription gets, unless a test sets one. */
const DEFAULT_REGIONAL_LIMIT = 100;

/**
 * Azure's strings for a family's usage: "Standard NCADSA100v4 Family Cluster Dedicated vCPUs", and the id
 * segment "Standard_NCADSA100v4_Family_Cluster_Dedicated_vCPUs" (azure-rest-api-specs, machinelearningservices
 * …/stable/2025-12-01/examples/Usage/list.json).
 */
function usageName(v: Pick<VmSize, "familyName">): { value: string; localizedValue: string } {
  const text = `${v.familyName} Cluster Dedicated vCPUs`;
  return { value: text, localizedValue: text };
}
const segment = (text: string) => text.replace(/\s+/g, "_");

interface Row {
  id: string;
  amlWorkspaceLocation: string;
  type: string;
  unit: "Count";
  currentValue: number;
  limit: number;
  name: { value: string; localizedValue: string };
}

/** The families the emulator knows, once each. */
const families = () => [...new Map(VM_SIZES.map((v) => [v.family, v])).values()];

/** Dedicated cores a cluster holds now: its nodes × its size's vCPUs. */
function clusterCores(c: Resource): { size?: VmSize; cores: number } {
  const inner = (c.properties.properties ?? {}) as { vmSize?: string; currentNodeCount?: number; vmPriority?: string };
  const size = vmSize(String(inner.vmSize ?? ""));
  if (!size || inner.vmPriority === "LowPriority") return { cores: 0 };
  return { size, cores: (inner.currentNodeCount ?? 0) * size.vCPUs };
}

/** The workspaces of a subscription in a region, with their clusters. */
function workspacesIn(ctx: ArmContext, sub: string, loc: string): Array<{ ws: Resource; clusters: Resource[] }> {
  const norm = (s: unknown) =>
    String(s ?? "")
      .replace(/\s+/g, "")
      .toLowerCase();
  return [...ctx.store.resources.values()]
    .filter((r) => r.type === "Microsoft.MachineLearningServices/workspaces")
    .filter(
      (r) => r.id.toLowerCase().startsWith(`/subscriptions/${sub.toLowerCase()}/`) && norm(r.location) === norm(loc),
    )
    .map((ws) => ({ ws, clusters: ctx.store.list(`${ws.id}/computes`) }));
}

/** The rows of one family: the subscription's, then each workspace's and each cluster's share of it. */
function familyRows(ctx: ArmContext, sub: string, loc: string, v: VmSize): Row[] {
  const q = ctx.quotas.get(sub, loc, v.family, v.defaultQuota);
  const name = usageName(v);
  const row = (id: string, type: string, currentValue: number): Row => ({
    id,
    amlWorkspaceLocation: loc,
    type,
    unit: "Count",
    currentValue,
    limit: q.limit,
    name,
  });
  const rows = [
    row(
      `/subscriptions/${sub}/usages/${segment(name.value)}`,
      "Microsoft.MachineLearningServices/vmFamily/usages",
      q.current,
    ),
  ];
  for (const { ws, clusters } of workspacesIn(ctx, sub, loc)) {
    const mine = clusters.map((c) => ({ c, ...clusterCores(c) })).filter((x) => x.size?.family === v.family);
    if (mine.length === 0) continue;
    const total = mine.reduce((a, x) => a + x.cores, 0);
    rows.push(
      row(`${ws.id}/usages/${segment(name.value)}`, "Microsoft.MachineLearningServices/workspaces/usages", total),
    );
    for (const x of mine)
      rows.push(
        row(
          `${x.c.id}/usages/${segment(name.value)}`,
          "Microsoft.MachineLearningServices/workspaces/computes/usages",
          x.cores,
        ),
      );
  }
  return rows;
}

/** The regional total: its limit (settable), and the dedicated cores of all families in use. */
function regionalRow(ctx: ArmContext, sub: string, loc: string): Row {
  const inUse = families().reduce((a, v) => a + ctx.quotas.get(sub, loc, v.family, v.defaultQuota).current, 0);
  const set = ctx.quotas.regional(sub, loc);
  return {
    id: `/subscriptions/${sub}/usages`,
    amlWorkspaceLocation: loc,
    type: "Microsoft.MachineLearningServices/dedicatedCores/usages",
    unit: "Count",
    currentValue: set?.current ?? inUse,
    limit: set?.limit ?? DEFAULT_REGIONAL_LIMIT,
    name: { value: REGIONAL_TOTAL, localizedValue: REGIONAL_TOTAL },
  };
}

/** Subscription-level quota per region: usages (what is used of what limit) and quotas (per-workspace limits). */
export function registerUsages(r: Router, ctx: ArmContext): void {
  r.on("GET", new RegExp(`${LOC}/usages$`, "i"), (_req, [sub, loc]) => ({
    status: 200,
    body: { value: [regionalRow(ctx, sub!, loc!), ...families().flatMap((v) => familyRows(ctx, sub!, loc!, v))] },
  }));

  // Per workspace and family, the limit a workspace may use (ListWorkspaceQuotas); the emulator sets none
  // below the subscription's, so each is the family's limit.
  r.on("GET", new RegExp(`${LOC}/quotas$`, "i"), (_req, [sub, loc]) => ({
    status: 200,
    body: {
      value: workspacesIn(ctx, sub!, loc!).flatMap(({ ws }) =>
        families().map((v) => ({
          id: `${ws.id}/quotas/${v.family}`,
          amlWorkspaceLocation: loc,
          type: "Microsoft.MachineLearningServices/workspaces/quotas",
          name: { value: v.family, localizedValue: usageName(v).value },
          limit: ctx.quotas.get(sub!, loc!, v.family, v.defaultQuota).limit,
          unit: "Count",
        })),
      ),
    },
  }));
}
