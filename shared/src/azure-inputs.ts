import type { Inputs } from "./inputs.js";
import { CLOUD_NAMES, cloud, type Cloud, type CloudName } from "./login/clouds.js";
import type { WorkspaceRef } from "./azureml/client.js";

/** The Azure settings every action takes: who logs in, to which cloud, and which workspace. */
export interface AzureSettings {
  cloud: Cloud;
  clientId?: string;
  tenantId?: string;
  audience?: string;
  workspace: WorkspaceRef;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9][a-z0-9.-]*\.[a-z]{2,})$/i;

/**
 * Reads the common Azure inputs. An empty input falls back to the environment variable of the same
 * meaning (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID, AZUREML_RESOURCE_GROUP,
 * AZUREML_WORKSPACE), so repository variables can be set once as env for a whole workflow.
 * `authority-host` / `management-endpoint` (or AZURE_AUTHORITY_HOST / AZURE_RESOURCE_MANAGER_ENDPOINT)
 * point at another Entra or Resource Manager, e.g. Azure Stack or the local emulator.
 */
export function readAzureInputs(i: Inputs, env: NodeJS.ProcessEnv = process.env): AzureSettings {
  const pick = (name: string, envName: string) => i.raw(name) || env[envName]?.trim() || "";
  const need = (name: string, envName: string, pattern: RegExp, rule: string) => {
    const v = pick(name, envName);
    if (!v)
      i.problem(name, "", `is required: give the input or set ${envName} (for example from a repository variable)`);
    else if (!pattern.test(v)) i.problem(name, v, `is not accepted: ${rule}`);
    return v;
  };
  const url = (name: string, envName: string) => {
    const v = pick(name, envName);
    if (v && !/^https:\/\/[^\s/]+/.test(v)) i.problem(name, v, "is not an https:// URL");
    return v || undefined;
  };

  const environment = i.enum<CloudName>("environment", CLOUD_NAMES, { default: "AzureCloud", caseInsensitive: true });
  const clientId = pick("client-id", "AZURE_CLIENT_ID");
  const tenantId = pick("tenant-id", "AZURE_TENANT_ID");
  if (clientId && !GUID.test(clientId))
    i.problem("client-id", clientId, "is not a GUID (the app's Application (client) ID)");
  if (tenantId && !TENANT.test(tenantId))
    i.problem("tenant-id", tenantId, "is not a tenant id (a GUID or a domain such as contoso.onmicrosoft.com)");
  if (Boolean(clientId) !== Boolean(tenantId)) {
    const missing = clientId ? "tenant-id" : "client-id";
    i.problem(
      missing,
      "",
      "is required when the other of client-id / tenant-id is given (GitHub OIDC login needs both)",
    );
  }
  const subscriptionId = need("subscription-id", "AZURE_SUBSCRIPTION_ID", GUID, "expected a subscription GUID");
  const resourceGroup = need(
    "resource-group",
    "AZUREML_RESOURCE_GROUP",
    /^[-\w.()]{1,89}[-\w()]$|^[-\w()]$/,
    "1-90 characters: letters, digits, '-', '_', '.', '(', ')', not ending with '.'",
  );
  const workspace = need(
    "workspace",
    "AZUREML_WORKSPACE",
    /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/,
    "3-33 characters: letters, digits, '-' and '_', starting with a letter or digit",
  );
  const audience = i.raw("audience") || undefined;

  return {
    cloud: cloud(environment ?? "AzureCloud", {
      authorityHost: url("authority-host", "AZURE_AUTHORITY_HOST"),
      resourceManager: url("management-endpoint", "AZURE_RESOURCE_MANAGER_ENDPOINT"),
    }),
    clientId: clientId || undefined,
    tenantId: tenantId || undefined,
    audience,
    workspace: { subscriptionId, resourceGroup, workspace },
  };
}

/** The inputs readAzureInputs reads, for action.yml and the test that checks it. */
export const AZURE_INPUT_NAMES = [
  "client-id",
  "tenant-id",
  "subscription-id",
  "resource-group",
  "workspace",
  "environment",
  "audience",
  "authority-host",
  "management-endpoint",
] as const;
