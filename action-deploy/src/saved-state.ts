/**
 * What a deploy saves with core.saveState for its post step: what it is about to create, and whether it ended
 * on its own. Apart from cancel.ts so that the post step reads it with nothing else loaded (start-up time): a
 * post step with nothing to do exits at once.
 */
import * as core from "@actions/core";
import type { Created } from "./cleanup.js";

/** The names of the saved state. */
export const STATE = {
  endpoint: "endpoint",
  createdEndpoint: "created-endpoint",
  deployment: "created-deployment",
  finished: "finished",
  /** The cancel handler asked Azure to delete: a resource the post step no longer finds is gone, not late. */
  removalAsked: "removal-asked",
  /** The run stopped during its traffic PUT (cleanup.ts: nothing that may be about to serve is deleted). */
  trafficInFlight: "traffic-in-flight",
} as const;

/** Main ended on its own (success, or a failure it cleaned up after): the post step has nothing to do. */
export const markFinished = () => core.saveState(STATE.finished, "true");

/** Saved right before the endpoint PUT. */
export function rememberEndpoint(name: string): void {
  core.saveState(STATE.endpoint, name);
  core.saveState(STATE.createdEndpoint, "true");
}

/** Saved right before the deployment PUT. */
export function rememberDeployment(endpoint: string, deployment: string): void {
  core.saveState(STATE.endpoint, endpoint);
  core.saveState(STATE.deployment, deployment);
}

/** What the post step must look after, from the saved state; undefined when there is nothing. */
export function savedCreated(
  get: (name: string) => string = core.getState,
): (Created & { removalAsked: boolean }) | undefined {
  if (get(STATE.finished) === "true") return undefined;
  const endpoint = get(STATE.endpoint);
  const createdEndpoint = get(STATE.createdEndpoint) === "true";
  const deployment = get(STATE.deployment) || undefined;
  if (!endpoint || (!createdEndpoint && !deployment)) return undefined;
  const trafficInFlight = get(STATE.trafficInFlight) === "true";
  return { endpoint, createdEndpoint, deployment, trafficInFlight, removalAsked: get(STATE.removalAsked) === "true" };
}
