import * as core from "@actions/core";
import { redactSecrets } from "./redact.js";

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
 * The logger's one rule for text from outside (tags, names, model answers, error bodies, file contents):
 * no line of it may start a workflow command. The runner reads every line of a step's output and runs the
 * ones that start with `::` after leading white space (`::error::`, `::add-mask::`, `::set-output`,
 * `::stop-commands::`...; GitHub docs, "Workflow commands for GitHub Actions":
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands). A message's first
 * line starts with the logger's `[namespace]` tag; each later line (after \n, \r or \r\n, as the runner
 * splits them) that would start with `::` gets the same tag in front, so it prints as text. Annotations,
 * debug lines and group titles need nothing more: @actions/core sends them as command values, escaped as
 * the runner's own escaping does (`%` → %25, `\r` → %0D, `\n` → %0A: toCommandValue/escapeData). Prefixing
 * rather than escaping keeps multi-line text (container logs) readable.
 */
export function inert(text: string, tag: string): string {
  return text.replace(/(\r\n|\r|\n)(?=[^\S\r\n]*::)/g, `$1${tag} `);
}

/**
 * A namespaced logger over @actions/core, so every line says which part of which action wrote it. Values
 * the step masked are redacted here too, before anything else (the runner masks its log, but a log read
 * elsewhere, a local run or a copied file, should not depend on it); then no line may start a workflow
 * command (inert).
 */
export function logger(namespace: string): Logger {
  const tag = `[${namespace}]`;
  const line = (message: string) => `${tag} ${inert(redactSecrets(message), tag)}`;
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
