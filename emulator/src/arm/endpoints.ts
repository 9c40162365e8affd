import { randomBytes } from "node:crypto";
import type { Req, Router } from "../http.js";
import { armError, asyncHeaders, locationHeaders, notFound, WS, wsId, type ArmContext } from "./context.js";
import { systemData, type Resource } from "./store.js";

const EP = `${WS}/onlineEndpoints/([^/]+)`;
const TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";

/** Switches for tests: make the next deployment of an endpoint fail, with this error and these container logs. */
export interface DeploymentFailure {
  code: string;
  message: string;
  logs?: string;
  /** Never finish provisioning (a deployment stuck in Creating), instead of failing. */
  hang?: boolean;
}

/**
 * Managed online endpoints and deployments, as Azure ML runs them: asynchronous create/update
 * (201/200 + Azure-AsyncOperation), delete (202 + Location), keys, container logs, and traffic that
 * must name existing deployments and add up to 100.
 */
export class EndpointState {
  /** Keys per endpoint id (lower case). */
  readonly keys = new Map<string, { primaryKey: string; secondaryKey: string }>();
  /** Container logs per deployment id (lower case). */
  readonly logs = new Map<string, string>();
  /** The next deployment of an endpoint (id, lower case) fails with this. */
  readonly failures = new Map<string, DeploymentFailure>();
  scoringBase = "";
}

