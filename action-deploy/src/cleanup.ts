/**
 * Removing what a deploy run created and what serves nobody, from the facts as they are now — the one
 * removal used after a failure (rollback.ts), on cancel (cancel.ts) and by the post step (post.ts):
 *
 * - the endpoint's real traffic is read first (GET), never assumed from what the run believes it did: a
 *   traffic PUT whose answer was lost may have been applied;
 * - an endpoint is removed only when this run created it, it is ours (shared/src/ownership.ts) and it serves
 *   no live or mirrored traffic;
 * - otherwise the deployment this run created is removed only when it is ours and serves no live or mirrored
 *   traffic; a deployment that has traffic is never deleted;
 * - whatever could not be removed is said, with the command that removes it.
 */
import type { Session } from "@phi3-aml/shared/azureml/session";
import { describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { isOurs, thisRepository } from "@phi3-aml/shared/ownership";
import { deleteDeployment, deleteEndpoint, getEndpoint, listDeployments } from "./azure-calls.js";
import type { EndpointResource, Traffic } from "./endpoint-body.js";

/** What this run created (or was about to create when it stopped). */
export interface Created {
  endpoint: string;
  /** This run created the endpoint (its PUT was sent). */
  createdEndpoint: boolean;
  /** The deployment this run created (its PUT was sent). */
  deployment?: string;
  /**
   * The run stopped while its traffic PUT was in flight: the traffic may still change (Azure applies it
   * when the operation runs), so nothing that could be about to serve is deleted; it is said, with its command.
   */
  trafficInFlight?: boolean;
}

export interface LeftBehind {
  /** "deployment v02 of endpoint e" */
  what: string;
  why: string;
  /** The Azure CLI command that removes it. */
  command: string;
}

export interface CleanupOutcome {
  /** The endpoint's traffic as read after the clean-up; undefined when it is gone or could not be read. */
  traffic?: Traffic;
  /** The endpoint is gone (or being deleted) because of this clean-up. */
  endpointRemoved: boolean;
  /** Deployments removed (or being deleted). */
  removed: string[];
  /** The created deployment still serves traffic, so it was kept (it is not left behind: it serves). */
  serving?: { deployment: string; share: number };
  leftBehind: LeftBehind[];
  /** Clean-up failures, in words; any of them fails the step. */
  errors: string[];
  /** A created resource was not found: its PUT may still be in flight. */
  missing: boolean;
}

export interface CleanupOptions {
  /** Follow each deletion to its end (main, post); false on cancel, when only seconds are left. */
  wait: boolean;
  log: Logger;
}

const sum = (t: Traffic | null | undefined) => Object.values(t ?? {}).reduce((a, b) => a + b, 0);

export const deleteDeploymentCommand = (s: Session, endpoint: string, deployment: string) =>
  `az ml online-deployment delete --name ${deployment} --endpoint-name ${endpoint} --resource-group ${s.ref.resourceGroup} --workspace-name ${s.ref.workspace} --yes`;
const deleteEndpointCommand = (s: Session, endpoint: string) =>
  `az ml online-endpoint delete --name ${endpoint} --resource-group ${s.ref.resourceGroup} --workspace-name ${s.ref.workspace} --yes`;

export async function removeIdle(s: Session, c: Created, o: CleanupOptions): Promise<CleanupOutcome> {
  const out: CleanupOutcome = { endpointRemoved: false, removed: [], leftBehind: [], errors: [], missing: false };
  let endpoint: EndpointResource | undefined;
  try {
    endpoint = await getEndpoint(s, c.endpoint);
  } catch (e) {
    return unreadable(s, c, out, e);
  }
  if (!endpoint) {
    out.missing = c.createdEndpoint || !!c.deployment;
    return out;
  }
  out.traffic = { ...(endpoint.properties.traffic ?? {}) };
  const serves = sum(endpoint.properties.traffic) + sum(endpoint.properties.mirrorTraffic) > 0;
  if (c.trafficInFlight) return inFlight(s, c, out, o);
  if (c.createdEndpoint && !serves && isOurs(endpoint.tags, thisRepository())) {
    await removeEndpoint(s, c.endpoint, out, o);
    return out;
  }
  if (c.deployment) await removeDeployment(s, c, endpoint, out, o);
  return out;
}

async function removeEndpoint(s: Session, name: string, out: CleanupOutcome, o: CleanupOptions): Promise<void> {
  o.log.info(`Removing endpoint ${name}, which this run created and which serves no traffic, with what is on it.`);
  try {
    await deleteEndpoint(s, name, o.log, { wait: o.wait });
    out.endpointRemoved = true;
    out.traffic = undefined;
  } catch (e) {
    out.errors.push(`Could not remove endpoint ${name}: ${describeError(e)}`);
    out.leftBehind.push({
      what: `endpoint ${name}`,
      why: `this run created it, and removing it failed: ${describeError(e)}`,
      command: deleteEndpointCommand(s, name),
    });
  }
}

async function removeDeployment(
  s: Session,
  c: Created,
  endpoint: EndpointResource,
  out: CleanupOutcome,
  o: CleanupOptions,
): Promise<void> {
  const name = c.deployment!;
  const share = endpoint.properties.traffic?.[name] ?? 0;
  const mirror = endpoint.properties.mirrorTraffic?.[name] ?? 0;
  if (share > 0 || mirror > 0) {
    out.serving = { deployment: name, share };
    o.log.info(
      `Deployment ${name} serves ${share}% of live traffic${mirror ? ` and ${mirror}% mirrored` : ""}: it stays.`,
    );
    return;
  }
  const found = (await listDeployments(s, c.endpoint).catch(() => undefined))?.find((d) => d.name === name);
  if (!found) {
    out.missing = true;
    return;
  }
  if (!isOurs(found.tags, thisRepository())) return;
  o.log.info(`Removing deployment ${name}, which this run created and which serves no traffic.`);
  try {
    await deleteDeployment(s, c.endpoint, name, o.log, { wait: o.wait });
    out.removed.push(name);
  } catch (e) {
    out.errors.push(`Could not remove deployment ${name}: ${describeError(e)}`);
    out.leftBehind.push({
      what: `deployment ${name} of endpoint ${c.endpoint}`,
      why: `this run created it, it serves no traffic, and removing it failed: ${describeError(e)}`,
      command: deleteDeploymentCommand(s, c.endpoint, name),
    });
  }
}

/** A traffic PUT in flight: the created deployment stays, said with its command unless it already serves. */
function inFlight(s: Session, c: Created, out: CleanupOutcome, o: CleanupOptions): CleanupOutcome {
  const name = c.deployment;
  const share = name ? (out.traffic?.[name] ?? 0) : 0;
  if (name && share > 0) {
    out.serving = { deployment: name, share };
    o.log.info(`Deployment ${name} serves ${share}% of live traffic: it stays.`);
    return out;
  }
  const why =
    "the run was cancelled while its traffic PUT was in flight, so it may be about to serve and was not deleted; remove it if it serves nothing";
  if (name)
    out.leftBehind.push({
      what: `deployment ${name} of endpoint ${c.endpoint}`,
      why,
      command: deleteDeploymentCommand(s, c.endpoint, name),
    });
  else if (c.createdEndpoint)
    out.leftBehind.push({ what: `endpoint ${c.endpoint}`, why, command: deleteEndpointCommand(s, c.endpoint) });
  return out;
}

/** The endpoint could not be read: nothing is deleted blind; what this run created is said, with its command. */
function unreadable(s: Session, c: Created, out: CleanupOutcome, e: unknown): CleanupOutcome {
  out.errors.push(`Could not read endpoint ${c.endpoint} to clean up: ${describeError(e)}`);
  const why = "its traffic could not be read, so it was not deleted";
  if (c.createdEndpoint)
    out.leftBehind.push({ what: `endpoint ${c.endpoint}`, why, command: deleteEndpointCommand(s, c.endpoint) });
  else if (c.deployment)
    out.leftBehind.push({
      what: `deployment ${c.deployment} of endpoint ${c.endpoint}`,
      why,
      command: deleteDeploymentCommand(s, c.endpoint, c.deployment),
    });
  return out;
}
