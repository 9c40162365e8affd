import * as core from "@actions/core";

/**
 * Text from outside (model answers, file content, Azure messages) made safe inside a Markdown table
 * cell or line: no HTML, links, images, emphasis, code, tables or @mentions.
 */
export function escapeMarkdown(text: string): string {
  return text
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

/** Every value this step masked: the runner hides them in the log; redactSecrets() hides them in files. */
const masked = new Set<string>();

/** Masks a secret (an endpoint key, a token) in every later log line, at once, before it could be printed. */
export function mask(secret: string | undefined): void {
  if (!secret) return;
  core.setSecret(secret);
  masked.add(secret);
  // The runner also masks each line of a multi-line secret on its own.
  for (const line of secret.split(/\r?\n/)) if (line.trim() && line !== secret) masked.add(line);
}

/** The values masked so far in this step. */
export const maskedValues = (): string[] => [...masked];

/**
 * Text with every masked value (and any `extra` secret) replaced by "***", longest first, as the runner
 * does in the log: the runner masks the log only, so files the step writes (the summary, a results file)
 * must do it themselves.
 */
export function redactSecrets(text: string, extra: readonly (string | undefined)[] = []): string {
  const all = [...masked, ...extra.filter((s): s is string => !!s)].sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of all) out = out.split(s).join("***");
  return out;
}

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

/** Sets outputs; every value is a string, as GitHub passes them on. */
export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [k, v] of Object.entries(outputs)) if (v !== undefined) core.setOutput(k, String(v));
}
