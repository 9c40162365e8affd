import { randomBytes, randomUUID } from "node:crypto";
import type { Req, Res, Router } from "../http.js";
import { armError, asyncHeaders, locationHeaders, notFound, WS, wsId, type ArmContext } from "./context.js";
import { systemData, type Operation, type Resource } from "./store.js";
import { quotaRefusal } from "./usage-count.js";
import { vmSize } from "./vm-sizes.js";

const EP = `${WS}/onlineEndpoints/([^/]+)`;
const DEP = `${EP}/deployments/([^/]+)`;
const TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
const WS_TYPE = "Microsoft.MachineLearningServices/workspaces";

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
 * (201/200 + Azure-AsyncOperation), update (PATCH, 202 + Location), delete (202 + Location), keys and tokens,
 * container logs, SKUs, and traffic that must name existing deployments and add up to 100.
 */
export class EndpointState {
  /** Keys per endpoint id (lower case). */
  readonly keys = new Map<string, { primaryKey: string; secondaryKey: string }>();
  /** Container logs per deployment id (lower case). */
  readonly logs = new Map<string, string>();
  /** The next deployment of an endpoint (id, lower case) fails with this. */
  readonly failures = new Map<string, DeploymentFailure>();
  /** Tokens handed out by POST …/token, per endpoint id (lower case). */
  readonly tokens = new Map<string, string>();
  scoringBase = "";
}

/** The path captures of an endpoint route: subscription, resource group, workspace, endpoint (and deployment). */
type Ids = Array<string | undefined>;
const epId = ([sub, rg, ws, ep]: Ids) => `${wsId(sub!, rg!, ws!)}/onlineEndpoints/${ep}`;
const depId = (ids: Ids) => `${epId(ids)}/deployments/${ids[4]}`;
const endpointNotFound = ([, rg, ws, ep]: Ids) => notFound(TYPE, `${ws}/${ep}`, rg!);
const deploymentNotFound = ([, rg, ws, ep, dep]: Ids) => notFound(`${TYPE}/deployments`, `${ws}/${ep}/${dep}`, rg!);

export function registerEndpoints(r: Router, ctx: ArmContext, state: EndpointState): void {
  registerEndpointRoutes(r, ctx, state);
  registerEndpointActions(r, ctx, state);
  registerDeploymentRoutes(r, ctx, state);
}

/** Endpoints: list, get, create or replace, update, delete. */
function registerEndpointRoutes(r: Router, ctx: ArmContext, state: EndpointState): void {
  r.on("GET", new RegExp(`${WS}/onlineEndpoints$`, "i"), (_req, [sub, rg, ws]) => {
    if (!ctx.store.get(wsId(sub!, rg!, ws!))) return notFound(WS_TYPE, ws!, rg!);
    return { status: 200, body: { value: ctx.store.list(`${wsId(sub!, rg!, ws!)}/onlineEndpoints`) } };
  });
  r.on("GET", new RegExp(`${EP}$`, "i"), (_req, ids) => {
    const e = ctx.store.get(epId(ids));
    return e ? { status: 200, body: e } : endpointNotFound(ids);
  });
  r.on("PUT", new RegExp(`${EP}$`, "i"), (req, ids) => putEndpoint(ctx, state, req, ids));
  r.on("PATCH", new RegExp(`${EP}$`, "i"), (req, ids) => patchEndpoint(ctx, req, ids));
  r.on("DELETE", new RegExp(`${EP}$`, "i"), (req, ids) => deleteEndpoint(ctx, state, req, ids));
}

interface EndpointBody {
  location?: string;
  tags?: Record<string, string>;
  identity?: IdentityBody;
  kind?: string;
  properties?: Record<string, unknown>;
}

