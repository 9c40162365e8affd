import * as core from "@actions/core";
import { InputError } from "./inputs.js";
import { redactSecrets } from "./report.js";

/** A failure we understand: what happened and, when we know it, what to do about it. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ActionError";
  }
}

interface AzureErrorBody {
  code?: string;
  message?: string;
  target?: string;
  details?: AzureErrorBody[];
  additionalInfo?: Array<{ type?: string; info?: unknown }>;
}

/** The `{ error: {...} }` body of an ARM error, from a RestError or a raw body. */
function armError(e: unknown): AzureErrorBody | undefined {
  const any = e as { details?: unknown; response?: { bodyAsText?: string } };
  const candidates: unknown[] = [any?.details];
  if (any?.response?.bodyAsText) {
    try {
      candidates.push(JSON.parse(any.response.bodyAsText));
    } catch {
      /* not JSON */
    }
  }
  for (const c of candidates) {
    const err = (c as { error?: AzureErrorBody })?.error;
    if (err && (err.code || err.message)) return err;
  }
  return undefined;
}

function formatArm(err: AzureErrorBody, depth = 0): string {
  const head = [err.code, err.message].filter(Boolean).join(": ") + (err.target ? ` (target: ${err.target})` : "");
  const nested = (err.details ?? []).slice(0, 5).map((d) => `\n${"  ".repeat(depth + 1)}- ${formatArm(d, depth + 1)}`);
  return head + nested.join("");
}

/** AADSTS codes found in a message, e.g. ["AADSTS70021"]. */
export function aadstsCodes(text: string): string[] {
  return [...new Set(text.match(/AADSTS\d{5,7}/g) ?? [])];
}

/**
 * One readable message for any error the Azure SDKs throw: ARM error bodies (code, message, target,
 * details), HTTP status, Entra (AADSTS) errors, network errors.
 */
export function describeError(e: unknown): string {
  if (e instanceof ActionError) return e.hint ? `${e.message}\n${e.hint}` : e.message;
  if (e instanceof InputError) return e.message;
  if (!(e instanceof Error)) return String(e);
  const rest = e as Error & { statusCode?: number; code?: string; request?: { method?: string; url?: string } };
  const arm = armError(e);
  const where = rest.request?.url ? ` (${rest.request.method ?? "GET"} ${redactUrl(rest.request.url)})` : "";
  if (arm) return `Azure answered ${rest.statusCode ?? "an error"}${where}: ${formatArm(arm)}`;
  if (rest.name === "RestError" && rest.statusCode)
    return `Azure answered ${rest.statusCode}${where}: ${firstLine(rest.message)}`;
  if (
    rest.code &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|CERT_|DEPTH_ZERO|UNABLE_TO_VERIFY|SELF_SIGNED)/.test(
      rest.code,
    )
  ) {
    return `Could not reach Azure${where}: ${rest.code} ${firstLine(rest.message)}`;
  }
  return `${rest.name === "Error" ? "" : `${rest.name}: `}${rest.message}`;
}

const firstLine = (s: string) => s.split("\n")[0] ?? s;

/** Drops query strings that could carry signatures (SAS) from URLs we print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const keep = u.searchParams.get("api-version");
    return `${u.origin}${u.pathname}${keep ? `?api-version=${keep}` : ""}`;
  } catch {
    return url.replace(/\?.*$/, "");
  }
}

/**
 * The one top-level handler of an action: runs `main`, and on failure calls core.setFailed once with a
 * readable message. Never throws.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof InputError) {
      for (const p of e.problems)
        core.error(`${p.input}: ${p.message}`, {
          title: `Input ${p.input}`,
          file: p.place?.file,
          startLine: p.place?.line,
        });
    }
    core.setFailed(redactSecrets(describeError(e)));
  }
}
