import type { Datastore } from "@azure/arm-machinelearning";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { ActionError } from "../errors.js";
import { blobServiceUrl } from "./blob.js";
import type { Session } from "./session.js";

/** Where the workspace keeps files: its default blob datastore. */
export interface DatastoreTarget {
  name: string;
  container: ContainerClient;
  /** azureml://datastores/<name>/paths/<path>: how Azure ML jobs name a file in it. */
  uri(path: string): string;
  url: string;
}

export async function defaultDatastore(s: Session): Promise<DatastoreTarget> {
  const { resourceGroup, workspace } = s.ref;
  let store: Datastore | undefined;
  for await (const d of s.client.datastores.list(resourceGroup, workspace, { isDefault: true })) store = d;
  const p = store?.properties as
    | { datastoreType?: string; accountName?: string; containerName?: string; endpoint?: string; protocol?: string }
    | undefined;
  if (!store?.name || !p || p.datastoreType !== "AzureBlob" || !p.accountName || !p.containerName) {
    throw new ActionError(
      `Workspace ${workspace} has no default Azure Blob datastore to upload to (found: ${store?.name ?? "none"}, ${p?.datastoreType ?? "no type"}).`,
    );
  }
  const url = blobServiceUrl({ accountName: p.accountName, endpoint: p.endpoint, protocol: p.protocol });
  const name = store.name;
  return {
    name,
    url,
    container: new BlobServiceClient(url, s.credential).getContainerClient(p.containerName),
    uri: (path) => `azureml://datastores/${name}/paths/${path}`,
  };
}
