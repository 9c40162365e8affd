/**
 * What the evaluation reads through Azure ML before it sends anything: the endpoint's scoring URI and key,
 * each deployment's capacity (how many requests it takes at once), and an `azureml:<name>:<version>` data
 * asset's file, downloaded from its datastore with the job's credential.
 */
import type { Session } from "../azureml/session.js";
import { blobServiceUrl } from "../azureml/blob.js";
import { ActionError } from "../errors.js";
import { mask } from "../report.js";
import { parseDataAssetRef } from "./data-ref.js";
import type { DeploymentTarget, ScoringTarget } from "./evaluate.js";

const statusOf = (e: unknown) => (e as { statusCode?: number }).statusCode;

/** The endpoint's scoring URI and primary key (masked at once). */
export async function scoringTargetOf(s: Session, endpoint: string): Promise<ScoringTarget> {
  const { resourceGroup, workspace } = s.ref;
  let scoringUri: string | undefined;
  try {
    const e = await s.client.onlineEndpoints.get(resourceGroup, workspace, endpoint);
    scoringUri = e.properties.scoringUri;
    if (e.properties.authMode !== "Key")
      throw new ActionError(
        `Endpoint ${endpoint} uses ${e.properties.authMode} authentication; the evaluation sends its key, so the endpoint needs authMode Key.`,
      );
  } catch (e) {
    if (statusOf(e) === 404)
      throw new ActionError(`There is no online endpoint "${endpoint}" in workspace ${workspace}.`, "Check endpoint.");
    throw e;
  }
  if (!scoringUri) throw new ActionError(`Endpoint ${endpoint} has no scoring URI yet (is it still being created?).`);
  const keys = await s.client.onlineEndpoints.listKeys(resourceGroup, workspace, endpoint);
  const key = keys.primaryKey ?? keys.secondaryKey;
  mask(key);
  if (!key) throw new ActionError(`Endpoint ${endpoint} gave no key.`);
  return { scoringUri, key, endpoint };
}

/**
 * A deployment and the requests it takes at once: max_concurrent_requests_per_instance (default 1) ×
 * instances (reference-yaml-deployment-managed-online.md); Azure ML answers 429 beyond twice that.
 */
export async function deploymentTargetOf(s: Session, endpoint: string, name: string): Promise<DeploymentTarget> {
  const { resourceGroup, workspace } = s.ref;
  try {
    const d = await s.client.onlineDeployments.get(resourceGroup, workspace, endpoint, name);
    const perInstance = d.properties.requestSettings?.maxConcurrentRequestsPerInstance ?? 1;
    const instances = d.sku?.capacity ?? 1;
    return { name, concurrency: Math.max(1, perInstance * instances) };
  } catch (e) {
    if (statusOf(e) === 404)
      throw new ActionError(
        `Endpoint ${endpoint} has no deployment "${name}".`,
        "Check deployment and baseline-deployment (the names in Azure ML studio, Endpoints, the endpoint's deployments).",
      );
    throw e;
  }
}

/** Largest data asset file read (validation sets are far smaller). */
export const MAX_DATA_BYTES = 256 << 20;

/** The text of a data asset (azureml:<name>:<version> or its ARM id) that points at one file in a workspace datastore. */
export async function readDataAsset(s: Session, ref: string): Promise<string> {
  const parsed = parseDataAssetRef(ref);
  if (!parsed)
    throw new ActionError(`${ref} is not a data asset reference; expected azureml:<name>:<version> or an ARM id.`);
  const { name, version } = parsed;
  const sameWorkspace =
    !parsed.workspace ||
    (parsed.workspace.toLowerCase() === s.ref.workspace.toLowerCase() &&
      parsed.resourceGroup?.toLowerCase() === s.ref.resourceGroup.toLowerCase());
  if (!sameWorkspace)
    throw new ActionError(
      `Data asset ${name}:${version} is in workspace ${parsed.workspace}, not in ${s.ref.workspace} where the endpoint is.`,
      "Register the evaluation data in this workspace (action-dataset does), or give a file in the repository.",
    );
  const { resourceGroup, workspace } = s.ref;
  let uri: string;
  try {
    uri = (await s.client.dataVersions.get(resourceGroup, workspace, name, version)).properties.dataUri;
  } catch (e) {
    if (statusOf(e) === 404)
      throw new ActionError(`There is no data asset ${name}:${version} in workspace ${workspace}.`, "Check eval-data.");
    throw e;
  }
  const where = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.+)$/.exec(uri);
  if (!where)
    throw new ActionError(
      `Data asset ${name}:${version} points at ${uri}; the evaluation reads files in a workspace datastore (azureml://datastores/<store>/paths/<file>), as action-dataset registers them.`,
    );
  return readDatastoreFile(s, where[1]!, where[2]!);
}

async function readDatastoreFile(s: Session, store: string, path: string): Promise<string> {
  const { resourceGroup, workspace } = s.ref;
  const d = await s.client.datastores.get(resourceGroup, workspace, store);
  const p = d.properties as {
    datastoreType?: string;
    accountName?: string;
    containerName?: string;
    endpoint?: string;
    protocol?: string;
  };
  if (p.datastoreType !== "AzureBlob" || !p.accountName || !p.containerName)
    throw new ActionError(`Datastore ${store} is not an Azure Blob datastore (${p.datastoreType ?? "no type"}).`);
  const { BlobServiceClient } = await import("@azure/storage-blob");
  const url = blobServiceUrl({ accountName: p.accountName, endpoint: p.endpoint, protocol: p.protocol });
  const blob = new BlobServiceClient(url, s.credential).getContainerClient(p.containerName).getBlobClient(path);
  const props = await blob.getProperties();
  if ((props.contentLength ?? 0) > MAX_DATA_BYTES)
    throw new ActionError(
      `${path} in datastore ${store} is larger than ${MAX_DATA_BYTES >> 20} MB; evaluate a smaller file.`,
    );
  return (await blob.downloadToBuffer()).toString("utf8");
}
