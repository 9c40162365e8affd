import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { API_VERSION, workspaceId, type WorkspaceRef as ArmWorkspace } from "@phi3-aml/shared/azureml/client";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import type { WorkspaceRef } from "./identity.js";

/**
 * A Prompt flow "custom keys" connection holding the endpoint (a setting) and its key (a secret), as the
 * walkthrough sets it up by hand. Sent as raw JSON: the 2.1.1 SDK's models predate CustomKeys and would
 * drop the credentials.
 */
export const CONNECTION_FIELDS = { endpoint: "endpoint", key: "key" } as const;

/** Where the connection goes: a workspace, AI Foundry hub or project of the endpoint's subscription. */
export interface ConnectionTarget {
  name: string;
  ref: ArmWorkspace;
  /** Workspace kind as Azure reports it: Default, Hub, Project… */
  kind: string;
  shared: boolean;
}

/** Kinds as people call them (Workspace.kind: "Hub" and "Project" are AI Foundry's). */
const KIND_NAMES: Record<string, string> = { hub: "AI Foundry hub", project: "AI Foundry project" };
export const describeTarget = (t: ConnectionTarget) =>
  `${KIND_NAMES[t.kind.toLowerCase()] ?? "workspace"} ${t.ref.workspace} (resource group ${t.ref.resourceGroup})`;

/**
 * The workspace that gets the connection, read before anything is written: the endpoint's own when
 * `promptflow-workspace` is empty; otherwise that one, in the endpoint's subscription (and resource group
 * unless given), which must exist.
 */
export async function connectionTarget(
  s: Session,
  name: string,
  where: WorkspaceRef | undefined,
  shared: boolean,
): Promise<ConnectionTarget | string> {
  if (!where) return { name, ref: s.ref, kind: (s.workspace as { kind?: string }).kind ?? "Default", shared };
  const ref = { ...s.ref, resourceGroup: where.resourceGroup ?? s.ref.resourceGroup, workspace: where.name };
  const res = await s.client.sendRequest(
    createPipelineRequest({
      url: `${s.cloud.resourceManager}${workspaceId(ref)}?api-version=${API_VERSION}`,
      method: "GET",
    }),
  );
  if (res.status === 404)
    return `promptflow-workspace ${where.resourceGroup ? `${where.resourceGroup}/` : ""}${where.name}: there is no workspace, hub or project "${where.name}" in resource group ${ref.resourceGroup} of subscription ${ref.subscriptionId}. Give its name (or resource-group/name) as the studio shows it.`;
  if (res.status >= 400)
    return `promptflow-workspace ${where.name} could not be read: ${res.status} ${(res.bodyAsText ?? "").slice(0, 200)} (the identity needs a role on it that may write connections, e.g. "Azure AI Developer" or Contributor).`;
  const ws = JSON.parse(res.bodyAsText ?? "{}") as { kind?: string };
  return { name, ref, kind: ws.kind ?? "Default", shared };
}

/** The connection's PUT body (WorkspaceConnectionPropertiesV2 of category CustomKeys, workspaceRP.json). */
function connectionBody(endpoint: string, key: string, shared: boolean) {
  return {
    properties: {
      authType: "CustomKeys",
      category: "CustomKeys",
      target: endpoint,
      // Shared: everyone with access to the workspace sees and may use it in the studio (false: only its creator).
      isSharedToAll: shared,
      // Prompt flow reads a custom connection's metadata as `configs` and its keys as `secrets`.
      credentials: { keys: { [CONNECTION_FIELDS.key]: key } },
      metadata: {
        [CONNECTION_FIELDS.endpoint]: endpoint,
        "azureml.flow.connection_type": "Custom",
        "azureml.flow.module": "promptflow.connections",
      },
    },
  };
}

export async function writeConnection(
  s: Session,
  target: ConnectionTarget,
  endpoint: string,
  key: string,
  log: Logger,
): Promise<void> {
  const url = `${s.cloud.resourceManager}${workspaceId(target.ref)}/connections/${encodeURIComponent(target.name)}?api-version=${API_VERSION}`;
  const res = await s.client.sendRequest(
    createPipelineRequest({
      url,
      method: "PUT",
      body: JSON.stringify(connectionBody(endpoint, key, target.shared)),
      headers: createHttpHeaders({ "content-type": "application/json" }),
    }),
  );
  if (res.status >= 400)
    throw new ActionError(
      `Could not write the Prompt flow connection ${target.name} in ${describeTarget(target)}: ${res.status} ${(res.bodyAsText ?? "").slice(0, 300)}`,
    );
  log.info(
    `Prompt flow connection ${target.name} in ${describeTarget(target)} holds the endpoint and its key (as a secret)` +
      `${target.shared ? ", shared with the workspace's users" : ", visible to its creator only"}.`,
  );
}