function putEndpoint(ctx: ArmContext, state: EndpointState, req: Req, ids: Ids): Res {
  const [sub, rg, ws, ep] = ids;
  const wsRes = ctx.store.get(wsId(sub!, rg!, ws!));
  if (!wsRes) return notFound(WS_TYPE, ws!, rg!);
  const body = req.json<EndpointBody>() ?? {};
  const id = epId(ids);
  const existing = ctx.store.get(id);
  const location = body.location ?? String(wsRes.location);
  const refused =
    authModeProblem(body.properties ?? {}) ??
    trafficProblem(ctx, id, body.properties ?? {}) ??
    identityProblem(body.identity) ??
    (existing ? undefined : nameTaken(ctx, ep!, location));
  if (refused) return refused;
  const resource = endpointResource(state, { id, name: ep!, location, body, existing });
  ctx.store.put(resource);
  ensureKeys(state, id);
  const op = ctx.store.startOperation(sub!, location, () => (resource.properties.provisioningState = "Succeeded"));
  return { status: existing ? 200 : 201, body: resource, headers: asyncHeaders(ctx, op, req) };
}

function authModeProblem(p: Record<string, unknown>): Res | undefined {
  if (["Key", "AMLToken", "AADToken"].includes(String(p.authMode))) return undefined;
  return armError(400, "UserError", "authMode must be Key, AMLToken or AADToken.", { target: "properties.authMode" });
}

function trafficProblem(ctx: ArmContext, id: string, p: Record<string, unknown>): Res | undefined {
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
  return undefined;
}

/**
 * Endpoint names are unique per region, across workspaces and subscriptions (they name the scoring host
 * <name>.<region>.inference.ml.azure.com). Azure's words: "There is already an endpoint with this name, Endpoint
 * name needs to be unique within a region. Try some other name." (Azure/azureml-examples#1931).
 */
function nameTaken(ctx: ArmContext, name: string, location: string): Res | undefined {
  const region = normalRegion(location);
  const taken = [...ctx.store.resources.values()].some(
    (r) =>
      r.type === TYPE && r.name.toLowerCase() === name.toLowerCase() && normalRegion(String(r.location)) === region,
  );
  if (!taken) return undefined;
  return armError(
    409,
    "Conflict",
    "There is already an endpoint with this name, Endpoint name needs to be unique within a region. Try some other name.",
    { target: "name" },
  );
}

const normalRegion = (location: string) => location.replace(/\s+/g, "").toLowerCase();

function endpointResource(
  state: EndpointState,
  o: { id: string; name: string; location: string; body: EndpointBody; existing?: Resource },
): Resource {
  const p = o.body.properties ?? {};
  const base = `${state.scoringBase}/${o.name}`;
  return {
    id: o.id,
    name: o.name,
    type: TYPE,
    location: o.location,
    tags: o.body.tags ?? {},
    identity: managedIdentity(o.body.identity, o.existing?.identity as ManagedIdentity | undefined),
    kind: o.body.kind ?? "Managed",
    properties: {
      authMode: p.authMode,
      description: p.description ?? null,
      properties: p.properties ?? {},
      traffic: p.traffic ?? {},
      ...(p.mirrorTraffic ? { mirrorTraffic: p.mirrorTraffic } : {}),
      publicNetworkAccess: p.publicNetworkAccess ?? "Enabled",
      scoringUri: `${base}/score`,
      swaggerUri: `${base}/swagger.json`,
      provisioningState: o.existing ? "Updating" : "Creating",
    },
    systemData: (o.existing?.systemData as Record<string, unknown>) ?? systemData(),
  };
}

function ensureKeys(state: EndpointState, id: string): void {
  if (state.keys.has(id.toLowerCase())) return;
  state.keys.set(id.toLowerCase(), {
    primaryKey: randomBytes(24).toString("base64url"),
    secondaryKey: randomBytes(24).toString("base64url"),
  });
}

/** PATCH (PartialMinimalTrackedResourceWithIdentity): tags and identity only; 202 + Location, as the spec declares. */
function patchEndpoint(ctx: ArmContext, req: Req, ids: Ids): Res {
  const e = ctx.store.get(epId(ids));
  if (!e) return endpointNotFound(ids);
  const body = req.json<{ tags?: Record<string, string>; identity?: IdentityBody }>() ?? {};
  const refused = identityProblem(body.identity);
  if (refused) return refused;
  if (body.tags) e.tags = body.tags;
  if (body.identity) e.identity = managedIdentity(body.identity, e.identity as ManagedIdentity | undefined);
  e.properties.provisioningState = "Updating";
  const op = ctx.store.startOperation(
    ids[0]!,
    String(e.location),
    () => (e.properties.provisioningState = "Succeeded"),
  );
  op.resultId = e.id;
  return { status: 202, headers: locationHeaders(ctx, op, req) };
}

