import { runAction } from "./errors.js";
import { Inputs } from "./inputs.js";
import { logger, type Logger } from "./log.js";

/** The suite's version: in user agents and summaries. */
const VERSION = "0.1.0";

export const userAgent = (action: string) => `phi3-aml-${action}/${VERSION}`;

interface ActionModule<I> {
  run(inputs: I, log: Logger): Promise<void>;
}

export interface ActionMain<I> {
  /** Short name: "dataset", "finetune"... */
  name: string;
  /**
   * Reads and checks every input; problems are collected in `i` and reported together. It may wait, to load
   * a large module that only some inputs need (chat-smoke's regex engine): what it imports is in every run's
   * start-up, so it imports what every run needs, and the rest on demand.
   */
  read(i: Inputs): I | Promise<I>;
  /** Loads the part that talks to Azure, only once the inputs are good (keeps start-up and bad input fast). */
  load(): Promise<ActionModule<I>>;
}

/**
 * What every action's main.ts does: say who it is, read and check all inputs before any cloud call,
 * then run; one top-level handler reports a failure once.
 */
export async function actionMain<I>(a: ActionMain<I>): Promise<void> {
  const log = logger(a.name);
  await runAction(async () => {
    log.info(`phi3-aml ${a.name} ${VERSION} (node ${process.version})`);
    const i = new Inputs();
    const inputs = await a.read(i);
    i.done();
    const module = await a.load();
    await module.run(inputs, log);
  });
}
