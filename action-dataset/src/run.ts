import type { Logger } from "@phi3-aml/shared/log";
import { skeletonRun } from "@phi3-aml/shared/skeleton";
import type { DatasetInputs } from "./inputs.js";

/** Skeleton (issue 3 brings the data preparation): logs in and reads the workspace when uploading. */
export async function run(inputs: DatasetInputs, log: Logger): Promise<void> {
  await skeletonRun("dataset", inputs.azure, "preparing and uploading the data", log);
}
