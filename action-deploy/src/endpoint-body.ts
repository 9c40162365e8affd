import { isOurs } from "@phi3-aml/shared/ownership";
import { EXPIRES_TAG, standardTags } from "@phi3-aml/shared/tags";
import { identityBody, type EndpointIdentity } from "./identity.js";

/** Traffic shares by deployment name, whole percentages (reference §8.1). */
export type Traffic = Record<string, number>;

/** The ARM Sku of common-types (SkuTier is an enum there). */
interface ArmSku {
  name: string;
  tier?: "Free" | "Basic" | "Standard" | "Premium";
  size?: string;
  family?: string;
  capacity?: number;
}

/**
 * An online endpoint as GET /onlineEndpoints/{name} answers it (OnlineEndpointTrackedResource), as far as
 * this action reads or must carry over. Loose on purpose: whatever else Azure sends is carried over by
 * `withTraffic` only where the spec lets a PUT send it.
 */
export interface EndpointResource {
  id?: string;
  name?: string;
  type?: string;
  location: string;
  kind?: string | null;
  tags?: Record<string, string> | null;
  identity?: {
    type: string;
    principalId?: string;
    tenantId?: string;
    userAssignedIdentities?: Record<string, unknown> | null;
  } | null;
  sku?: ArmSku | null;
  systemData?: unknown;
  properties: {
    authMode: string;
    description?: string | null;
    properties?: Record<string, string | null> | null;
    traffic?: Traffic | null;
    mirrorTraffic?: Traffic | null;
    publicNetworkAccess?: string | null;
    compute?: string | null;
    scoringUri?: string | null;
    swaggerUri?: string | null;
    provisioningState?: string;
    keys?: unknown;
  };
}

/** The wire body of PUT /onlineEndpoints/{name}: only what a client may send. */
export interface EndpointBody {
  location: string;
  tags: Record<string, string>;
  identity?: { type: string; userAssignedIdentities?: Record<string, Record<string, never>> };
  kind?: string;
  sku?: ArmSku;
  properties: {
    authMode: string;
    description?: string;
    properties?: Record<string, string | null>;
    traffic: Traffic;
    mirrorTraffic?: Traffic;
    publicNetworkAccess?: string;
    compute?: string;
  };
}

