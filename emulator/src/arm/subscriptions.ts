import { decodeJwt } from "jose";
import type { Req, Router } from "../http.js";
import { notFound } from "./context.js";
import type { Subscription, Subscriptions } from "./auth.js";

/** The caller's tenant, from its (already verified) token. */
function tenantOf(req: Req): string {
  const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
  return String(decodeJwt(token).tid ?? "").toLowerCase();
}

/** A subscription as GET /subscriptions answers it (Microsoft.Resources subscriptions.json, Subscription). */
function subscriptionBody(s: Subscription) {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: "Enabled",
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
  };
}

/**
 * Resource Manager's own GET /subscriptions, /subscriptions/{id} and /tenants, which `az login` and
 * azure/login call after getting a token: the subscriptions of the caller's tenant, and that tenant.
 */
export function registerSubscriptions(r: Router, subscriptions: Subscriptions): void {
  r.on("GET", /^\/subscriptions\/?$/i, (req) => {
    const tid = tenantOf(req);
    const mine = subscriptions.all().filter((s) => s.tenantId.toLowerCase() === tid);
    return { status: 200, body: { value: mine.map(subscriptionBody), count: { type: "Total", value: mine.length } } };
  });

  r.on("GET", /^\/subscriptions\/([^/]+)\/?$/i, (_req, [id]) => {
    const s = subscriptions.get(id!);
    return s
      ? { status: 200, body: subscriptionBody(s) }
      : {
          ...notFound("subscriptions", id!, "-"),
          body: { error: { code: "SubscriptionNotFound", message: `The subscription '${id}' could not be found.` } },
        };
  });

  r.on("GET", /^\/tenants\/?$/i, (req) => {
    const tid = tenantOf(req);
    const tenant = {
      id: `/tenants/${tid}`,
      tenantId: tid,
      countryCode: "US",
      displayName: "Emulated tenant",
      domains: ["emulator.onmicrosoft.com"],
      tenantCategory: "Home",
      defaultDomain: "emulator.onmicrosoft.com",
      tenantType: "AAD",
    };
    return { status: 200, body: { value: [tenant], count: { type: "Total", value: 1 } } };
  });
}
