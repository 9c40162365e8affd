import { randomUUID } from "node:crypto";
import type { Router } from "../http.js";
import { notFound, WS, wsId, type ArmContext } from "./context.js";
import { systemData, type Resource, type Store } from "./store.js";

export interface WorkspaceSeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** The blob endpoint of the workspace's default datastore (Azurite), e.g. https://127.0.0.1:10000/devstoreaccount1. */
  blobEndpoint?: string;
  containerName?: string;
  /** The region's API host (workspace discovery, registries); https://<region>.api.azureml.ms in Azure. */
  apiBase?: string;
}

/** Creates a workspace with its default datastore, as a real one has after creation. */
export function seedWorkspace(store: Store, s: WorkspaceSeed): Resource {
  const id = wsId(s.subscriptionId, s.resourceGroup, s.name);
  const rgId = `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}`;
  const ws = store.put({
    id,
    name: s.name,
    type: "Microsoft.MachineLearningServices/workspaces",
    location: s.location,
    tags: {},
    kind: "Default",
    identity: { type: "SystemAssigned", principalId: randomUUID(), tenantId: randomUUID() },
    sku: { name: "Basic", tier: "Basic" },
    properties: {
      workspaceId: randomUUID(),
      friendlyName: s.name,
      description: "Local emulator workspace",
      storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/devstoreaccount1`,
      keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv-${s.name}`,
      applicationInsights: `${rgId}/providers/Microsoft.insights/components/ai-${s.name}`,
      discoveryUrl: `${s.apiBase ?? `https://${s.location}.api.azureml.ms`}/discovery`,
      mlFlowTrackingUri: `azureml://${s.apiBase ? new URL(s.apiBase).host : `${s.location}.api.azureml.ms`}/mlflow/v1.0/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${s.name}`,
      provisioningState: "Succeeded",
      publicNetworkAccess: "Enabled",
      hbiWorkspace: false,
      v1LegacyMode: false,
    },
    systemData: systemData(),
  });
  const blob = s.blobEndpoint ? new URL(s.blobEndpoint) : undefined;
  store.put({
    id: `${id}/datastores/workspaceblobstore`,
    name: "workspaceblobstore",
    type: "Microsoft.MachineLearningServices/workspaces/datastores",
    properties: {
      datastoreType: "AzureBlob",
      accountName: blob ? blob.pathname.split("/")[1] || "devstoreaccount1" : "devstoreaccount1",
      containerName: s.containerName ?? `azureml-blobstore-${ws.properties.workspaceId as string}`,
      // Azure gives the suffix ("core.windows.net"); the emulator's storage is Azurite, reached by its URL.
      endpoint: blob ? blob.host : "core.windows.net",
      protocol: "https",
      isDefault: true,
      credentials: { credentialsType: "None" },
      serviceDataAccessAuthIdentity: "WorkspaceSystemAssignedIdentity",
      description: "The workspace's default blob datastore",
      tags: {},
      properties: {},
    },
    systemData: systemData(),
  });
  return ws;
}

/** The workspaces under an id prefix (a subscription or a resource group). */
function workspacesUnder(ctx: ArmContext, prefix: string): Resource[] {
  const p = `${prefix.toLowerCase()}/`;
  return [...ctx.store.resources.values()].filter(
    (r) => r.type === "Microsoft.MachineLearningServices/workspaces" && r.id.toLowerCase().startsWith(p),
  );
}

export function registerWorkspaces(r: Router, ctx: ArmContext): void {
  // Workspaces_ListByResourceGroup and Workspaces_ListBySubscription (workspaceRP.json).
  r.on(
    "GET",
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces$/i,
    (_req, [sub, rg]) => ({
      status: 200,
      body: { value: workspacesUnder(ctx, `/subscriptions/${sub}/resourceGroups/${rg}`) },
    }),
  );
  r.on(
    "GET",
    /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces$/i,
    (_req, [sub]) => ({
      status: 200,
      body: { value: workspacesUnder(ctx, `/subscriptions/${sub}`) },
    }),
  );

  r.on("GET", new RegExp(`${WS}$`, "i"), (_req, [sub, rg, ws]) =>
    ctx.store.get(wsId(sub!, rg!, ws!))
      ? { status: 200, body: ctx.store.get(wsId(sub!, rg!, ws!)) }
      : notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!),
  );

  r.on("GET", new RegExp(`${WS}/datastores$`, "i"), (req, [sub, rg, ws]) => {
    const id = wsId(sub!, rg!, ws!);
    if (!ctx.store.get(id)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    let all = ctx.store.list(`${id}/datastores`);
    const isDefault = req.url.searchParams.get("isDefault");
    if (isDefault !== null) all = all.filter((d) => Boolean(d.properties.isDefault) === (isDefault === "true"));
    return { status: 200, body: { value: all } };
  });

  r.on("GET", new RegExp(`${WS}/datastores/([^/]+)$`, "i"), (_req, [sub, rg, ws, name]) => {
    const d = ctx.store.get(`${wsId(sub!, rg!, ws!)}/datastores/${name}`);
    return d
      ? { status: 200, body: d }
      : notFound("Microsoft.MachineLearningServices/workspaces/datastores", `${ws}/${name}`, rg!);
  });
}
