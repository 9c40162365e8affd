/**
 * After a failed step: undo what this run created and serves nobody (cleanup.ts, which reads the real
 * traffic first and never deletes a deployment that has traffic), then read the world as it is — the
 * endpoint's traffic and the deployments that run — so that the summary and outputs tell the truth: the
 * real final traffic, what was left behind, and the command that removes each.
 */
import type { Session } from "@phi3-aml/shared/azureml/session";
import { describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { getEndpoint, listDeployments } from "./azure-calls.js";
import { deleteDeploymentCommand, removeIdle, type CleanupOutcome, type Created, type LeftBehind } from "./cleanup.js";
import type { Traffic } from "./endpoint-body.js";
import type { Running } from "./plan.js";

export interface AfterFailure {
  cleanup?: CleanupOutcome;
  /** The endpoint's traffic as read at the end; undefined when it could not be read. */
  traffic?: Traffic;
  /** The endpoint is gone (this run created it and removed it again). */
  endpointGone: boolean;
  /** What runs now on the endpoint (the cost of it). */
  running: Running[];
  leftBehind: LeftBehind[];
  /** Clean-up failures: the step fails with them even when the rollout's own steps went through. */
  errors: string[];
}

export interface FailureFacts {
  endpoint: string;
  /** What this run created, when it created anything. */
  created?: Created;
  /** Previous deployments the plan meant to delete after traffic moved and did not (a failed or skipped delete). */
  notDeleted: string[];
  /** Deletions that failed, with why. */
  deleteErrors: Record<string, string>;
}

export async function afterFailure(s: Session, f: FailureFacts, log: Logger): Promise<AfterFailure> {
  const out: AfterFailure = { endpointGone: false, running: [], leftBehind: [], errors: [] };
  if (f.created) {
    out.cleanup = await removeIdle(s, f.created, { wait: true, log });
    out.leftBehind.push(...out.cleanup.leftBehind);
    out.errors.push(...out.cleanup.errors);
    out.endpointGone = out.cleanup.endpointRemoved;
  }
  if (out.endpointGone) return out;
  try {
    await readWorld(s, f, out);
  } catch (e) {
    out.errors.push(`Could not read endpoint ${f.endpoint} after the failure: ${describeError(e)}`);
  }
  return out;
}

/** The endpoint's real traffic, its deployments, and the previous deployments still there that were to go. */
async function readWorld(s: Session, f: FailureFacts, out: AfterFailure): Promise<void> {
  const endpoint = await getEndpoint(s, f.endpoint);
  if (!endpoint) {
    out.endpointGone = true;
    return;
  }
  out.traffic = { ...(endpoint.properties.traffic ?? {}) };
  const deployments = await listDeployments(s, f.endpoint);
  out.running = deployments.map((d) => ({
    name: d.name,
    instanceType: d.properties?.instanceType ?? "unknown",
    instanceCount: d.sku?.capacity ?? 1,
  }));
  for (const name of f.notDeleted) {
    if (!deployments.some((d) => d.name === name) || (out.traffic[name] ?? 0) > 0) continue;
    const error = f.deleteErrors[name];
    out.leftBehind.push({
      what: `deployment ${name} of endpoint ${f.endpoint}`,
      why: error
        ? `it serves no traffic and was to be deleted, but deleting it failed: ${error}`
        : "it serves no traffic and was to be deleted after traffic moved, but the run stopped first",
      command: deleteDeploymentCommand(s, f.endpoint, name),
    });
    if (error) out.errors.push(`Could not delete deployment ${name}: ${error}`);
  }
}
