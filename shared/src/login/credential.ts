import type { TokenCredential } from "@azure/core-auth";
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  ChainedTokenCredential,
  ClientAssertionCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { ActionError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Cloud } from "./clouds.js";
import { explainLoginFailure, federatedCredentialHint } from "./diagnose.js";
import { githubIdToken, noOidcReason, oidcAvailable, type IdTokenSource } from "./github-token.js";

export interface LoginOptions {
  cloud: Cloud;
  clientId?: string;
  tenantId?: string;
  /** Audience of the GitHub ID token; defaults to the cloud's federated audience. */
  audience?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Login {
  credential: TokenCredential;
  kind: "github-oidc" | "default-chain";
  /** Present for github-oidc: the cached, self-renewing GitHub ID token. */
  idToken?: IdTokenSource;
  /** Gets a management token once, so a login problem shows here, explained, and not in the first API call. */
  verify(): Promise<void>;
}

/**
 * The one credential every action uses.
 * - In GitHub Actions with client-id and tenant-id: federated login with the job's GitHub ID token
 *   (ClientAssertionCredential), the token fetched again whenever it is near expiry.
 * - Otherwise (a laptop, or a job after azure/login): the default chain — the non-interactive part of
 *   DefaultAzureCredential, in its order (environment, workload identity, managed identity, Azure CLI,
 *   Azure Developer CLI, Azure PowerShell). Built by hand because DefaultAzureCredential also bundles
 *   the IDE and browser credentials, 1.2 MB that no CI job can use.
 */
export function login(o: LoginOptions, log: Logger): Login {
  const env = o.env ?? process.env;
  const { cloud } = o;
  const inActions = env.GITHUB_ACTIONS === "true";
  const transport = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: !cloud.knownAuthority };

  if (o.clientId && o.tenantId && inActions) {
    if (!oidcAvailable(env)) throw new ActionError(noOidcReason(env));
    const audience = o.audience ?? cloud.federatedAudience;
    const idToken = githubIdToken({ audience });
    const credential = new ClientAssertionCredential(o.tenantId, o.clientId, () => idToken.get(), transport);
    const context = { tenantId: o.tenantId, clientId: o.clientId, authorityHost: cloud.authorityHost };
    return {
      credential,
      kind: "github-oidc",
      idToken,
      async verify() {
        await idToken.get();
        const claims = idToken.claims();
        log.info(
          `GitHub ID token: iss=${claims?.iss} sub=${claims?.sub} aud=${claims?.aud}` +
            (claims?.job_workflow_ref ? ` job_workflow_ref=${claims.job_workflow_ref}` : ""),
        );
        try {
          await credential.getToken(cloud.managementScope, { enableCae: true });
        } catch (e) {
          throw new ActionError(explainLoginFailure(e, { ...context, claims }), undefined, { cause: e });
        }
        log.info(
          `Logged in to ${cloud.name} as app ${o.clientId} in tenant ${o.tenantId} with the job's GitHub ID token.`,
        );
      },
    };
  }

  if (o.clientId && o.tenantId && !inActions) {
    log.info(
      "Not running in GitHub Actions: client-id and tenant-id are ignored; using the default credential chain (az login, environment, managed identity).",
    );
  }
  const credential = defaultChain(transport, o.tenantId);
  return {
    credential,
    kind: "default-chain",
    async verify() {
      try {
        await credential.getToken(cloud.managementScope, { enableCae: true });
      } catch (e) {
        const hint = inActions
          ? "Give client-id and tenant-id (GitHub OIDC, recommended), or run azure/login before this step."
          : "Run `az login`, or set AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET, or use the local emulator (`npm run emulator`).";
        throw new ActionError(
          `Azure login failed: no credential in the default chain worked (${(e as Error).message.split("\n")[0]}).`,
          hint,
          { cause: e },
        );
      }
      log.info(`Logged in to ${cloud.name} with the default credential chain.`);
    },
  };
}

function defaultChain(
  transport: { authorityHost: string; disableInstanceDiscovery: boolean },
  tenantId?: string,
): TokenCredential {
  const tenant = tenantId ? { tenantId } : {};
  const chain: TokenCredential[] = [new EnvironmentCredential(transport)];
  // Each of these throws at construction when its environment is missing; skip it then, as DefaultAzureCredential does.
  const maybe = (make: () => TokenCredential) => {
    try {
      chain.push(make());
    } catch {
      /* not configured here */
    }
  };
  maybe(() => new WorkloadIdentityCredential({ ...transport, ...tenant }));
  maybe(() => new ManagedIdentityCredential());
  chain.push(
    new AzureCliCredential(tenant),
    new AzureDeveloperCliCredential(tenant),
    new AzurePowerShellCredential(tenant),
  );
  return new ChainedTokenCredential(...chain);
}

export { federatedCredentialHint };
