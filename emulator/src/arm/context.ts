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

/**
 * Retry-After of a 202 (DELETEs, cancels, and mfeOperationResults while InProgress), in seconds: the spec
 * bounds it to 10–600 (mfe.json, the `Retry-After` header of every 202 response: "minimum": 10,
 * "maximum": 600), and Azure ML sends the minimum. The emulator sends the same; its operations still finish
 * after `Store.lroPolls` looks, so a client that looks sooner than asked is not held up.
 */
export const RETRY_AFTER_SECONDS = 10;

/** Headers of a 202 that continues at a Location (deletes, cancels). */
export function locationHeaders(ctx: ArmContext, op: Operation, req: Req): Record<string, string> {
  const v = req.url.searchParams.get("api-version") ?? "";
  return {
    Location: `${ctx.base()}/subscriptions/${op.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${op.location}/mfeOperationResults/${op.id}?api-version=${v}`,
    "Retry-After": String(RETRY_AFTER_SECONDS),
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
