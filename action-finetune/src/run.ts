import type { Logger } from "@phi3-aml/shared/log";
import { skeletonRun } from "@phi3-aml/shared/skeleton";
import type { FinetuneInputs } from "./inputs.js";

/** Skeleton (issue 4 brings the fine-tune job): logs in and reads the workspace. */
export async function run(inputs: FinetuneInputs, log: Logger): Promise<void> {
  await skeletonRun("finetune", inputs.azure, "submitting and following the fine-tune job", log);
}
