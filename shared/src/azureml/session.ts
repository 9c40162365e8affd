import type { AzureMachineLearningWorkspaces, Workspace } from "@azure/arm-machinelearning";
import type { TokenCredential } from "@azure/core-auth";
import type { AzureSettings } from "../azure-inputs.js";
import { ActionError, describeError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Cloud } from "../login/clouds.js";
import { login, type Login } from "../login/credential.js";
import { mlClient, type WorkspaceRef } from "./client.js";

/** What an action has once it is logged in and has found its workspace. */
export interface Session {
  login: Login;
  credential: TokenCredential;
  client: AzureMachineLearningWorkspaces;
  cloud: Cloud;
  ref: WorkspaceRef;
  workspace: Workspace;
  /** The workspace's region: where new endpoints, computes and deployments go. */
  location: string;
}

/** Logs in, builds the client and reads the workspace, with a readable failure at each step. */
export async function connect(settings: AzureSettings, userAgent: string, log: Logger): Promise<Session> {
  const l = login(
    { cloud: settings.cloud, clientId: settings.clientId, tenantId: settings.tenantId, audience: settings.audience },
    log,
  );
  await l.verify();
  const client = mlClient({
    credential: l.credential,
    cloud: settings.cloud,
    subscriptionId: settings.workspace.subscriptionId,
    userAgent,
    onTokenRenewed: (code) =>
      log.info(`Azure Resource Manager answered ${code}: sent the request again with a fresh token.`),
  });
  const { resourceGroup, workspace: name, subscriptionId } = settings.workspace;
  let workspace: Workspace;
  try {
    workspace = await client.workspaces.get(resourceGroup, name);
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    const hint =
      status === 404
        ? `No workspace "${name}" in resource group "${resourceGroup}" of subscription ${subscriptionId}: check workspace, resource-group and subscription-id.`
        : status === 403
          ? `The identity may not read workspace "${name}": give it a role such as "AzureML Data Scientist" on the workspace (and "Reader" on the resource group).`
          : undefined;
    throw new ActionError(`Could not read the Azure ML workspace: ${describeError(e)}`, hint, { cause: e });
  }
  const location = workspace.location ?? "";
  log.info(`Workspace ${name} (${location}) in resource group ${resourceGroup}.`);
  return {
    login: l,
    credential: l.credential,
    client,
    cloud: settings.cloud,
    ref: settings.workspace,
    workspace,
    location,
  };
}
