import { userAgent } from "./action.js";
import type { AzureSettings } from "./azure-inputs.js";
import { connect } from "./azureml/session.js";
import type { Logger } from "./log.js";

/**
 * The honest first version of an action whose behaviour is still to come: it has checked its inputs,
 * logs in and reads the workspace, and says plainly what it does not do yet.
 */
export async function skeletonRun(action: string, azure: AzureSettings | undefined, missing: string, log: Logger): Promise<void> {
  if (azure) await connect(azure, userAgent(action), log);
  log.notice(`${action}: inputs checked${azure ? " and the workspace reached" : ""}; ${missing} is not implemented yet.`);
}