function deleteEndpoint(ctx: ArmContext, state: EndpointState, req: Req, ids: Ids): Res {
  const id = epId(ids);
  const e = ctx.store.get(id);
  if (!e) return { status: 204 };
  e.properties.provisioningState = "Deleting";
  const op = ctx.store.startOperation(ids[0]!, String(e.location), () => {
    for (const d of ctx.store.list(`${id}/deployments`)) ctx.store.delete(d.id);
    ctx.store.delete(id);
    state.keys.delete(id.toLowerCase());
    state.tokens.delete(id.toLowerCase());
  });
  return { status: 202, headers: locationHeaders(ctx, op, req) };
}

/** Endpoint actions: keys (key auth) and tokens (AML token auth). */
function registerEndpointActions(r: Router, ctx: ArmContext, state: EndpointState): void {
  r.on("POST", new RegExp(`${EP}/listKeys$`, "i"), (_req, ids) => {
    const e = ctx.store.get(epId(ids));
    if (!e) return endpointNotFound(ids);
    if (e.properties.authMode !== "Key") return wrongAuth(ids[3]!, e, "key");
    return { status: 200, body: state.keys.get(epId(ids).toLowerCase()) };
  });

  // OnlineEndpoints_GetToken: an AML token for an endpoint with authMode AMLToken (EndpointAuthToken, times in seconds).
  r.on("POST", new RegExp(`${EP}/token$`, "i"), (_req, ids) => {
    const e = ctx.store.get(epId(ids));
    if (!e) return endpointNotFound(ids);
    if (e.properties.authMode !== "AMLToken") return wrongAuth(ids[3]!, e, "AML token");
    const accessToken = randomBytes(32).toString("base64url");
    state.tokens.set(epId(ids).toLowerCase(), accessToken);
    const now = Math.floor(Date.now() / 1000);
    return {
      status: 200,
      body: { accessToken, tokenType: "Bearer", expiryTimeUtc: now + 3600, refreshAfterTimeUtc: now + 1800 },
    };
  });
}

const wrongAuth = (name: string, e: Resource, what: string) =>
  armError(
    400,
    "UserError",
    `Endpoint ${name} does not use ${what} authentication (authMode ${e.properties.authMode}).`,
  );

/** Who an endpoint runs as, as PUT/PATCH send it (ManagedServiceIdentity of common-types). */
interface IdentityBody {
  type?: string;
  userAssignedIdentities?: Record<string, unknown> | null;
}

/** …as GET returns it: principal and tenant of the system-assigned one, principal and client id of each user-assigned. */
interface ManagedIdentity {
  type: string;
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId: string; clientId: string }>;
}

const TYPES = ["None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned"];
const UAI_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

function identityProblem(identity: IdentityBody | undefined): Res | undefined {
  if (!identity) return undefined;
  const type = (identity.type ?? "").replace(/\s+/g, "");
  const ids = Object.keys(identity.userAssignedIdentities ?? {});
  const bad = (message: string) => armError(400, "BadRequest", message, { target: "identity" });
  if (!TYPES.some((t) => t.toLowerCase() === type.toLowerCase()))
    return bad(`identity.type must be one of ${TYPES.join(", ")}; got '${identity.type}'.`);
  const wantsUser = /userassigned/i.test(type);
  if (wantsUser && !ids.length) return bad("identity.userAssignedIdentities must name at least one identity.");
  if (!wantsUser && ids.length) return bad(`identity.userAssignedIdentities is given with type '${identity.type}'.`);
  const malformed = ids.find((id) => !UAI_ID.test(id));
  if (malformed) return bad(`'${malformed}' is not the resource id of a user-assigned identity.`);
  return undefined;
}

