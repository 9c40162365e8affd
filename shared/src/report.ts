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

/** Masks a secret (an endpoint key, a token) in every later log line, at once, before it could be printed. */
export function mask(secret: string | undefined): void {
  if (secret) core.setSecret(secret);
}

/** Appends Markdown to the step summary, when the runner gives one (GITHUB_STEP_SUMMARY). */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

/** Sets outputs; every value is a string, as GitHub passes them on. */
export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [k, v] of Object.entries(outputs)) if (v !== undefined) core.setOutput(k, String(v));
}
