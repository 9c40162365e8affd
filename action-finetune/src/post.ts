import * as core from "@actions/core";

/** How long the post step waits for a job whose PUT was still in flight when the run was cancelled. */
const POST_WAIT_MS = 60_000;

/**
 * The post step: when main did not finish (the workflow run was cancelled, or the runner killed it),
 * cancel the Azure ML job it submitted, idempotently, waiting a bounded while for it to appear. A post step
 * never fails the job.
 */
async function post(): Promise<void> {
  const job = core.getState("job-name");
  if (!job || core.getState("finished") === "true") return;
  const { Inputs } = await import("@phi3-aml/shared/inputs");
  const { readAzureInputs } = await import("@phi3-aml/shared/azure-inputs");
  const { connect } = await import("@phi3-aml/shared/azureml/session");
  const { logger } = await import("@phi3-aml/shared/log");
  const { userAgent } = await import("@phi3-aml/shared/action");
  const { cancelJob } = await import("./cancel.js");
  const log = logger("finetune/post");
  const settings = readAzureInputs(new Inputs());
  const s = await connect(settings, userAgent("finetune"), log);
  await cancelJob(s, job, log, POST_WAIT_MS);
}

try {
  await post();
} catch (e) {
  core.warning(`[finetune/post] ${(e as Error).message}`);
}