/** The identity Azure keeps: ids stay the same across updates of the same identity. */
function managedIdentity(sent: IdentityBody | undefined, had?: ManagedIdentity): ManagedIdentity {
  const type = TYPES.find(
    (t) => t.toLowerCase() === (sent?.type ?? "SystemAssigned").replace(/\s+/g, "").toLowerCase(),
  )!;
  const out: ManagedIdentity = { type };
  if (/systemassigned/i.test(type)) {
    out.principalId = had?.principalId ?? randomUUID();
    out.tenantId = had?.tenantId ?? "00000000-0000-0000-0000-0000000000bb";
  }
  if (/userassigned/i.test(type)) {
    out.userAssignedIdentities = Object.fromEntries(
      Object.keys(sent?.userAssignedIdentities ?? {}).map((id) => {
        const before = Object.entries(had?.userAssignedIdentities ?? {}).find(
          ([k]) => k.toLowerCase() === id.toLowerCase(),
        );
        return [id, before?.[1] ?? { principalId: randomUUID(), clientId: randomUUID() }];
      }),
    );
  }
  return out;
}

/** Deployments: list, get, create or replace, delete, container logs, SKUs. */
function registerDeploymentRoutes(r: Router, ctx: ArmContext, state: EndpointState): void {
  r.on("GET", new RegExp(`${EP}/deployments$`, "i"), (_req, ids) => {
    if (!ctx.store.get(epId(ids))) return endpointNotFound(ids);
    return { status: 200, body: { value: ctx.store.list(`${epId(ids)}/deployments`) } };
  });
  r.on("GET", new RegExp(`${DEP}$`, "i"), (_req, ids) => {
    const d = ctx.store.get(depId(ids));
    return d ? { status: 200, body: d } : deploymentNotFound(ids);
  });
  r.on("PUT", new RegExp(`${DEP}$`, "i"), (req, ids) => putDeployment(ctx, state, req, ids));
  r.on("DELETE", new RegExp(`${DEP}$`, "i"), (req, ids) => deleteDeployment(ctx, req, ids));
  r.on("POST", new RegExp(`${DEP}/getLogs$`, "i"), (req, ids) => {
    if (!ctx.store.get(depId(ids))) return deploymentNotFound(ids);
    const tail = Number(req.json<{ tail?: number }>()?.tail ?? 100);
    const lines = (state.logs.get(depId(ids).toLowerCase()) ?? "").split("\n");
    return { status: 200, body: { content: lines.slice(-tail - 1).join("\n") } };
  });
  r.on("GET", new RegExp(`${DEP}/skus$`, "i"), (_req, ids) =>
    ctx.store.get(depId(ids)) ? { status: 200, body: { value: [DEPLOYMENT_SKU] } } : deploymentNotFound(ids),
  );
}

/** OnlineDeployments_ListSkus: managed deployments scale their "Default" SKU by instance count (SkuResource). */
const DEPLOYMENT_SKU = {
  resourceType: `${TYPE}/deployments`,
  sku: { name: "Default", tier: "Standard" },
  capacity: { minimum: 1, maximum: 20, default: 1, scaleType: "Manual" },
};

/**
 * Azure's probe defaults where a deployment gives none (ProbeSettings in mfe.json: period PT10S, timeout PT2S,
 * failureThreshold 30, successThreshold 1; initial delay 10 s per the managed online deployment YAML reference).
 */
const PROBE_DEFAULTS = {
  initialDelay: "PT10S",
  period: "PT10S",
  timeout: "PT2S",
  failureThreshold: 30,
  successThreshold: 1,
};

interface DeploymentBody {
  location?: string;
  tags?: Record<string, string>;
  sku?: unknown;
  properties?: Record<string, unknown>;
}

