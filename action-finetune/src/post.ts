import * as core from "@actions/core";

/**
 * The post step: cancels the Azure ML job when the workflow run was cancelled (issue 4). Until a job is
 * submitted there is nothing to cancel. A post step never fails the job.
 */
try {
  const job = core.getState("job-name");
  if (job) core.info(`[finetune/post] job ${job} was recorded; cancelling on workflow cancellation comes with the fine-tune job.`);
} catch (e) {
  core.warning(`[finetune/post] ${(e as Error).message}`);
}
