import type { Logger } from "@phi3-aml/shared/log";
import { skeletonRun } from "@phi3-aml/shared/skeleton";
import type { ChatSmokeInputs } from "./inputs.js";

/** Skeleton (issue 6 brings the chat cases): logs in and reads the workspace when the endpoint is named. */
export async function run(inputs: ChatSmokeInputs, log: Logger): Promise<void> {
  await skeletonRun("chat-smoke", inputs.azure, "sending the chat cases", log);
}