function putDeployment(ctx: ArmContext, state: EndpointState, req: Req, ids: Ids): Res {
  const endpoint = ctx.store.get(epId(ids));
  if (!endpoint) return endpointNotFound(ids);
  const body = req.json<DeploymentBody>() ?? {};
  const p = body.properties ?? {};
  if (p.endpointComputeType !== "Managed")
    return armError(400, "UserError", "Only managed deployments are supported here (endpointComputeType: Managed).", {
      target: "properties.endpointComputeType",
    });
  if (typeof p.model !== "string" || !p.model)
    return armError(400, "UserError", "model is required.", { target: "properties.model" });
  const id = depId(ids);
  const existing = ctx.store.get(id);
  const outOfQuota = deploymentQuota(ctx, id, body, endpoint);
  if (outOfQuota) return outOfQuota;
  const resource = deploymentResource(ids, body, endpoint, existing);
  ctx.store.put(resource);
  const failure = takeFailure(state, epId(ids)) ?? sizeNotOffered(String(resource.properties.instanceType), endpoint);
  state.logs.set(id.toLowerCase(), failure?.logs ?? startupLog(ids[4]!, p.model));
  const op = provision(ctx, resource, failure);
  return { status: existing ? 200 : 201, body: resource, headers: asyncHeaders(ctx, op, req) };
}

/** The deployment as Azure keeps it: defaults filled in (instance type, scale settings, probes), Creating/Updating. */
function deploymentResource(ids: Ids, body: DeploymentBody, endpoint: Resource, existing?: Resource): Resource {
  const p = body.properties ?? {};
  return {
    id: depId(ids),
    name: ids[4]!,
    type: `${TYPE}/deployments`,
    location: body.location ?? endpoint.location,
    tags: body.tags ?? {},
    sku: body.sku ?? { name: "Default", capacity: 1 },
    kind: "Managed",
    properties: {
      ...p,
      // OnlineDeployment.instanceType: "Default: Standard_F4s_v2" (mfe.json).
      instanceType: p.instanceType ?? "Standard_F4s_v2",
      // Azure fills in the default scale settings; azure-ai-ml reads them on create, list and traffic updates.
      scaleSettings: p.scaleSettings ?? { scaleType: "Default" },
      livenessProbe: { ...PROBE_DEFAULTS, ...((p.livenessProbe as object | null) ?? {}) },
      readinessProbe: { ...PROBE_DEFAULTS, ...((p.readinessProbe as object | null) ?? {}) },
      provisioningState: existing ? "Updating" : "Creating",
    },
    systemData: (existing?.systemData as Record<string, unknown>) ?? systemData(),
  };
}

/** A create or scale beyond the family or regional quota is refused before anything changes (usage-count.ts). */
function deploymentQuota(ctx: ArmContext, id: string, body: DeploymentBody, endpoint: Resource): Res | undefined {
  const size = vmSize(String(body.properties?.instanceType ?? "Standard_F4s_v2"));
  if (!size) return undefined;
  const count = Number((body.sku as { capacity?: number } | undefined)?.capacity ?? 1);
  const at = { sub: id.split("/")[2]!, loc: String(endpoint.location), except: id };
  const refusal = quotaRefusal(ctx, at, "deployment", size, count);
  return refusal ? armError(400, refusal.code, refusal.message, { target: "sku.capacity" }) : undefined;
}

function takeFailure(state: EndpointState, endpointId: string): DeploymentFailure | undefined {
  const failure = state.failures.get(endpointId.toLowerCase());
  if (failure) state.failures.delete(endpointId.toLowerCase());
  return failure;
}

/**
 * A size the region does not offer (not in its VM sizes, e.g. the retired NCv3): the PUT is accepted and the
 * provisioning fails, as a VM placement does. SkuNotAvailable is Azure's code for a VM size a region does not
 * offer (aka.ms/azureskunotavailable; e.g. Azure/pcs-cli#147); the message follows its wording.
 */
function sizeNotOffered(instanceType: string, endpoint: Resource): DeploymentFailure | undefined {
  if (vmSize(instanceType)) return undefined;
  const location = normalRegion(String(endpoint.location));
  return {
    code: "SkuNotAvailable",
    message: `The requested VM size ${instanceType} is currently not available in location '${location}'. Please try another size or deploy to a different location. See https://aka.ms/azureskunotavailable for details.`,
    logs: "",
  };
}

const startupLog = (name: string, model: unknown) =>
  `Starting the inference server for ${name}...\nLoading the MLflow model ${String(model)}...\nThe model is ready.\n`;

