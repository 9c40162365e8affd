// For fixtures that run as their own process against the emulator: the shared login and Azure ML client,
// configured from the environment exactly as an action is.
import { mlClient } from "../../shared/src/azureml/client.js";
import { cloud } from "../../shared/src/login/clouds.js";
import { login } from "../../shared/src/login/credential.js";
import { logger } from "../../shared/src/log.js";

export function fixtureSession(name: string) {
  const env = process.env;
  const c = cloud("AzureCloud", {
    authorityHost: env.AZURE_AUTHORITY_HOST,
    resourceManager: env.AZURE_RESOURCE_MANAGER_ENDPOINT,
  });
  const session = login({ cloud: c, clientId: env.AZURE_CLIENT_ID, tenantId: env.AZURE_TENANT_ID }, logger(name));
  return {
    cloud: c,
    session,
    credential: session.credential,
    ml: () =>
      mlClient({
        credential: session.credential,
        cloud: c,
        subscriptionId: env.AZURE_SUBSCRIPTION_ID!,
        userAgent: `${name}/1`,
      }),
    rg: env.AZUREML_RESOURCE_GROUP!,
    ws: env.AZUREML_WORKSPACE!,
  };
}