export function registerEndpoints(r: Router, ctx: ArmContext, state: EndpointState): void {
  const epId = (sub: string, rg: string, ws: string, ep: string) => `${wsId(sub, rg, ws)}/onlineEndpoints/${ep}`;
  const { keys, logs } = state;

  r.on("GET", new RegExp(`${WS}/onlineEndpoints$`, "i"), (_req, [sub, rg, ws]) => {
    if (!ctx.store.get(wsId(sub!, rg!, ws!))) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    return { status: 200, body: { value: ctx.store.list(`${wsId(sub!, rg!, ws!)}/onlineEndpoints`) } };
  });

  r.on("GET", new RegExp(`${EP}$`, "i"), (_req, [sub, rg, ws, ep]) => {
    const e = ctx.store.get(epId(sub!, rg!, ws!, ep!));
    return e ? { status: 200, body: e } : notFound(TYPE, `${ws}/${ep}`, rg!);
  });

  r.on("PUT", new RegExp(`${EP}$`, "i"), (req: Req, [sub, rg, ws, ep]) => {
    const wsRes = ctx.store.get(wsId(sub!, rg!, ws!));
    if (!wsRes) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    const body = req.json<{
      location?: string;
      tags?: Record<string, string>;
      identity?: unknown;
      kind?: string;
      properties?: Record<string, unknown>;
    }>();
    const p = body?.properties ?? {};
    if (!["Key", "AMLToken", "AADToken"].includes(String(p.authMode)))
      return armError(400, "UserError", "authMode must be Key, AMLToken or AADToken.", {
        target: "properties.authMode",
      });
    const id = epId(sub!, rg!, ws!, ep!);
    const deployments = ctx.store.list(`${id}/deployments`).map((d) => d.name);
    const traffic = (p.traffic ?? {}) as Record<string, number>;
    const unknown = Object.keys(traffic).filter((d) => !deployments.includes(d));
    if (unknown.length)
      return armError(400, "UserError", `Traffic names deployments that do not exist: ${unknown.join(", ")}.`, {
        target: "properties.traffic",
      });
    const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
    if (Object.keys(traffic).length && sum !== 100 && sum !== 0)
      return armError(400, "UserError", `Traffic must add up to 100 (it adds up to ${sum}).`, {
        target: "properties.traffic",
      });
    const existing = ctx.store.get(id);
    const base = `${state.scoringBase}/${ep}`;
    const resource: Resource = {
      id,
      name: ep!,
      type: TYPE,
      location: body.location ?? wsRes.location,
      tags: body.tags ?? {},
      identity: {
        type: "SystemAssigned",
        principalId: "00000000-0000-0000-0000-0000000000aa",
        tenantId: "00000000-0000-0000-0000-0000000000bb",
      },
      kind: body.kind ?? "Managed",
      properties: {
        authMode: p.authMode,
        description: p.description ?? null,
        properties: p.properties ?? {},
        traffic,
        publicNetworkAccess: p.publicNetworkAccess ?? "Enabled",
        scoringUri: `${base}/score`,
        swaggerUri: `${base}/swagger.json`,
        provisioningState: existing ? "Updating" : "Creating",
      },
      systemData: (existing?.systemData as Record<string, unknown>) ?? systemData(),
    };
    ctx.store.put(resource);
    if (!keys.has(id.toLowerCase()))
      keys.set(id.toLowerCase(), {
        primaryKey: randomBytes(24).toString("base64url"),
        secondaryKey: randomBytes(24).toString("base64url"),
      });
    const op = ctx.store.startOperation(
      sub!,
      String(resource.location),
      () => (resource.properties.provisioningState = "Succeeded"),
    );
    return { status: existing ? 200 : 201, body: resource, headers: asyncHeaders(ctx, op, req) };
  });

  r.on("DELETE", new RegExp(`${EP}$`, "i"), (req, [sub, rg, ws, ep]) => {
    const id = epId(sub!, rg!, ws!, ep!);
    const e = ctx.store.get(id);
    if (!e) return { status: 204 };
    e.properties.provisioningState = "Deleting";
    const op = ctx.store.startOperation(sub!, String(e.location), () => {
      for (const d of ctx.store.list(`${id}/deployments`)) ctx.store.delete(d.id);
      ctx.store.delete(id);
      keys.delete(id.toLowerCase());
    });
    return { status: 202, headers: locationHeaders(ctx, op, req) };
  });

  r.on("POST", new RegExp(`${EP}/listKeys$`, "i"), (_req, [sub, rg, ws, ep]) => {
    const id = epId(sub!, rg!, ws!, ep!);
    const e = ctx.store.get(id);
    if (!e) return notFound(TYPE, `${ws}/${ep}`, rg!);
    if (e.properties.authMode !== "Key")
      return armError(
        400,
        "UserError",
        `Endpoint ${ep} does not use key authentication (authMode ${e.properties.authMode}).`,
      );
    return { status: 200, body: keys.get(id.toLowerCase()) };
  });

  r.on("GET", new RegExp(`${EP}/deployments$`, "i"), (_req, [sub, rg, ws, ep]) => {
    const id = epId(sub!, rg!, ws!, ep!);
    if (!ctx.store.get(id)) return notFound(TYPE, `${ws}/${ep}`, rg!);
    return { status: 200, body: { value: ctx.store.list(`${id}/deployments`) } };
  });

  r.on("GET", new RegExp(`${EP}/deployments/([^/]+)$`, "i"), (_req, [sub, rg, ws, ep, dep]) => {
    const d = ctx.store.get(`${epId(sub!, rg!, ws!, ep!)}/deployments/${dep}`);
    return d ? { status: 200, body: d } : notFound(`${TYPE}/deployments`, `${ws}/${ep}/${dep}`, rg!);
  });

  r.on("PUT", new RegExp(`${EP}/deployments/([^/]+)$`, "i"), (req: Req, [sub, rg, ws, ep, dep]) => {
    const endpointId = epId(sub!, rg!, ws!, ep!);
    const endpoint = ctx.store.get(endpointId);
    if (!endpoint) return notFound(TYPE, `${ws}/${ep}`, rg!);
    const body = req.json<{
      location?: string;
      tags?: Record<string, string>;
      sku?: unknown;
      properties?: Record<string, unknown>;
    }>();
    const p = body?.properties ?? {};
    if (p.endpointComputeType !== "Managed")
      return armError(400, "UserError", "Only managed deployments are supported here (endpointComputeType: Managed).", {
        target: "properties.endpointComputeType",
      });
    if (typeof p.model !== "string" || !p.model)
      return armError(400, "UserError", "model is required.", { target: "properties.model" });
    const id = `${endpointId}/deployments/${dep}`;
    const existing = ctx.store.get(id);
    const resource: Resource = {
      id,
      name: dep!,
      type: `${TYPE}/deployments`,
      location: body.location ?? endpoint.location,
      tags: body.tags ?? {},
      sku: body.sku ?? { name: "Default", capacity: 1 },
      kind: "Managed",
      properties: { ...p, provisioningState: existing ? "Updating" : "Creating" },
      systemData: (existing?.systemData as Record<string, unknown>) ?? systemData(),
    };
    ctx.store.put(resource);
    const failure = state.failures.get(endpointId.toLowerCase());
    if (failure) state.failures.delete(endpointId.toLowerCase());
    logs.set(
      id.toLowerCase(),
      failure?.logs ??
        `Starting the inference server for ${dep}...\nLoading the MLflow model ${p.model}...\nThe model is ready.\n`,
    );
    const op = ctx.store.startOperation(
      sub!,
      String(resource.location),
      () => (resource.properties.provisioningState = "Succeeded"),
      failure && !failure.hang
        ? { status: "Failed", error: { code: failure.code, message: failure.message } }
        : undefined,
    );
    if (failure?.hang) op.pollsLeft = Number.POSITIVE_INFINITY;
    else if (failure) resource.properties.provisioningState = "Failed";
    return { status: existing ? 200 : 201, body: resource, headers: asyncHeaders(ctx, op, req) };
  });

  r.on("DELETE", new RegExp(`${EP}/deployments/([^/]+)$`, "i"), (req, [sub, rg, ws, ep, dep]) => {
    const id = `${epId(sub!, rg!, ws!, ep!)}/deployments/${dep}`;
    const d = ctx.store.get(id);
    if (!d) return { status: 204 };
    const endpoint = ctx.store.get(epId(sub!, rg!, ws!, ep!));
    if (endpoint && ((endpoint.properties.traffic as Record<string, number>)?.[dep!] ?? 0) > 0) {
      return armError(
        400,
        "UserError",
        `Deployment ${dep} still takes traffic; move its traffic away before deleting it.`,
      );
    }
    d.properties.provisioningState = "Deleting";
    const op = ctx.store.startOperation(sub!, String(d.location), () => {
      ctx.store.delete(id);
      // Azure drops a deleted deployment from the endpoint's traffic and mirror traffic.
      for (const key of ["traffic", "mirrorTraffic"]) {
        const map = endpoint?.properties[key] as Record<string, number> | undefined;
        if (map && dep! in map) delete map[dep!];
      }
    });
    return { status: 202, headers: locationHeaders(ctx, op, req) };
  });

  r.on("POST", new RegExp(`${EP}/deployments/([^/]+)/getLogs$`, "i"), (req, [sub, rg, ws, ep, dep]) => {
    const id = `${epId(sub!, rg!, ws!, ep!)}/deployments/${dep}`;
    if (!ctx.store.get(id)) return notFound(`${TYPE}/deployments`, `${ws}/${ep}/${dep}`, rg!);
    const tail = Number(req.json<{ tail?: number }>()?.tail ?? 100);
    const lines = (logs.get(id.toLowerCase()) ?? "").split("\n");
    return { status: 200, body: { content: lines.slice(-tail - 1).join("\n") } };
  });
}

