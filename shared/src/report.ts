import * as core from "@actions/core";
import { maskedValues, redactSecrets, rememberSecret } from "./redact.js";

/**
 * Text from outside (model answers, file content, Azure messages) made safe inside a Markdown table
 * cell or line: no HTML, links, images, emphasis, code, tables or @mentions. Secrets are redacted first
 * (redact.ts): after escaping, a key holding `_` or `*` would no longer match its masked value.
 */
export function escapeMarkdown(text: string): string {
  return redactSecrets(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_{}[\]()#+!|~])/g, "\\$1")
    .replace(/@/g, "@\u200d")
    .replace(/\r?\n/g, "<br>");
}

export type Cell = string | number | boolean | undefined;

/** A Markdown table; cells are escaped unless `raw` says which columns hold our own Markdown. */
export function markdownTable(headers: string[], rows: Cell[][], raw: number[] = []): string {
  const cell = (v: Cell, i: number) => (v === undefined ? "" : raw.includes(i) ? String(v) : escapeMarkdown(String(v)));
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${headers.map((_, i) => cell(r[i], i)).join(" | ")} |`),
  ].join("\n");
}

export const link = (text: string, url: string) => `[${escapeMarkdown(text)}](${url})`;

/** Masks a secret (an endpoint key, a token) in every later log line, at once, before it could be printed. */
export function mask(secret: string | undefined): void {
  if (!secret) return;
  core.setSecret(secret);
  rememberSecret(secret);
}

export { maskedValues, redactSecrets };

/** A JSON value with every string redacted (before serialising: a secret with " or \\ is escaped after). */
export function redactJson<T>(value: T, extra: readonly (string | undefined)[] = []): T {
  const walk = (v: unknown): unknown =>
    typeof v === "string"
      ? redactSecrets(v, extra)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [redactSecrets(k, extra), walk(x)]))
          : v;
  return walk(value) as T;
}

/** Appends Markdown to the step summary, when the runner gives one (GITHUB_STEP_SUMMARY); masked values redacted. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(redactSecrets(markdown), true).write();
}

/** Sets outputs; every value is a string, as GitHub passes them on, with masked values redacted. */
export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [k, v] of Object.entries(outputs)) if (v !== undefined) core.setOutput(k, redactSecrets(String(v)));
}
