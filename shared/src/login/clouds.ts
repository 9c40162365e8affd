/** The Azure clouds an action can log in to, and the endpoints each one uses. */
export const CLOUD_NAMES = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface Cloud {
  name: CloudName;
  /** Entra ID, where tokens come from. */
  authorityHost: string;
  /** Azure Resource Manager, where Azure ML's management API lives. */
  resourceManager: string;
  /** The token audience of Resource Manager: the same in every region of a cloud, also when the endpoint is overridden. */
  managementScope: string;
  storageScope: string;
  /** Suffix of storage account hosts: https://<account>.blob.<suffix>. */
  storageSuffix: string;
  /** Azure ML studio, for links in summaries. */
  studio: string;
  /** Audience of the GitHub ID token that Entra's federated credentials expect in this cloud. */
  federatedAudience: string;
  /** True when the authority is one Entra knows (instance discovery works); false for an override. */
  knownAuthority: boolean;
}

const CLOUDS: Record<CloudName, Omit<Cloud, "knownAuthority">> = {
  AzureCloud: {
    name: "AzureCloud",
    authorityHost: "https://login.microsoftonline.com",
    resourceManager: "https://management.azure.com",
    managementScope: "https://management.azure.com/.default",
    storageScope: "https://storage.azure.com/.default",
    storageSuffix: "core.windows.net",
    studio: "https://ml.azure.com",
    federatedAudience: "api://AzureADTokenExchange",
  },
  AzureUSGovernment: {
    name: "AzureUSGovernment",
    authorityHost: "https://login.microsoftonline.us",
    resourceManager: "https://management.usgovcloudapi.net",
    managementScope: "https://management.usgovcloudapi.net/.default",
    storageScope: "https://storage.azure.com/.default",
    storageSuffix: "core.usgovcloudapi.net",
    studio: "https://ml.azure.us",
    federatedAudience: "api://AzureADTokenExchangeUSGov",
  },
  AzureChinaCloud: {
    name: "AzureChinaCloud",
    authorityHost: "https://login.chinacloudapi.cn",
    resourceManager: "https://management.chinacloudapi.cn",
    managementScope: "https://management.chinacloudapi.cn/.default",
    storageScope: "https://storage.azure.com/.default",
    storageSuffix: "core.chinacloudapi.cn",
    studio: "https://studio.ml.azure.cn",
    federatedAudience: "api://AzureADTokenExchangeChina",
  },
};

export interface CloudOverrides {
  /** Another Entra authority (Azure Stack, a proxy, or the local emulator). */
  authorityHost?: string;
  /** Another Resource Manager endpoint. */
  resourceManager?: string;
  /** Another blob endpoint for the workspace's storage, e.g. https://127.0.0.1:10000/devstoreaccount1. */
  storageSuffix?: string;
  studio?: string;
}

/** The endpoints of a cloud, with any overrides applied. */
export function cloud(name: CloudName, overrides: CloudOverrides = {}): Cloud {
  const base = CLOUDS[name];
  const authorityHost = trimSlash(overrides.authorityHost) ?? base.authorityHost;
  return {
    ...base,
    authorityHost,
    resourceManager: trimSlash(overrides.resourceManager) ?? base.resourceManager,
    storageSuffix: overrides.storageSuffix ?? base.storageSuffix,
    studio: trimSlash(overrides.studio) ?? base.studio,
    knownAuthority: Object.values(CLOUDS).some((c) => c.authorityHost === authorityHost),
  };
}

const trimSlash = (s?: string) => (s ? s.replace(/\/+$/, "") : undefined);
