import type { DataVersionBase } from "@azure/arm-machinelearning";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { workspaceId } from "@phi3-aml/shared/azureml/client";
import type { Logger } from "@phi3-aml/shared/log";

export interface Registered {
  /** ARM id: /subscriptions/.../workspaces/<ws>/data/<name>/versions/<version>. */
  id: string;
  name: string;
  version: string;
  reused: boolean;
}

/**
 * Registers a uri_file data asset for `uri`, or reuses the version that already holds data with the same
 * fingerprint (so re-running the same data does not make a new version). A new version is the next number.
 */
export async function registerData(
  s: Session,
  a: { name: string; uri: string; description: string; fingerprint: string; tags: Record<string, string> },
  log: Logger,
): Promise<Registered> {
  const { resourceGroup, workspace } = s.ref;
  const id = (version: string) => `${workspaceId(s.ref)}/data/${a.name}/versions/${version}`;
  for await (const v of s.client.dataVersions.list(resourceGroup, workspace, a.name, { tags: `fingerprint=${a.fingerprint}` })) {
    if (v.properties?.tags?.fingerprint === a.fingerprint && v.name) {
      log.info(`Data asset ${a.name}:${v.name} already holds this data (fingerprint ${a.fingerprint.slice(0, 12)}); reusing it.`);
      return { id: id(v.name), name: a.name, version: v.name, reused: true };
    }
  }
  let version = "1";
  try {
    const c = await s.client.dataContainers.get(resourceGroup, workspace, a.name);
    version = c.properties.nextVersion ?? String(Number(c.properties.latestVersion ?? 0) + 1);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  const body: DataVersionBase = {
    properties: { dataType: "uri_file", dataUri: a.uri, description: a.description, tags: { ...a.tags, fingerprint: a.fingerprint }, isAnonymous: false },
  };
  const created = await s.client.dataVersions.createOrUpdate(resourceGroup, workspace, a.name, version, body);
  log.info(`Registered data asset ${a.name}:${created.name ?? version}.`);
  return { id: id(created.name ?? version), name: a.name, version: created.name ?? version, reused: false };
}
