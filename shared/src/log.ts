import * as core from "@actions/core";
import { redactSecrets } from "./report.js";

/** Where an annotation points: a file and line, as GitHub shows them on the diff. */
export interface Place {
  file?: string;
  startLine?: number;
  endLine?: number;
  title?: string;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  notice(message: string, place?: Place): void;
  warning(message: string, place?: Place): void;
  error(message: string, place?: Place): void;
  /** Runs `fn` inside a collapsed log group named `title`. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** A logger for a part of this one: `log.child("wait")` prints `[finetune/wait] …`. */
  child(name: string): Logger;
}

/**
 * A namespaced logger over @actions/core, so every line says which part of which action wrote it. Values
 * the step masked are redacted here too: the runner masks its log, but a log read elsewhere (a local run,
 * a copied file) should not depend on it.
 */
export function logger(namespace: string): Logger {
  const tag = `[${namespace}]`;
  const line = (message: string) => `${tag} ${redactSecrets(message)}`;
  return {
    debug: (m) => core.debug(line(m)),
    info: (m) => core.info(line(m)),
    notice: (m, p) => core.notice(redactSecrets(m), p),
    warning: (m, p) => core.warning(redactSecrets(m), p),
    error: (m, p) => core.error(redactSecrets(m), p),
    group: (title, fn) => core.group(title, fn),
    child: (name) => logger(`${namespace}/${name}`),
  };
}
