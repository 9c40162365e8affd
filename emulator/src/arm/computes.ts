import type { Req, Res, Router } from "../http.js";
import { armError, asyncHeaders, notFound, WS, wsId, type ArmContext } from "./context.js";
import { systemData, type Resource } from "./store.js";
import { quotaRefusal } from "./usage-count.js";
import { vmSize } from "./vm-sizes.js";

/** How long a cluster stays Creating / Updating when nobody polls its operation. */
const CLUSTER_PROVISION_MS = 10_000;

/** AmlCompute clusters: asynchronous provisioning (201 + Azure-AsyncOperation); the VM size of a cluster never changes. */
export function registerComputes(r: Router, ctx: ArmContext): void {
  registerComputeList(r, ctx);

  r.on("GET", new RegExp(`${WS}/computes/([^/]+)$`, "i"), (_req, [sub, rg, ws, name]) => {
    const c = ctx.store.get(`${wsId(sub!, rg!, ws!)}/computes/${name}`);
    return c
      ? { status: 200, body: c }
      : notFound("Microsoft.MachineLearningServices/workspaces/computes", `${ws}/${name}`, rg!);
  });

  r.on("PUT", new RegExp(`${WS}/computes/([^/]+)$`, "i"), (req: Req, ids) => putCompute(ctx, req, ids));
}

/** PUT a cluster: created (201) or updated (200) with its scale settings; min nodes must fit the quota. */
function putCompute(ctx: ArmContext, req: Req, [sub, rg, ws, name]: string[]): Res {
  const workspace = ctx.store.get(wsId(sub!, rg!, ws!));
  if (!workspace) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
  const body = req.json<{
    location?: string;
    tags?: Record<string, string>;
    identity?: Record<string, unknown>;
    properties?: { computeType?: string; description?: string; properties?: Record<string, unknown> };
  }>();
  const p = body?.properties;
  if (p?.computeType !== "AmlCompute")
    return armError(400, "UserError", "Only AmlCompute clusters are supported here.", {
      target: "properties.computeType",
    });
  const inner = p.properties ?? {};
  const size = vmSize(String(inner.vmSize ?? ""));
  if (!size)
    return armError(400, "InvalidPropertyValue", `VM size ${inner.vmSize} is not available in ${workspace.location}.`, {
      target: "properties.properties.vmSize",
    });
  const id = `${wsId(sub!, rg!, ws!)}/computes/${name}`;
  const existing = ctx.store.get(id);
  const sizeChange = sizeChangeRefusal(name!, existing, size.name);
  if (sizeChange) return sizeChange;
  const scale = (inner.scaleSettings ?? {}) as Record<string, unknown>;
  // A cluster holds its min nodes at all times: a resize beyond the quota is refused (usage-count.ts).
  const minNodes = Number(scale.minNodeCount ?? 0);
  const priority = String(inner.vmPriority ?? "Dedicated");
  const refusal = resizeRefusal(
    ctx,
    { sub: sub!, loc: String(workspace.location), except: id },
    priority,
    size,
    minNodes,
  );
  if (refusal) return refusal;
  const held = (existing?.properties.properties as { currentNodeCount?: number } | undefined)?.currentNodeCount ?? 0;
  const resource = ctx.store.put({
    id,
    name: name!,
    type: "Microsoft.MachineLearningServices/workspaces/computes",
    location: body.location ?? workspace.location,
    tags: body.tags ?? {},
    ...(body.identity ? { identity: body.identity } : existing?.identity ? { identity: existing.identity } : {}),
    properties: {
      computeType: "AmlCompute",
      computeLocation: body.location ?? workspace.location,
      description: p.description ?? null,
      provisioningState: existing ? "Updating" : "Creating",
      isAttachedCompute: false,
      disableLocalAuth: true,
      properties: {
        osType: "Linux",
        vmSize: size.name,
        vmPriority: priority,
        scaleSettings: {
          maxNodeCount: scale.maxNodeCount ?? 1,
          minNodeCount: scale.minNodeCount ?? 0,
          nodeIdleTimeBeforeScaleDown: scale.nodeIdleTimeBeforeScaleDown ?? "PT120S",
        },
        allocationState: "Steady",
        currentNodeCount: Math.max(minNodes, held),
        targetNodeCount: Math.max(minNodes, held),
      },
    },
    systemData: (existing?.systemData as Record<string, unknown>) ?? systemData(),
  });
  const settle = () => (resource.properties.provisioningState = "Succeeded");
  const op = ctx.store.startOperation(sub!, String(resource.location), settle);
  // Azure provisions the cluster whether or not anyone polls the operation: a GET shows Succeeded in a while.
  setTimeout(settle, CLUSTER_PROVISION_MS).unref();
  return { status: existing ? 200 : 201, body: resource, headers: asyncHeaders(ctx, op, req) };
}

/** Compute_List (machineLearningServices.json): a workspace's clusters. */
function registerComputeList(r: Router, ctx: ArmContext): void {
  r.on("GET", new RegExp(`${WS}/computes$`, "i"), (_req, [sub, rg, ws]) => {
    const id = wsId(sub!, rg!, ws!);
    if (!ctx.store.get(id)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    return { status: 200, body: { value: ctx.store.list(`${id}/computes`) } };
  });
}

/** Azure cannot change a cluster's VM size. */
function sizeChangeRefusal(name: string, existing: Resource | undefined, size: string): Res | undefined {
  const had = (existing?.properties.properties as { vmSize?: string } | undefined)?.vmSize;
  if (!had || had.toLowerCase() === size.toLowerCase()) return undefined;
  return armError(400, "UserError", `The VM size of cluster ${name} is ${had} and cannot be changed to ${size}.`, {
    target: "properties.properties.vmSize",
  });
}

/** Min nodes of dedicated priority beyond the quota are refused as Azure refuses them (usage-count.ts). */
function resizeRefusal(
  ctx: ArmContext,
  at: { sub: string; loc: string; except: string },
  priority: string,
  size: NonNullable<ReturnType<typeof vmSize>>,
  minNodes: number,
) {
  const refusal =
    priority === "Dedicated" && minNodes > 0 ? quotaRefusal(ctx, at, "cluster", size, minNodes) : undefined;
  return refusal
    ? armError(400, refusal.code, refusal.message, { target: "properties.properties.scaleSettings" })
    : undefined;
}
