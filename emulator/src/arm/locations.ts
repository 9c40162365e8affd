import type { Router } from "../http.js";
import { armError, type ArmContext } from "./context.js";
import { VM_SIZES, vmSizeResource } from "./vm-sizes.js";

const LOC = String.raw`^/subscriptions/([^/]+)/providers/Microsoft\.MachineLearningServices/locations/([^/]+)`;

/** Subscription-level routes per region: VM sizes, and the status of asynchronous operations (usages: usages.ts). */
export function registerLocations(r: Router, ctx: ArmContext): void {
  // Each size with the region's estimatedVMPrices (vm-prices.ts: a vendored, cited snapshot).
  r.on("GET", new RegExp(`${LOC}/vmSizes$`, "i"), (_req, [, loc]) => ({
    status: 200,
    body: {
      value: VM_SIZES.map((v) => vmSizeResource(v, ctx.prices.estimated(loc!, v.name))),
    },
  }));

  r.on("GET", new RegExp(`${LOC}/mfeOperationsStatus/([^/]+)$`, "i"), (_req, [, , id]) => {
    const op = ctx.store.look(id!);
    if (!op) return armError(404, "NotFound", `Operation ${id} was not found.`);
    return {
      status: 200,
      body: {
        id: op.id,
        name: op.id,
        status: op.status,
        startTime: op.startTime,
        ...(op.endTime ? { endTime: op.endTime } : {}),
        ...(op.error && op.status !== "Succeeded" ? { error: op.error } : {}),
      },
    };
  });

  r.on("GET", new RegExp(`${LOC}/mfeOperationResults/([^/]+)$`, "i"), (req, [sub, , id]) => {
    const op = ctx.store.look(id!);
    if (!op) return armError(404, "NotFound", `Operation ${id} was not found.`);
    if (op.status === "InProgress") {
      const retryAfter = String(ctx.store.retryAfterSeconds(sub!));
      return { status: 202, headers: { Location: req.url.href, "Retry-After": retryAfter } };
    }
    if (op.status !== "Succeeded")
      return armError(400, op.error?.code ?? op.status, op.error?.message ?? `The operation ${op.status}.`);
    // A PATCH's final answer is the updated resource (Operation.resultId); a DELETE's or a cancel's has no body.
    const result = op.resultId ? ctx.store.get(op.resultId) : undefined;
    return result ? { status: 200, body: result } : { status: 200 };
  });
}