export interface EndpointSeed {
  workspaceId: string;
  name: string;
  location: string;
  authMode?: string;
  tags?: Record<string, string>;
  /** Deployments already running, with their traffic. */
  deployments?: Array<{ name: string; traffic: number; model?: string; instanceType?: string }>;
}

/** An endpoint with running deployments, as a test's starting point (what an earlier deploy left). */
export function seedEndpoint(ctx: ArmContext, state: EndpointState, s: EndpointSeed): Resource {
  const id = `${s.workspaceId}/onlineEndpoints/${s.name}`;
  const base = `${state.scoringBase}/${s.name}`;
  const traffic = Object.fromEntries((s.deployments ?? []).map((d) => [d.name, d.traffic]));
  const endpoint = ctx.store.put({
    id,
    name: s.name,
    type: TYPE,
    location: s.location,
    tags: s.tags ?? {},
    identity: {
      type: "SystemAssigned",
      principalId: "00000000-0000-0000-0000-0000000000aa",
      tenantId: "00000000-0000-0000-0000-0000000000bb",
    },
    kind: "Managed",
    properties: {
      authMode: s.authMode ?? "Key",
      description: null,
      properties: {},
      traffic,
      publicNetworkAccess: "Enabled",
      scoringUri: `${base}/score`,
      swaggerUri: `${base}/swagger.json`,
      provisioningState: "Succeeded",
    },
    systemData: systemData(),
  });
  for (const d of s.deployments ?? []) {
    ctx.store.put({
      id: `${id}/deployments/${d.name}`,
      name: d.name,
      type: `${TYPE}/deployments`,
      location: s.location,
      tags: {},
      sku: { name: "Default", capacity: 1 },
      kind: "Managed",
      properties: {
        endpointComputeType: "Managed",
        model: d.model ?? `${s.workspaceId}/models/phi3-chat-ft/versions/1`,
        instanceType: d.instanceType ?? "Standard_NC6s_v3",
        provisioningState: "Succeeded",
      },
      systemData: systemData(),
    });
  }
  state.keys.set(id.toLowerCase(), {
    primaryKey: randomBytes(24).toString("base64url"),
    secondaryKey: randomBytes(24).toString("base64url"),
  });
  return endpoint;
}
