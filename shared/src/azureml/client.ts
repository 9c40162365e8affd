import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import type { TokenCredential } from "@azure/core-auth";
import { bearerTokenAuthenticationPolicyName } from "@azure/core-rest-pipeline";
import type { Cloud } from "../login/clouds.js";
import { freshTokenPolicy } from "./fresh-token.js";
import { LroPacing } from "./lro-pacing.js";

/**
 * The one Azure ML management api-version every request carries: 2026-07-01, the newest stable. Its definitions
 * of everything the actions send and read have the 2025-12-01 wire shapes (docs/emulator.md, "2025-12-01 →
 * 2026-07-01"). @azure/arm-machinelearning 2.1.1 pins 2022-10-01 in its operation specs; the client's
 * CustomApiVersionPolicy (added for `apiVersion` below) rewrites every request's api-version to this one.
 */
export const API_VERSION = "2026-07-01";

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
}

export interface MlClientOptions {
  credential: TokenCredential;
  cloud: Cloud;
  subscriptionId: string;
  /** Names the action in the user agent: "phi3-aml-finetune/0.1.0". */
  userAgent: string;
  /** Retries of one request on 429, 5xx and dropped connections (the SDK's policies honour Retry-After). */
  maxRetries?: number;
  retryDelayMs?: number;
  /** Told when ARM refused a token (expired, invalid) and the request went again with a fresh one. */
  onTokenRenewed?: (code: string) => void;
  /** How long-running operations are paced (Retry-After honoured, capped); a default one when absent. */
  pacing?: LroPacing;
}

/**
 * The one factory for the Azure ML management client: the cloud's Resource Manager endpoint (so an
 * override such as the local emulator is reached the same way as Azure), the cloud's token scope, the
 * pinned api-version, retries, a user agent naming the action, a token renewed once when ARM answers
 * ExpiredAuthenticationToken or InvalidAuthenticationToken (fresh-token.ts, in place of the SDK's policy), and
 * long-running operations polled no sooner than their Retry-After asks, up to a cap (lro-pacing.ts).
 */
export function mlClient(o: MlClientOptions): AzureMachineLearningWorkspaces {
  const client = new AzureMachineLearningWorkspaces(o.credential, o.subscriptionId, {
    endpoint: o.cloud.resourceManager,
    credentialScopes: [o.cloud.managementScope],
    apiVersion: API_VERSION,
    userAgentOptions: { userAgentPrefix: o.userAgent },
    retryOptions: { maxRetries: o.maxRetries ?? 6, retryDelayInMs: o.retryDelayMs ?? 1000, maxRetryDelayInMs: 30_000 },
  });
  client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
  // Before the token policy: a poll held for its Retry-After takes its token when it goes.
  client.pipeline.addPolicy((o.pacing ?? new LroPacing()).policy());
  client.pipeline.addPolicy(freshTokenPolicy(o.credential, [o.cloud.managementScope], { onRenew: o.onTokenRenewed }));
  return client;
}

/** The ARM id of a workspace, and of things inside it. */
export function workspaceId(w: WorkspaceRef): string {
  return `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;
}
