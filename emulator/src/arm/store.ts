import { randomUUID } from "node:crypto";

/** An ARM resource as the emulator keeps it. */
export interface Resource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  identity?: unknown;
  sku?: unknown;
  kind?: string;
  properties: Record<string, unknown>;
  systemData?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** A long-running operation: InProgress for `polls` looks, then its outcome is applied. */
export interface Operation {
  id: string;
  location: string;
  subscriptionId: string;
  pollsLeft: number;
  status: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  /** Runs when the operation finishes: e.g. marks the resource Succeeded, or removes it. */
  complete?: () => void;
  /** Runs when it ends in failure: e.g. marks the resource Failed, at the moment the operation says so. */
  fail?: () => void;
  /**
   * The resource the operation's final Location answer carries (a PATCH's updated resource): ARM's
   * async contract (Azure/azure-resource-manager-rpc, async-api-reference.md, "202 Accepted and Location
   * Headers") has the final GET of a PATCH's Location return what a synchronous PATCH would, the resource.
   */
  resultId?: string;
}

/**
 * Retry-After of a 202, in seconds, as the spec bounds it (mfe.json, every 202's `Retry-After`: minimum 10,
 * maximum 600) and Azure ML sends it: the minimum.
 */
const SPEC_RETRY_AFTER_SECONDS = 10;

/** In-memory state of one emulator instance, keyed by lower-cased ARM id. */
export class Store {
  readonly resources = new Map<string, Resource>();
  readonly operations = new Map<string, Operation>();
  /** How many polls an asynchronous operation stays InProgress. */
  lroPolls = 1;
  /**
   * Retry-After for the operations of a subscription whose pacing a test or `npm start` shortened through
   * the control API (PUT /arm/config). Every other subscription gets SPEC_RETRY_AFTER_SECONDS.
   */
  readonly shortenedRetryAfter = new Map<string, number>();

  /** The Retry-After (seconds) a 202 of this subscription's operations carries. */
  retryAfterSeconds(subscriptionId: string): number {
    return this.shortenedRetryAfter.get(subscriptionId.toLowerCase()) ?? SPEC_RETRY_AFTER_SECONDS;
  }

  /** Whether a path's subscription runs on shortened (test) pacing, outside the spec's 10–600 s. */
  pacingShortened(path: string): boolean {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    return sub !== undefined && this.shortenedRetryAfter.has(sub.toLowerCase());
  }

  get(id: string): Resource | undefined {
    return this.resources.get(id.toLowerCase());
  }

  put(resource: Resource): Resource {
    this.resources.set(resource.id.toLowerCase(), resource);
    return resource;
  }

  delete(id: string): boolean {
    return this.resources.delete(id.toLowerCase());
  }

  /** Direct children of a collection id, e.g. all datastores of a workspace. */
  list(collectionId: string): Resource[] {
    const prefix = `${collectionId.toLowerCase()}/`;
    return [...this.resources.entries()]
      .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes("/"))
      .map(([, r]) => r);
  }

  startOperation(
    subscriptionId: string,
    location: string,
    complete?: () => void,
    outcome?: Pick<Operation, "status" | "error">,
  ): Operation {
    const op: Operation = {
      id: randomUUID(),
      location: location.replace(/\s+/g, "").toLowerCase() || "eastus",
      subscriptionId,
      pollsLeft: this.lroPolls,
      status: "InProgress",
      startTime: new Date().toISOString(),
      complete,
    };
    // The error shows once the operation has failed, never while it is InProgress (as Azure's status reads).
    (op as Operation & { outcome?: Pick<Operation, "status" | "error"> }).outcome = {
      status: outcome?.status ?? "Succeeded",
      error: outcome?.error,
    };
    this.operations.set(op.id, op);
    return op;
  }

  /** One look at an operation: counts down, then finishes it once. */
  look(id: string): Operation | undefined {
    const op = this.operations.get(id);
    if (!op || op.status !== "InProgress") return op;
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      return op;
    }
    const outcome = (op as Operation & { outcome?: Pick<Operation, "status" | "error"> }).outcome;
    op.status = outcome?.status ?? "Succeeded";
    op.error = outcome?.error;
    op.endTime = new Date().toISOString();
    if (op.status === "Succeeded") op.complete?.();
    else op.fail?.();
    return op;
  }
}

export function systemData(by = "emulator"): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    createdAt: now,
    createdBy: by,
    createdByType: "Application",
    lastModifiedAt: now,
    lastModifiedBy: by,
    lastModifiedByType: "Application",
  };
}
