import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Datastore } from "@azure/arm-machinelearning";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import type { Session } from "@phi3-aml/shared/azureml/session";

/** Where the workspace keeps files: its default blob datastore. */
export interface DatastoreTarget {
  name: string;
  container: ContainerClient;
  /** azureml://datastores/<name>/paths/<path>: how Azure ML jobs name a file in it. */
  uri(path: string): string;
  url: string;
}

/**
 * The blob service URL of a datastore: https://<account>.blob.<suffix> in Azure; an endpoint that is a
 * host with a port or an IP address (Azurite, Azure Stack) is addressed path-style: https://<host>/<account>.
 */
export function blobServiceUrl(p: { accountName: string; endpoint?: string; protocol?: string }): string {
  const protocol = p.protocol || "https";
  const endpoint = p.endpoint || "core.windows.net";
  const pathStyle = /:\d+$/.test(endpoint) || /^\d+\.\d+\.\d+\.\d+$/.test(endpoint) || endpoint.startsWith("localhost");
  return pathStyle ? `${protocol}://${endpoint}/${p.accountName}` : `${protocol}://${p.accountName}.blob.${endpoint}`;
}

export async function defaultDatastore(s: Session): Promise<DatastoreTarget> {
  const { resourceGroup, workspace } = s.ref;
  let store: Datastore | undefined;
  for await (const d of s.client.datastores.list(resourceGroup, workspace, { isDefault: true })) store = d;
  const p = store?.properties as { datastoreType?: string; accountName?: string; containerName?: string; endpoint?: string; protocol?: string } | undefined;
  if (!store?.name || !p || p.datastoreType !== "AzureBlob" || !p.accountName || !p.containerName) {
    throw new ActionError(`Workspace ${workspace} has no default Azure Blob datastore to upload to (found: ${store?.name ?? "none"}, ${p?.datastoreType ?? "no type"}).`);
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

export interface Upload {
  local: string;
  /** Path in the container. */
  path: string;
}

/**
 * Uploads files with their content MD5 verified, skipping any already there with the same content (the
 * paths carry the data's fingerprint, so a re-run uploads nothing). The identity needs
 * "Storage Blob Data Contributor"; no account key is used.
 */
export async function uploadFiles(target: DatastoreTarget, files: Upload[], log: Logger): Promise<Array<Upload & { uploaded: boolean; bytes: number }>> {
  const done: Array<Upload & { uploaded: boolean; bytes: number }> = [];
  for (const f of files) {
    const data = readFileSync(f.local);
    const md5 = createHash("md5").update(data).digest();
    const blob = target.container.getBlockBlobClient(f.path);
    try {
      const existing = await blob.getProperties().catch((e: { statusCode?: number }) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
      if (existing?.contentMD5 && Buffer.from(existing.contentMD5).equals(md5)) {
        log.info(`${f.path} is already in datastore ${target.name} with the same content; not uploaded again.`);
        done.push({ ...f, uploaded: false, bytes: data.length });
        continue;
      }
      // The service checks the transactional MD5 of what it received; the stored MD5 is checked again after.
      const put = await blob.upload(data, data.length, { transactionalContentMD5: md5, blobHTTPHeaders: { blobContentType: "application/jsonl", blobContentMD5: md5 } });
      const stored = (await blob.getProperties()).contentMD5;
      if (!stored || !Buffer.from(stored).equals(md5)) {
        throw new ActionError(`The upload of ${f.path} did not verify: its MD5 in storage (${stored ? Buffer.from(stored).toString("base64") : "none"}) is not the file's (${md5.toString("base64")}).`);
      }
      void put;
      log.info(`Uploaded ${f.path} (${data.length.toLocaleString("en-US")} bytes) to datastore ${target.name}.`);
      done.push({ ...f, uploaded: true, bytes: data.length });
    } catch (e) {
      if (e instanceof ActionError) throw e;
      const status = (e as { statusCode?: number }).statusCode;
      const hint = status === 403 ? `The identity may not write to the workspace storage (${target.url}): give it "Storage Blob Data Contributor" on the storage account.` : undefined;
      throw new ActionError(`Could not upload ${f.path}: ${describeError(e)}`, hint, { cause: e });
    }
  }
  return done;
}
