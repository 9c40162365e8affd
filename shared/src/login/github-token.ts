import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import { ActionError } from "../errors.js";

export interface IdTokenClaims {
  iss?: string;
  iat?: number;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  repository?: string;
  ref?: string;
  environment?: string;
  event_name?: string;
  job_workflow_ref?: string;
  [claim: string]: unknown;
}

/** Reads a JWT's claims without checking it (we only print and compare them). */
export function decodeClaims(jwt: string): IdTokenClaims {
  const part = jwt.split(".")[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as IdTokenClaims;
  } catch {
    return {};
  }
}

/** True when the runner gave this job a way to ask for a GitHub ID token (`permissions: id-token: write`). */
export function oidcAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

/**
 * The fork (owner/name) whose pull request this run is for, or undefined when it is not one. GitHub sets no
 * variable for the head repository: it is the event payload's pull_request.head.repo.full_name (GITHUB_EVENT_PATH).
 */
export function forkOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GITHUB_EVENT_NAME !== "pull_request" || !env.GITHUB_EVENT_PATH || !env.GITHUB_REPOSITORY) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as {
      pull_request?: { head?: { repo?: { full_name?: unknown } } };
    };
    const head = event.pull_request?.head?.repo?.full_name;
    return typeof head === "string" && head.toLowerCase() !== env.GITHUB_REPOSITORY.toLowerCase() ? head : undefined;
  } catch {
    return undefined;
  }
}

/** What GitHub withholds from a fork's pull request, in plain words (docs.github.com, "Store information in variables"). */
export function forkNote(fork: string): string {
  return `This run is for a pull request from the fork ${fork}: GitHub gives it no variables, no secrets and no ID token, so it cannot log in to Azure. A maintainer can run the check by pushing the branch to this repository.`;
}

/** Why a job has no ID token, in plain words. */
export function noOidcReason(env: NodeJS.ProcessEnv = process.env): string {
  const fork = forkOf(env);
  if (fork) return forkNote(fork);
  return (
    "This job cannot ask GitHub for an ID token (ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). " +
    "Either the workflow or job lacks `permissions: id-token: write`, or it runs for a pull request from a fork (which gets no ID token). " +
    "Add to the job:\n  permissions:\n    id-token: write\n    contents: read"
  );
}

export interface IdTokenSource {
  /** A valid GitHub ID token for the audience, fetched again when the cached one is near expiry. */
  get(): Promise<string>;
  /** The claims of the last token fetched. */
  claims(): IdTokenClaims | undefined;
  /** How many tokens were fetched from GitHub (for logs and tests). */
  fetches(): number;
}

export interface IdTokenOptions {
  audience: string;
  /** Fetch again when the cached token has less than this left. GitHub's tokens live about 5 minutes. */
  marginSeconds?: number;
  fetch?: (audience: string) => Promise<string>;
  now?: () => number;
  retries?: number;
}

/**
 * The GitHub ID token behind the Azure login. MSAL asks for the assertion twice per getToken, and again
 * each time an access token is renewed, hours into a job: so the token is cached while it is valid and
 * fetched anew when it is near expiry. That is what lets a fine-tune of many hours never fail on an
 * expired assertion (AADSTS700024), the best-known failure of a static federated token.
 */
export function githubIdToken(o: IdTokenOptions): IdTokenSource {
  const fetch = o.fetch ?? ((aud: string) => core.getIDToken(aud));
  const now = o.now ?? Date.now;
  const margin = (o.marginSeconds ?? 60) * 1000;
  const retries = o.retries ?? 3;
  let cached: { token: string; claims: IdTokenClaims; expiresAt: number; margin: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let count = 0;

  async function fetchOnce(): Promise<string> {
    let last: unknown;
    for (let attempt = 1; attempt <= retries; attempt++) {
      try {
        const token = await fetch(o.audience);
        count++;
        const claims = decodeClaims(token);
        const expiresAt = claims.exp ? claims.exp * 1000 : now() + 5 * 60_000;
        // Never more than half the token's own life, so a short-lived token still serves both of MSAL's callbacks.
        const life = claims.iat ? expiresAt - claims.iat * 1000 : expiresAt - now();
        cached = { token, claims, expiresAt, margin: Math.min(margin, life / 2) };
        return token;
      } catch (e) {
        last = e;
        if (!oidcAvailable()) break;
        if (attempt < retries) await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    if (!oidcAvailable()) throw new ActionError(noOidcReason());
    throw new ActionError(
      `Could not get a GitHub ID token for audience ${o.audience}: ${(last as Error)?.message ?? last}`,
    );
  }

  return {
    async get() {
      if (cached && cached.expiresAt - cached.margin > now()) return cached.token;
      inFlight ??= fetchOnce().finally(() => (inFlight = undefined));
      return inFlight;
    },
    claims: () => cached?.claims,
    fetches: () => count,
  };
}
