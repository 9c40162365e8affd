import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { checkName, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";

export interface ChatSmokeInputs {
  target: { endpoint: string } | { scoringUri: string; apiKey: string } | undefined;
  deployment?: string;
  prompts: string;
  temperature: number;
  maxNewTokens: number;
  parameters: Record<string, unknown>;
  timeoutSeconds: number;
  retries: number;
  concurrency: number;
  maxLatencyMs?: number;
  comment: "auto" | "always" | "never";
  githubToken?: string;
  /** Only when the endpoint is named (its key is read through Azure ML). */
  azure?: AzureSettings;
}

/** Every input of the chat smoke test, checked before any request (defaults equal action.yml's). */
export function readInputs(i: Inputs): ChatSmokeInputs {
  const endpoint = i.string("endpoint");
  const scoringUri = i.string("scoring-uri", { pattern: /^https:\/\//, rule: "an https:// URL" });
  const apiKey = i.string("api-key");
  if (endpoint && scoringUri) i.problem("scoring-uri", scoringUri, "is given with endpoint: give endpoint (the key is read through Azure ML) or scoring-uri with api-key, not both");
  if (!endpoint && !scoringUri) i.problem("endpoint", "", "is missing: give endpoint, or scoring-uri with api-key");
  if (scoringUri && !apiKey) i.problem("api-key", "", "is required with scoring-uri");
  if (endpoint && checkName(ONLINE_ENDPOINT, endpoint)) i.problem("endpoint", endpoint, `is not a valid ${ONLINE_ENDPOINT.what}: ${ONLINE_ENDPOINT.rule}`);
  const deployment = i.string("deployment");
  if (deployment && checkName(ONLINE_DEPLOYMENT, deployment)) i.problem("deployment", deployment, `is not a valid ${ONLINE_DEPLOYMENT.what}: ${ONLINE_DEPLOYMENT.rule}`);
  return {
    target: endpoint ? { endpoint } : scoringUri && apiKey ? { scoringUri, apiKey } : undefined,
    deployment,
    prompts: i.string("prompts", { required: true }) ?? "",
    temperature: i.float("temperature", { default: 0.7, min: 0, max: 2 }) ?? 0.7,
    maxNewTokens: i.int("max-new-tokens", { default: 128, min: 1, max: 4096 }) ?? 128,
    parameters:
      i.json<Record<string, unknown>>("parameters", {
        default: {},
        expect: 'a JSON object such as {"top_p": 0.9}',
        check: (v) => (v && typeof v === "object" && !Array.isArray(v) ? undefined : "is not a JSON object"),
      }) ?? {},
    timeoutSeconds: i.duration("timeout-seconds", { default: 90, min: 1, max: 600 }) ?? 90,
    retries: i.int("retries", { default: 3, min: 0, max: 10 }) ?? 3,
    concurrency: i.int("concurrency", { default: 2, min: 1, max: 32 }) ?? 2,
    maxLatencyMs: i.int("max-latency-ms", { min: 1 }),
    comment: i.enum("comment", ["auto", "always", "never"] as const, { default: "auto" }) ?? "auto",
    githubToken: i.string("github-token"),
    azure: endpoint ? readAzureInputs(i) : undefined,
  };
}
