/**
 * The one redaction rule of the suite, used by every writer (log, step summary, pull-request comment,
 * results file, outputs, error messages) and by the scoring client's messages:
 *
 * every value this step masked (core.setSecret through report.ts's mask) and every secret the caller names
 * is replaced by "***", longest first (so a secret inside another goes too), whatever its length but the
 * empty string. No minimum length: a masked value is a secret, and a minimum would let a short one through in
 * a file while the log hides it. Our secrets are endpoint keys and tokens, tens of characters long, so no
 * ordinary word is ever blanked. (The scoring client used to skip values under 4 characters; one rule now.)
 *
 * Redaction runs on the raw text, BEFORE any escaping or formatting (Markdown escapes, JSON string escapes,
 * workflow-command escapes): an escaped secret (`a\_b` for `a_b`) no longer matches the masked value, neither
 * here nor in the runner's masker.
 */

const masked = new Set<string>();

/** Remembers a masked value (and each line of a multi-line one, as the runner masks them on their own). */
export function rememberSecret(secret: string | undefined): void {
  if (!secret) return;
  masked.add(secret);
  for (const line of secret.split(/\r?\n/)) if (line.trim() && line !== secret) masked.add(line);
}

/** The values masked so far in this step. */
export const maskedValues = (): string[] => [...masked];

/** Text with every masked value and every `extra` secret replaced by "***", longest first. */
export function redactSecrets(text: string, extra: readonly (string | undefined)[] = []): string {
  const all = [...new Set([...masked, ...extra.filter((s): s is string => typeof s === "string" && s.length > 0)])];
  all.sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of all) out = out.split(s).join("***");
  return out;
}
