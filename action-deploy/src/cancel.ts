/**
 * A deploy that is cancelled strands nothing that serves nobody. When a workflow run is cancelled, the runner
 * sends the step SIGINT, SIGTERM 7.5 s later, then kills it; post steps (`post-if: always()`) still run.
 * So, as action-finetune does for its job:
 *
 * - the signal handlers are installed before the first write (the model registration);
 * - before each create, what is about to be created is saved with core.saveState (a PUT in flight when the
 *   signal comes still counts: its resource may appear seconds later);
 * - on a signal, no further write starts, and the evaluation gate's scoring requests in flight are aborted
 *   (Cancel.signal); the handler asks Azure to remove what this run created and serves
 *   no traffic (cleanup.ts: real traffic read first, a deployment with traffic never deleted), without
 *   waiting for the deletions, then exits;
 * - the post step (post.ts) does the same from the saved state (saved-state.ts), waiting for resources still being created
 *   and following each deletion to its end.
 *
 * The registered model is kept, as after any failure: it costs nothing and the next run reuses it.
 */
import * as core from "@actions/core";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { removeIdle, type Created } from "./cleanup.js";
import { STATE } from "./saved-state.js";

class CancelledError extends Error {
  constructor(signal: string) {
    super(`The workflow run was cancelled (${signal}); the deploy stopped before its next step.`);
  }
}

export interface Cancel {
  /** Throws CancelledError once a signal came: call before each write. */
  check(): void;
  readonly cancelled: boolean;
  /** Aborted (reason: the CancelledError) when a signal comes: long reads such as the gate's scoring stop. */
  readonly signal: AbortSignal;
}

/**
 * Installs the handlers; call before the first write. `created` tells, at the moment of the signal, what
 * this run has created so far.
 */
export function armCancel(s: Session, created: () => Created | undefined, log: Logger): Cancel {
  let signal: string | undefined;
  const abort = new AbortController();
  const onSignal = (name: string) => {
    if (signal) return;
    signal = name;
    log.warning(`${name}: the workflow run was cancelled; removing what this run created that serves no traffic.`);
    abort.abort(new CancelledError(name));
    void cleanUp(s, created(), log).finally(() => process.exit(1));
  };
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  return {
    check: () => {
      if (signal) throw new CancelledError(signal);
    },
    get cancelled() {
      return signal !== undefined;
    },
    signal: abort.signal,
  };
}

/** Never throws: the post step will try again. */
async function cleanUp(s: Session, c: Created | undefined, log: Logger): Promise<void> {
  if (!c) return log.info("This run had created nothing yet: nothing to remove.");
  if (c.trafficInFlight) core.saveState(STATE.trafficInFlight, "true");
  try {
    const out = await removeIdle(s, c, { wait: false, log });
    if (out.endpointRemoved || out.removed.length) core.saveState(STATE.removalAsked, "true");
    for (const e of out.errors) log.warning(e);
    for (const l of out.leftBehind) log.warning(`Left for now: ${l.what} (${l.why}). Remove it with: ${l.command}`);
    if (out.missing) log.info("A resource this run was creating is not there yet; the post step will look again.");
  } catch (e) {
    log.warning(`Could not clean up on cancel: ${describeError(e)}; the post step will try again.`);
  }
}