/**
 * The provisioning operation: InProgress (no error) for a while, then Succeeded — or Failed, with the resource
 * turning Failed at the same moment (Azure accepts the PUT with Creating; the failure shows later on both).
 */
function provision(ctx: ArmContext, resource: Resource, failure?: DeploymentFailure): Operation {
  const sub = resource.id.split("/")[2]!;
  const succeed = () => (resource.properties.provisioningState = "Succeeded");
  const outcome =
    failure && !failure.hang
      ? { status: "Failed" as const, error: { code: failure.code, message: failure.message } }
      : undefined;
  const op = ctx.store.startOperation(sub, String(resource.location), succeed, outcome);
  op.fail = () => (resource.properties.provisioningState = "Failed");
  if (failure?.hang) op.pollsLeft = Number.POSITIVE_INFINITY;
  return op;
}

function deleteDeployment(ctx: ArmContext, req: Req, ids: Ids): Res {
  const id = depId(ids);
  const dep = ids[4]!;
  const d = ctx.store.get(id);
  if (!d) return { status: 204 };
  const endpoint = ctx.store.get(epId(ids));
  if (endpoint && ((endpoint.properties.traffic as Record<string, number>)?.[dep] ?? 0) > 0)
    return armError(
      400,
      "UserError",
      `Deployment ${dep} still takes traffic; move its traffic away before deleting it.`,
    );
  d.properties.provisioningState = "Deleting";
  const op = ctx.store.startOperation(ids[0]!, String(d.location), () => {
    ctx.store.delete(id);
    // Azure drops a deleted deployment from the endpoint's traffic and mirror traffic.
    for (const key of ["traffic", "mirrorTraffic"]) {
      const map = endpoint?.properties[key] as Record<string, number> | undefined;
      if (map && dep in map) delete map[dep];
    }
  });
  return { status: 202, headers: locationHeaders(ctx, op, req) };
}

export interface EndpointSeed {
  workspaceId: string;
  name: string;
  location: string;
  authMode?: string;
  tags?: Record<string, string>;
  /** Deployments already running, with their traffic. */
  deployments?: Array<{
    name: string;
    traffic: number;
    model?: string;
    instanceType?: string;
    tags?: Record<string, string>;
    /** As the deployment states them (none by default: the emulator then applies no serving limits). */
    requestSettings?: { requestTimeout?: string; maxConcurrentRequestsPerInstance?: number };
    instanceCount?: number;
  }>;
}

/** An endpoint with running deployments, as a test's starting point (what an earlier deploy left). */
export function seedEndpoint(ctx: ArmContext, state: EndpointState, s: EndpointSeed): Resource {
  const id = `${s.workspaceId}/onlineEndpoints/${s.name}`;
  const traffic = Object.fromEntries((s.deployments ?? []).map((d) => [d.name, d.traffic]));
  const endpoint = endpointResource(state, {
    id,
    name: s.name,
    location: s.location,
    body: { tags: s.tags ?? {}, properties: { authMode: s.authMode ?? "Key", traffic } },
  });
  endpoint.properties.provisioningState = "Succeeded";
  ctx.store.put(endpoint);
  for (const d of s.deployments ?? []) {
    const ids = [...id.split("/").filter((_, i) => [2, 4, 8].includes(i)), s.name, d.name];
    const properties = {
      endpointComputeType: "Managed",
      model: d.model ?? `${s.workspaceId}/models/phi3-chat-ft/versions/1`,
      // What an earlier deploy left: an NCv3 deployment from before the retirement, unless the test says.
      instanceType: d.instanceType ?? "Standard_NC6s_v3",
      ...(d.requestSettings ? { requestSettings: d.requestSettings } : {}),
    };
    const sku = d.instanceCount ? { name: "Default", capacity: d.instanceCount } : undefined;
    const resource = deploymentResource(ids, { tags: d.tags ?? {}, properties, sku }, endpoint);
    resource.properties.provisioningState = "Succeeded";
    ctx.store.put(resource);
  }
  ensureKeys(state, id);
  return endpoint;
}
