/**
 * Reads a data asset's file (a JSONL of conversations, as action-dataset registers them) with the job's
 * credential: the data version (azureml:<name>:<version> or its ARM id) gives its dataUri, an
 * azureml://datastores/<store>/paths/<path> URI; the datastore gives the storage account and container; the blob
 * is read with an Entra token (the identity needs Storage Blob Data Reader). Capped in size: a data file is read
 * whole into memory.
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { ActionError } from "../errors.js";
import { blobServiceUrl } from "./blob-url.js";
import type { Session } from "./session.js";

export const MAX_DATA_BYTES = 64 * 1024 * 1024;

/** azureml:<name>:<version>, a data version's ARM id, or an azureml://…/datastores/<store>/paths/<path> URI. */
export const DATA_REF =
  /^(azureml:[^:/\s]+:[^:/\s]+|azureml:\/\/(\S+\/)?datastores\/[^/\s]+\/paths\/\S+|\/subscriptions\/\S+\/data\/[^/\s]+\/versions\/[^/\s]+)$/i;

type Where = { rg: string; ws: string };

export async function readDataAsset(s: Session, ref: string, maxBytes = MAX_DATA_BYTES): Promise<string> {
  const here = { rg: s.ref.resourceGroup, ws: s.ref.workspace };
  const version = dataVersionOf(ref, here);
  let uri = ref;
  if (version) {
    const v = await s.client.dataVersions.get(version.rg, version.ws, version.name, version.version);
    uri = String((v.properties as { dataUri?: string }).dataUri ?? "");
  }
  const path =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/workspaces\/([^/]+)\/)?datastores\/([^/]+)\/paths\/(.+)$/i.exec(
      uri,
    );
  if (!path) throw new ActionError(`Data ${ref} points to ${uri}, which is not a file of a datastore.`);
  const where = path[1] && path[2] ? { rg: path[1], ws: path[2] } : (version ?? here);
  return readBlob(s, where, path[3]!, decodeURIComponent(path[4]!), ref, maxBytes);
}

function dataVersionOf(ref: string, here: Where): (Where & { name: string; version: string }) | undefined {
  const short = /^azureml:([^:/\s]+):([^:/\s]+)$/i.exec(ref);
  if (short) return { ...here, name: short[1]!, version: short[2]! };
  const id =
    /\/resourceGroups\/([^/]+)\/providers\/[^/]+\/workspaces\/([^/]+)\/data\/([^/]+)\/versions\/([^/]+)$/i.exec(ref);
  return id ? { rg: id[1]!, ws: id[2]!, name: id[3]!, version: id[4]! } : undefined;
}

async function readBlob(s: Session, where: Where, store: string, path: string, ref: string, maxBytes: number) {
  const d = await s.client.datastores.get(where.rg, where.ws, store);
  const p = d.properties as { accountName?: string; containerName?: string; endpoint?: string; protocol?: string };
  if (!p.accountName || !p.containerName)
    throw new ActionError(`Datastore ${store} of data ${ref} is not a blob container.`);
  const url = blobServiceUrl({ accountName: p.accountName, endpoint: p.endpoint, protocol: p.protocol });
  const blob = new BlobServiceClient(url, s.credential).getContainerClient(p.containerName).getBlobClient(path);
  const size = (await blob.getProperties()).contentLength ?? 0;
  if (size > maxBytes)
    throw new ActionError(`Data ${ref} is ${size} bytes; at most ${maxBytes} are read. Give a smaller file.`);
  return (await blob.downloadToBuffer()).toString("utf8");
}
