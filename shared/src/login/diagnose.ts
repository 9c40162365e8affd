import { aadstsCodes } from "../errors.js";
import type { IdTokenClaims } from "./github-token.js";

export interface LoginContext {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  claims?: IdTokenClaims;
}

/** The federated credential a user must configure for this job, in words and as an az command. */
export function federatedCredentialHint(c: LoginContext): string {
  const sub = c.claims?.sub ?? "<the sub claim above>";
  const iss = c.claims?.iss ?? "https://token.actions.githubusercontent.com";
  const aud = Array.isArray(c.claims?.aud) ? c.claims?.aud[0] : (c.claims?.aud ?? "api://AzureADTokenExchange");
  return [
    `Entra compares the token's subject exactly (case-sensitive). Configure a federated credential on app ${c.clientId} with:`,
    `  issuer:   ${iss}`,
    `  subject:  ${sub}`,
    `  audience: ${aud}`,
    "The subject depends on how the job runs: `repo:OWNER/REPO:environment:NAME` when the job has an `environment:`,",
    "`repo:OWNER/REPO:pull_request` for pull requests, otherwise `repo:OWNER/REPO:ref:refs/heads/BRANCH` (or refs/tags/TAG).",
    "With Azure CLI:",
    `  az ad app federated-credential create --id ${c.clientId} --parameters '${JSON.stringify({ name: "github", issuer: iss, subject: sub, audiences: [aud] })}'`,
  ].join("\n");
}

const EXPLAIN: Record<string, (c: LoginContext) => string> = {
  AADSTS70021: (c) =>
    `No federated credential of app ${c.clientId} matches this job's GitHub token.\n${federatedCredentialHint(c)}`,
  AADSTS700211: (c) =>
    `The app's federated credentials do not trust this token's issuer (${c.claims?.iss ?? "?"}).\n${federatedCredentialHint(c)}`,
  AADSTS700212: (c) =>
    `The GitHub token's audience does not match the federated credential's audience.\n${federatedCredentialHint(c)}`,
  AADSTS700213: (c) =>
    `No federated credential of app ${c.clientId} matches the subject "${c.claims?.sub ?? "?"}".\n${federatedCredentialHint(c)}`,
  AADSTS700016: (c) =>
    `Application ${c.clientId} was not found in tenant ${c.tenantId}. Check client-id, and that tenant-id is the tenant where the app is registered.`,
  AADSTS90002: (c) =>
    `Tenant ${c.tenantId} was not found. Check tenant-id (Entra ID > Overview > Tenant ID) and the environment input (AzureCloud, AzureUSGovernment or AzureChinaCloud).`,
  AADSTS900023: (c) => `"${c.tenantId}" is not a valid tenant id. Check tenant-id.`,
  AADSTS700024: () =>
    "The GitHub ID token had expired when Entra received it. This action fetches a new one before each token request; if you see this, the runner's clock may be off.",
  AADSTS700027: () =>
    "Entra could not verify the GitHub ID token's signature. The token was altered or comes from an issuer Entra cannot reach.",
  AADSTS50020: (c) => `The app ${c.clientId} is not allowed in tenant ${c.tenantId}. Check tenant-id.`,
};

/** Plain words for a failed Azure login, with what to change. */
export function explainLoginFailure(e: unknown, c: LoginContext): string {
  const text = e instanceof Error ? e.message : String(e);
  const codes = aadstsCodes(text);
  const explained = codes.map((code) => EXPLAIN[code]?.(c)).filter(Boolean);
  const first = text.split("\n")[0]?.slice(0, 400);
  if (explained.length)
    return `Azure login failed (${codes.join(", ")}). ${explained.join("\n")}\nEntra said: ${first}`;
  if (/endpoints_resolution_error/.test(text)) {
    // MSAL hides Entra's answer here; it is AADSTS90002 (no such tenant) or no answer at all.
    return `Azure login failed: Entra at ${c.authorityHost} gave no sign-in endpoints for tenant ${c.tenantId}. Either tenant ${c.tenantId} was not found (check tenant-id, and that environment names the cloud of your tenant), or ${c.authorityHost} cannot be reached from this runner.`;
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(text)) {
    return `Azure login failed: Entra at ${c.authorityHost} could not be reached (${first}). Check the environment input and any authority-host override.`;
  }
  return `Azure login failed: ${first}`;
}
