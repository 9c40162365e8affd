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

/** The data asset version of some data: derived from its fingerprint, so the same data is the same version. */
const versionOf = (fingerprint: string) => fingerprint.slice(0, 12);

/**
 * Registers a uri_file data asset whose version is derived from the fingerprint; when that version exists
 * already (the same data was registered before), it is reused and nothing is created.
 */
export async function registerData(
  s: Session,
  a: { name: string; uri: string; description: string; fingerprint: string; tags: Record<string, string> },
  log: Logger,
): Promise<Registered> {
  const { resourceGroup, workspace } = s.ref;
  const version = versionOf(a.fingerprint);
  const registered = { id: `${workspaceId(s.ref)}/data/${a.name}/versions/${version}`, name: a.name, version };
  try {
    const existing = await s.client.dataVersions.get(resourceGroup, workspace, a.name, version);
    if (existing.properties.dataUri !== a.uri)
      log.warning(
        `Data asset ${a.name}:${version} exists with another URI (${existing.properties.dataUri}); using it as it is.`,
      );
    log.info(`Data asset ${a.name}:${version} already holds this data; nothing new was created.`);
    return { ...registered, reused: true };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  const body: DataVersionBase = {
    properties: {
      dataType: "uri_file",
      dataUri: a.uri,
      description: a.description,
      tags: { ...a.tags, fingerprint: a.fingerprint },
      isAnonymous: false,
    },
  };
  await s.client.dataVersions.createOrUpdate(resourceGroup, workspace, a.name, version, body);
  log.info(`Registered data asset ${a.name}:${version}.`);
  return { ...registered, reused: false };
}
