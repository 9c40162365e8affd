import * as core from "@actions/core";

/** How long the post step waits for a resource whose PUT was still in flight when the run was cancelled. */
const POST_WAIT_MS = 60_000;
const LOOK_EVERY_MS = 2_000;

/**
 * The post step: when main did not finish (the workflow run was cancelled, or the runner killed it), remove
 * what main created and serves no traffic (cleanup.ts), following each deletion to its end, and waiting a
 * bounded while for a resource whose PUT was in flight. A post step never fails the job.
 */
async function post(): Promise<void> {
  const { savedCreated } = await import("./saved-state.js");
  const created = savedCreated();
  if (!created) return;
  const { Inputs } = await import("@phi3-aml/shared/inputs");
  const { readAzureInputs } = await import("@phi3-aml/shared/azure-inputs");
  const { connect } = await import("@phi3-aml/shared/azureml/session");
  const { logger } = await import("@phi3-aml/shared/log");
  const { userAgent } = await import("@phi3-aml/shared/action");
  const { removeIdle } = await import("./cleanup.js");
  const log = logger("deploy/post");
  const s = await connect(readAzureInputs(new Inputs()), userAgent("deploy"), log);
  const deadline = Date.now() + POST_WAIT_MS;
  for (;;) {
    const out = await removeIdle(s, created, { wait: true, log });
    for (const e of out.errors) log.warning(e);
    for (const l of out.leftBehind) log.warning(`Left behind: ${l.what} (${l.why}). Remove it with: ${l.command}`);
    if (!out.missing || created.removalAsked || Date.now() >= deadline) {
      if (out.missing && !created.removalAsked)
        log.info("What the cancelled run was creating never appeared: nothing to remove.");
      return;
    }
    await new Promise((r) => setTimeout(r, LOOK_EVERY_MS));
  }
}

try {
  await post();
} catch (e) {
  core.warning(`[deploy/post] ${(e as Error).message}`);
}
