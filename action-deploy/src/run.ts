import type { Logger } from "@phi3-aml/shared/log";
import { skeletonRun } from "@phi3-aml/shared/skeleton";
import type { DeployInputs } from "./inputs.js";

/** Skeleton (issue 5 brings registration and rollout): logs in and reads the workspace. */
export async function run(inputs: DeployInputs, log: Logger): Promise<void> {
  await skeletonRun("deploy", inputs.azure, "registering the model and rolling it out", log);
}
