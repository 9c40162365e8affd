import { ServiceClient } from "@azure/core-client";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { ActionError } from "../errors.js";
import { API_VERSION } from "./client.js";
import { freshTokenPolicy } from "./fresh-token.js";
import type { Session } from "./session.js";

export type RegistryKind = "models" | "components";

export interface RegistryAsset {
  id: string;
  name: string;
  properties: Record<string, unknown> & { latestVersion?: string };
}

export interface Registry {
  name: string;
  /** An asset's container (latestVersion), or undefined when the registry has no such asset. */
  container(kind: RegistryKind, name: string): Promise<RegistryAsset | undefined>;
  /** One version, or undefined when it does not exist. */
  version(kind: RegistryKind, name: string, version: string): Promise<RegistryAsset | undefined>;
  /**
   * Containers of a kind (`listViewType` ActiveOnly, ArchivedOnly or All, as the REST spec names it), following
   * nextLink for at most `maxPages` pages.
   */
  list(kind: RegistryKind, o?: { listViewType?: string; maxPages?: number }): Promise<RegistryAsset[]>;
  /** azureml://registries/<registry>/<kind>/<name>/versions/<version>: how jobs name a registry asset. */
  uri(kind: RegistryKind, name: string, version: string): string;
}

/**
 * A registry such as the public `azureml` one, whose subscription a workspace's user cannot see: found
 * through the region's registry discovery (the host of the workspace's discoveryUrl), then read at the
 * registry's own management frontend with the same Entra token, as azure-ai-ml does.
 */
export async function openRegistry(s: Session, name: string): Promise<Registry> {
  const client = registryClient(s);
  const get = async (url: string) => {
    const res = await client.sendRequest(createPipelineRequest({ url, method: "GET" }));
    if (res.status === 404) return undefined;
    if (res.status >= 400)
      throw new ActionError(
        `The ${name} registry answered ${res.status} for ${url.split("?")[0]}: ${(res.bodyAsText ?? "").slice(0, 300)}`,
      );
    return JSON.parse(res.bodyAsText ?? "{}") as Record<string, unknown>;
  };
  const discoveryUrl = (s.workspace.discoveryUrl ?? `https://${s.location}.api.azureml.ms/discovery`).replace(
    /\/+$/,
    "",
  );
  const regionBase = new URL(discoveryUrl).origin;
  const found = (await get(
    `${regionBase}/registrymanagement/v1.0/registries/${encodeURIComponent(name)}/discovery`,
  )) as { primaryRegionResourceProviderUri?: string; subscriptionId?: string; resourceGroup?: string } | undefined;
  if (!found?.primaryRegionResourceProviderUri || !found.subscriptionId || !found.resourceGroup) {
    throw new ActionError(
      `There is no Azure ML registry "${name}" (registry discovery in ${regionBase} found none).`,
      "Check the registry input; the public catalog is azureml.",
    );
  }
  const base = `${found.primaryRegionResourceProviderUri.replace(/\/?$/, "/")}mferp/managementfrontend/subscriptions/${found.subscriptionId}/resourceGroups/${found.resourceGroup}/providers/Microsoft.MachineLearningServices/registries/${name}`;
  const at = (path: string) => `${base}/${path}?api-version=${API_VERSION}`;
  return {
    name,
    container: async (kind, asset) =>
      (await get(at(`${kind}/${encodeURIComponent(asset)}`))) as RegistryAsset | undefined,
    version: async (kind, asset, v) =>
      (await get(at(`${kind}/${encodeURIComponent(asset)}/versions/${encodeURIComponent(v)}`))) as
        RegistryAsset | undefined,
    list: async (kind, o = {}) => {
      const out: RegistryAsset[] = [];
      let url: string | undefined = `${at(kind)}&listViewType=${encodeURIComponent(o.listViewType ?? "ActiveOnly")}`;
      for (let page = 0; url && page < (o.maxPages ?? 5); page++) {
        const body = (await get(url)) as { value?: RegistryAsset[]; nextLink?: string } | undefined;
        out.push(...(body?.value ?? []));
        url = body?.nextLink;
      }
      return out;
    },
    uri: (kind, asset, v) => `azureml://registries/${name}/${kind}/${asset}/versions/${v}`,
  };
}

/**
 * The client registries are read with: no credential of its own (so no SDK bearer policy), but the same
 * fresh-token policy as every other Azure client here (client.ts), which renews a token ARM refused as expired.
 */
export function registryClient(s: Pick<Session, "credential" | "cloud">): ServiceClient {
  const client = new ServiceClient({ userAgentOptions: { userAgentPrefix: "phi3-aml" } });
  client.pipeline.addPolicy(freshTokenPolicy(s.credential, [s.cloud.managementScope]));
  return client;
}
