import type { Req, Res, Router } from "../http.js";
import type { Store, Operation } from "./store.js";
import type { VmPrices } from "./vm-prices.js";

/** What every ARM route module gets. */
export interface ArmContext {
  store: Store;
  /** https://127.0.0.1:<port>: the base of URLs the emulator hands out (async operation URLs). */
  base(): string;
  quotas: Quotas;
  prices: VmPrices;
}

/** /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws} — captures sub, rg, ws. */
export const WS = String.raw`^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.MachineLearningServices/workspaces/([^/]+)`;

export function wsId(sub: string, rg: string, ws: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
}

export type RegisterRoutes = (router: Router, ctx: ArmContext) => void;

export function armError(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Res {
  return { status, body: { error: { code, message, ...extra } } };
}

export function notFound(type: string, name: string, rg: string): Res {
  return armError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** Headers of a 201 that continues asynchronously (Azure-AsyncOperation), as Azure ML sends them. */
export function asyncHeaders(ctx: ArmContext, op: Operation, req: Req): Record<string, string> {
  const v = req.url.searchParams.get("api-version") ?? "";
  return {
    "Azure-AsyncOperation": `${ctx.base()}/subscriptions/${op.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${op.location}/mfeOperationsStatus/${op.id}?api-version=${v}`,
    "x-ms-async-operation-timeout": "PT1H",
  };
}

/** Headers of a 202 that continues at a Location (deletes, cancels). */
export function locationHeaders(ctx: ArmContext, op: Operation, req: Req): Record<string, string> {
  const v = req.url.searchParams.get("api-version") ?? "";
  return {
    Location: `${ctx.base()}/subscriptions/${op.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${op.location}/mfeOperationResults/${op.id}?api-version=${v}`,
    // 10 s, the spec's minimum (store.ts SPEC_RETRY_AFTER_SECONDS), unless a test shortened this subscription's pacing.
    "Retry-After": String(ctx.store.retryAfterSeconds(op.subscriptionId)),
    "x-ms-async-operation-timeout": "PT1H",
  };
}

/** VM families and their dedicated-core quota per subscription and region. */
export interface Quota {
  family: string;
  limit: number;
  current: number;
}

export class Quotas {
  private readonly byKey = new Map<string, Quota>();

  key(sub: string, location: string, family: string): string {
    return `${sub}/${location.replace(/\s+/g, "").toLowerCase()}/${family}`.toLowerCase();
  }

  set(sub: string, location: string, q: Quota): void {
    this.byKey.set(this.key(sub, location, q.family), q);
  }

  /** The regional total of dedicated cores, when a test set one. */
  regional(sub: string, location: string): Omit<Quota, "family"> | undefined {
    return this.byKey.get(this.key(sub, location, "__regional__"));
  }

  setRegional(sub: string, location: string, q: Omit<Quota, "family">): void {
    this.byKey.set(this.key(sub, location, "__regional__"), { ...q, family: "__regional__" });
  }

  get(sub: string, location: string, family: string, fallback: number): Quota {
    return this.byKey.get(this.key(sub, location, family)) ?? { family, limit: fallback, current: 0 };
  }
}
