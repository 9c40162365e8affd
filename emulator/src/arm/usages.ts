import type { Router } from "../http.js";
import type { ArmContext } from "./context.js";
import { clusterCores, familyInUse, regionalInUse, workspacesIn } from "./usage-count.js";
import { VM_SIZES, type VmSize } from "./vm-sizes.js";

const LOC = String.raw`^/subscriptions/([^/]+)/providers/Microsoft\.MachineLearningServices/locations/([^/]+)`;

/** The regional total every family's dedicated cores count against ("Total Cluster Dedicated Regional vCPUs"). */
const REGIONAL_TOTAL = "Total Cluster Dedicated Regional vCPUs";

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
      familyInUse(ctx, sub, loc, v),
    ),
  ];
  for (const ws of workspacesIn(ctx, sub, loc)) {
    const clusters = ctx.store.list(`${ws.id}/computes`);
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

/** The regional total: its limit (settable), and the dedicated cores of all families in use (usage-count.ts). */
function regionalRow(ctx: ArmContext, sub: string, loc: string): Row {
  const total = regionalInUse(ctx, sub, loc);
  return {
    id: `/subscriptions/${sub}/usages`,
    amlWorkspaceLocation: loc,
    type: "Microsoft.MachineLearningServices/dedicatedCores/usages",
    unit: "Count",
    currentValue: total.current,
    limit: total.limit,
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
      value: workspacesIn(ctx, sub!, loc!).flatMap((ws) =>
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
