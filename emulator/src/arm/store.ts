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
}

/** In-memory state of one emulator instance, keyed by lower-cased ARM id. */
export class Store {
  readonly resources = new Map<string, Resource>();
  readonly operations = new Map<string, Operation>();
  /** How many polls an asynchronous operation stays InProgress. */
  lroPolls = 1;

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
