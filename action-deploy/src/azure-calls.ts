import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { API_VERSION, workspaceId } from "@phi3-aml/shared/azureml/client";
import { sdkBody } from "@phi3-aml/shared/azureml/sdk-body";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { followPoller, formatDuration, waitFor, WaitTimeoutError } from "@phi3-aml/shared/wait";
import type { DeploymentBody } from "./deployment-body.js";
import type { EndpointResource } from "./endpoint-body.js";
import type { DeploymentResource } from "./plan.js";

/** How long-running operations are followed (shared wait). */
export const LRO = { intervalMs: 5_000, maxIntervalMs: 30_000, timeoutMs: 90 * 60_000 };

/**
 * The endpoint as JSON: the 2.1.1 SDK's endpoint model has no mirrorTraffic, so a GET and PUT through it
 * would silently drop mirror traffic (reference §11.3). Raw requests go through the same client pipeline.
 */
async function endpointRequest(s: Session, name: string, method: "GET" | "PUT", body?: unknown) {
  const url = `${s.cloud.resourceManager}${workspaceId(s.ref)}/onlineEndpoints/${encodeURIComponent(name)}?api-version=${API_VERSION}`;
  const res = await s.client.sendRequest(
    createPipelineRequest({
      url,
      method,
      body: body ? JSON.stringify(body) : undefined,
      headers: createHttpHeaders({ "content-type": "application/json" }),
    }),
  );
  return {
    res,
    json: res.bodyAsText
      ? (JSON.parse(res.bodyAsText) as EndpointResource & { error?: { code?: string; message?: string } })
      : undefined,
  };
}

export async function getEndpoint(s: Session, name: string): Promise<EndpointResource | undefined> {
  const { res, json } = await endpointRequest(s, name, "GET");
  if (res.status === 404) return undefined;
  if (res.status >= 400)
    throw new ActionError(`Reading endpoint ${name} failed: ${res.status} ${json?.error?.message ?? ""}`);
  return json;
}

/** PUT the whole endpoint, then follow its Azure-AsyncOperation to the end (shared wait), as the SDK's poller would. */
export async function putEndpoint(s: Session, name: string, body: unknown, log: Logger): Promise<void> {
  const { res, json } = await endpointRequest(s, name, "PUT", body);
  if (res.status >= 400)
    throw new ActionError(
      `Updating endpoint ${name} failed: ${res.status} ${json?.error?.code ?? ""} ${json?.error?.message ?? ""}`,
    );
  const operation = res.headers.get("azure-asyncoperation");
  if (!operation) return;
  await waitFor(
    async () => {
      const op = await s.client.sendRequest(createPipelineRequest({ url: operation, method: "GET" }));
      const status = JSON.parse(op.bodyAsText ?? "{}") as { status?: string; error?: { message?: string } };
      const state = status.status ?? "Unknown";
      const retryAfter = Number(op.headers.get("retry-after"));
      return {
        state,
        done: state === "Succeeded",
        failed: ["Failed", "Canceled"].includes(state) ? (status.error?.message ?? state) : undefined,
        retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      };
    },
    { what: `endpoint ${name}`, log, ...LRO, intervalMs: 1_000 },
  );
}

/** Deletes an endpoint with its deployments and waits until it is gone. */
export async function deleteEndpoint(s: Session, name: string, log: Logger): Promise<void> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  await followPoller(await s.client.onlineEndpoints.beginDelete(rg, ws, name), {
    what: `deleting endpoint ${name}`,
    log,
    ...LRO,
  });
}

/** The endpoint's deployments (none when the endpoint does not exist). */
export async function listDeployments(s: Session, endpoint: string): Promise<DeploymentResource[]> {
  const out: DeploymentResource[] = [];
  for await (const d of s.client.onlineDeployments.list(s.ref.resourceGroup, s.ref.workspace, endpoint))
    out.push(d as DeploymentResource);
  return out;
}

export async function getOrUndefined<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

export async function createDeployment(
  s: Session,
  endpoint: string,
  name: string,
  body: DeploymentBody,
  timeoutSeconds: number,
  log: Logger,
): Promise<void> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  log.info(`Creating deployment ${name} on ${endpoint} at 0 % traffic (${body.properties.instanceType}).`);
  try {
    const sdk = sdkBody("endpointComputeType", body);
    await followPoller(await s.client.onlineDeployments.beginCreateOrUpdate(rg, ws, endpoint, name, sdk), {
      what: `deployment ${name}`,
      log,
      ...LRO,
      timeoutMs: timeoutSeconds * 1000,
      intervalMs: Math.min(LRO.intervalMs, timeoutSeconds * 250),
    });
  } catch (e) {
    await printLogs(s, endpoint, name, log);
    const stuck =
      e instanceof WaitTimeoutError
        ? ` within provisioning-timeout (${formatDuration(timeoutSeconds * 1000)}); it was still provisioning`
        : "";
    throw new ActionError(`Deployment ${name} did not provision${stuck}: ${describeError(e)}`, undefined, { cause: e });
  }
}

export async function deleteDeployment(s: Session, endpoint: string, name: string, log: Logger): Promise<void> {
  await followPoller(
    await s.client.onlineDeployments.beginDelete(s.ref.resourceGroup, s.ref.workspace, endpoint, name),
    { what: `deleting deployment ${name}`, log, ...LRO },
  );
}

async function printLogs(s: Session, endpoint: string, name: string, log: Logger): Promise<void> {
  try {
    const logs = await s.client.onlineDeployments.getLogs(s.ref.resourceGroup, s.ref.workspace, endpoint, name, {
      containerType: "InferenceServer",
      tail: 50,
    });
    await log.group(`Last lines of deployment ${name}'s container log`, async () =>
      log.info(`\n${logs.content ?? "(empty)"}`),
    );
  } catch (e) {
    log.warning(`Could not read deployment ${name}'s logs: ${describeError(e)}`);
  }
}
