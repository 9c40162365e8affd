import { API_VERSION, loadContract, type Contract } from "../../emulator/src/contract/openapi.js";
import type { DeploymentResource } from "../src/plan.js";
import type { EndpointResource } from "../src/endpoint-body.js";
import { MANAGED_BY, MANAGED_BY_TAG } from "@phi3-aml/shared/tags";

/** A GitHub Actions environment, so that tags are the same on every machine. */
export const ENV: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: "octo-org/phi3-demo",
  GITHUB_RUN_ID: "4242",
  GITHUB_RUN_ATTEMPT: "1",
  GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
  GITHUB_SERVER_URL: "https://github.com",
};
export const NOW = new Date("2026-11-25T10:00:00.000Z");
export const WS = { subscriptionId: "s", resourceGroup: "rg", workspace: "w" };
export const ARM = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w";
export const Q = `?api-version=${API_VERSION}`;
export const OURS = { [MANAGED_BY_TAG]: MANAGED_BY, repository: "octo-org/phi3-demo" };

let contract: Contract | undefined;
/** The official OpenAPI contract (Azure's files in emulator/azure/; a missing file fails the test). */
export function officialContract(): Contract {
  contract ??= loadContract();
  return contract;
}

/** An endpoint as GET answers it, with the read-only fields Azure adds. */
export function endpointGet(
  o: {
    name?: string;
    tags?: Record<string, string>;
    traffic?: Record<string, number>;
    mirror?: Record<string, number>;
    properties?: Record<string, string>;
  } = {},
): EndpointResource {
  const name = o.name ?? "phi3-chat";
  return {
    id: `${ARM}/onlineEndpoints/${name}`,
    name,
    type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    location: "eastus",
    kind: "Managed",
    tags: o.tags ?? { ...OURS, "created-at": "2026-01-01T00:00:00.000Z", team: "chat" },
    identity: {
      type: "SystemAssigned",
      principalId: "00000000-1111-2222-3333-444444444444",
      tenantId: "00000000-1111-2222-3333-555555555555",
    },
    systemData: { createdBy: "someone", createdAt: "2026-01-01T00:00:00Z" },
    properties: {
      authMode: "Key",
      description: "The team's chat endpoint",
      properties: o.properties ?? {
        "azureml.onlineendpointid": `${ARM}/onlineendpoints/${name}`,
        AzureAsyncOperationUri: "https://example/op",
      },
      traffic: o.traffic ?? {},
      ...(o.mirror ? { mirrorTraffic: o.mirror } : {}),
      publicNetworkAccess: "Enabled",
      scoringUri: `https://${name}.eastus.inference.ml.azure.com/score`,
      swaggerUri: `https://${name}.eastus.inference.ml.azure.com/swagger.json`,
      provisioningState: "Succeeded",
      keys: null,
    },
  };
}

export function deploymentGet(
  name: string,
  o: {
    model?: string;
    instanceType?: string;
    count?: number;
    tags?: Record<string, string>;
    state?: string;
    settings?: string;
  } = {},
): DeploymentResource {
  return {
    name,
    tags: o.tags ?? { ...OURS, ...(o.settings ? { settings: o.settings } : {}) },
    sku: { capacity: o.count ?? 1 },
    properties: {
      model: o.model ?? `${ARM}/models/phi3-chat-ft/versions/6`,
      instanceType: o.instanceType ?? "Standard_NC6s_v3",
      provisioningState: o.state ?? "Succeeded",
    },
  };
}
