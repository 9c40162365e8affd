import type { Logger } from "@phi3-aml/shared/log";
import { skeletonRun } from "@phi3-aml/shared/skeleton";
import type { TeardownInputs } from "./inputs.js";

/** Skeleton (issue 7 brings the deletions): logs in and reads the workspace. */
export async function run(inputs: TeardownInputs, log: Logger): Promise<void> {
  await skeletonRun("teardown", inputs.azure, "finding and deleting expired endpoints", log);
}
