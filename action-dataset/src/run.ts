import { connect } from "@phi3-aml/shared/azureml/session";
import { userAgent } from "@phi3-aml/shared/action";
import type { Logger } from "@phi3-aml/shared/log";
import type { DatasetInputs } from "./inputs.js";

/** Skeleton (issue 3 brings the data preparation): logs in and reads the workspace when uploading. */
export async function run(inputs: DatasetInputs, log: Logger): Promise<void> {
  if (inputs.azure) await connect(inputs.azure, userAgent("dataset"), log);
  log.notice("action-dataset is a skeleton: inputs were checked" + (inputs.azure ? " and the workspace was reached" : "") + "; preparing and uploading data is not implemented yet.");
}
