import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { ENV_FILE } from "./paths.js";

/** The running emulator (started by global-setup), seen from a test. */
export function emulatorEnv(): Record<string, string> {
  return JSON.parse(readFileSync(ENV_FILE, "utf8")) as Record<string, string>;
}

export async function control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emulatorEnv().EMULATOR_CONTROL_URL}${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export type { Exchange } from "../../emulator/src/http.js";
import type { Exchange } from "../../emulator/src/http.js";

export const exchanges = (q: { service?: string; path?: string } = {}) =>
  control<Exchange[]>("GET", `/exchanges?${new URLSearchParams(q as Record<string, string>)}`);

export interface TokenEvent {
  clientId: string;
  ok: boolean;
  error?: string;
  scope: string;
  assertion?: { iss?: string; sub?: string; aud?: unknown };
}

/**
 * A fresh, isolated world for one test: its own app registration (with a federated credential for
 * `subject`), its own GitHub job, and its own workspace — so tests can run side by side and count
 * what reached the cloud.
 */
export async function world(
  o: { subject?: string; job?: Record<string, unknown>; workspace?: string; accessTokenLifetimeSeconds?: number } = {},
) {
  const env = emulatorEnv();
  const clientId = randomUUID();
  const job = { repository: "octo-org/phi3-demo", environment: "azureml", ...(o.job ?? {}) };
  const { requestToken } = await control<{ requestToken: string }>("POST", "/github/jobs", job);
  const subject = o.subject ?? `repo:${job.repository}:environment:${job.environment}`;
  await control("POST", "/entra/apps", { clientId, subject, accessTokenLifetimeSeconds: o.accessTokenLifetimeSeconds });
  const workspace = o.workspace ?? `ws-${randomUUID().slice(0, 8)}`;
  await control("POST", "/workspaces", { name: workspace });
  return {
    clientId,
    requestToken,
    workspace,
    /** The env a runner would give a step of this job, pointed at the emulator. */
    env: {
      ...env,
      AZURE_CLIENT_ID: clientId,
      AZUREML_WORKSPACE: workspace,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    } as Record<string, string>,
    tokenEvents: () => control<TokenEvent[]>("GET", `/entra/events?clientId=${clientId}`),
    idTokensIssued: async () => (await control<{ issued: number }>("GET", `/github/jobs/${requestToken}`)).issued,
    armCalls: () => exchanges({ service: "arm", path: `/workspaces/${workspace}` }),
  };
}

/** An HTTPS request to the emulator that trusts its CA explicitly (a test may run in-band, before NODE_EXTRA_CA_CERTS applies). */
export async function emulatorHttps(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const { request } = await import("node:https");
  const ca = readFileSync(emulatorEnv().NODE_EXTRA_CA_CERTS!, "utf8");
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, ca }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Runs a TypeScript fixture as its own process with a world's environment (so it trusts the emulator's CA
 * through NODE_EXTRA_CA_CERTS, as a bundled action does) and returns the JSON of its last line.
 */
export async function runFixture<T = Record<string, unknown>>(path: string, env: Record<string, string>): Promise<T> {
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const { REPO_ROOT } = await import("./paths.js");
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", path], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env, GITHUB_ACTIONS: "true" },
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as T;
}