export interface NewEndpointOptions {
  location: string;
  /** Hours until teardown may delete the endpoint (the `expires-at` tag); undefined = no expiry. */
  ttlHours?: number;
  /** Who the endpoint runs as; default its system-assigned identity. */
  identity?: EndpointIdentity;
  description?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

/**
 * The body that creates our endpoint: key auth (the Prompt flow connection and the chat smoke use the
 * key, as the walkthrough does), our tags (managed-by, repository, run, commit, and an expiry when
 * `ttl-hours` is set), the identity it runs as (system-assigned unless the `identity` input names a
 * user-assigned one; written out so that the body says what the endpoint is) and no traffic yet: there is no
 * deployment to send it to.
 */
export function newEndpointBody(o: NewEndpointOptions): EndpointBody {
  const tags = standardTags({ ttlHours: o.ttlHours, now: o.now, env: o.env });
  return {
    location: o.location,
    tags,
    identity: identityBody(o.identity ?? { kind: "system" }),
    properties: {
      authMode: "Key",
      description:
        o.description ??
        `Phi-3 chat fine-tune${tags.repository ? ` of ${tags.repository}` : ""}, deployed by phi3-aml-actions.`,
      traffic: {},
    },
  };
}

export interface WithTrafficOptions {
  /**
   * For an endpoint that is ours only: refresh our tags (run, commit) and set the expiry from this
   * deploy's `ttl-hours`, or remove it when there is none. Ignored for an endpoint we do not manage.
   */
  retag?: { ttlHours?: number; now?: Date; env?: NodeJS.ProcessEnv };
  /** Deployments about to be deleted: their mirror traffic is dropped too (Azure refuses to delete them otherwise). */
  dropMirrorFor?: readonly string[];
}

/**
 * The full PUT body that sets an endpoint's traffic. Traffic is not in the PATCH body (that takes only tags
 * and identity, reference §8.1), so it changes through a PUT of the whole endpoint, built from the GET
 * result so that nothing else changes: location, kind, sku, identity, tags, description, auth mode,
 * public network access, compute, mirror traffic and the `properties` map (which Azure lets clients add to
 * but never alter or remove from). Read-only fields (id, name, systemData, provisioningState, scoring and
 * swagger URIs, keys, identity principal ids) are left out, as a client must not send them.
 *
 * Tags are only changed, through `retag`, on an endpoint that is ours (shared/src/ownership.ts: managed-by
 * and this repository): anyone else's endpoint keeps exactly the tags it had.
 *
 * GET and PUT the endpoint as raw JSON (client.sendRequest), not through onlineEndpoints.* of
 * @azure/arm-machinelearning 2.1.1: its mappers have no `mirrorTraffic`, so the SDK would drop it on the
 * way in and on the way out, and the PUT would silently switch mirroring off.
 */
export function withTraffic(endpoint: EndpointResource, traffic: Traffic, o: WithTrafficOptions = {}): EndpointBody {
  const problem = trafficProblem(traffic);
  if (problem)
    throw new Error(
      `Refusing to set the traffic of endpoint ${endpoint.name ?? ""} to ${JSON.stringify(traffic)}: ${problem}`,
    );
  const p = endpoint.properties;
  const body: EndpointBody = {
    location: endpoint.location,
    tags: { ...(endpoint.tags ?? {}) },
    properties: { authMode: p.authMode, traffic: { ...traffic } },
  };
  if (endpoint.kind) body.kind = endpoint.kind;
  if (endpoint.sku) body.sku = { ...endpoint.sku };
  if (endpoint.identity?.type) {
    body.identity = { type: endpoint.identity.type };
    const uai = endpoint.identity.userAssignedIdentities;
    // On a PUT each user-assigned identity is named with an empty object; its ids are read-only.
    if (uai && Object.keys(uai).length)
      body.identity.userAssignedIdentities = Object.fromEntries(Object.keys(uai).map((k) => [k, {}]));
  }
  if (p.description != null) body.properties.description = p.description;
  if (p.properties && Object.keys(p.properties).length) body.properties.properties = { ...p.properties };
  if (p.publicNetworkAccess) body.properties.publicNetworkAccess = p.publicNetworkAccess;
  if (p.compute) body.properties.compute = p.compute;
  if (p.mirrorTraffic) {
    const drop = new Set(o.dropMirrorFor ?? []);
    body.properties.mirrorTraffic = Object.fromEntries(Object.entries(p.mirrorTraffic).filter(([d]) => !drop.has(d)));
  }
  if (o.retag && isOurs(endpoint.tags, (o.retag.env ?? process.env).GITHUB_REPOSITORY)) {
    const fresh = standardTags({ ttlHours: o.retag.ttlHours, now: o.retag.now, env: o.retag.env });
    // created-at stays when the endpoint was created, not when it was last deployed to.
    delete fresh["created-at"];
    body.tags = { ...body.tags, ...fresh };
    if (o.retag.ttlHours === undefined) delete body.tags[EXPIRES_TAG];
  }
  return body;
}

/** Why a traffic map cannot be sent (whole percentages 0-100 adding up to 100, or all 0), or undefined. */
export function trafficProblem(traffic: Traffic): string | undefined {
  for (const [d, v] of Object.entries(traffic)) {
    if (!Number.isInteger(v) || v < 0 || v > 100)
      return `deployment ${d} would get ${v}%, not a whole percentage from 0 to 100`;
  }
  const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
  return sum === 0 || sum === 100
    ? undefined
    : `the shares add up to ${sum}%, not 100% (or 0% for an endpoint with no live traffic)`;
}
