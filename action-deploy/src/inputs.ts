import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { ASSET, checkName, JOB, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";

export interface DeployInputs {
  what: { jobName: string } | { modelUri: string } | { model: string } | undefined;
  modelName: string;
  endpoint?: string;
  deployment?: string;
  instanceType: string;
  instanceCount: number;
  requestTimeoutMs: number;
  maxConcurrentRequests: number;
  startupDelaySeconds: number;
  provisioningTimeoutSeconds: number;
  environmentVariables: Record<string, string>;
  traffic: number;
  keepPrevious: boolean;
  smokePrompt?: string;
  ttlHours?: number;
  promptflowConnection?: string;
  azure: AzureSettings;
}

/** Every input of the deploy action, checked before any request (defaults equal action.yml's). */
export function readInputs(i: Inputs): DeployInputs {
  const jobName = i.string("job-name");
  const modelUri = i.string("model-uri", {
    pattern: /^azureml:\/\//,
    rule: "an azureml:// URI such as azureml://jobs/<job>/outputs/trained_model",
  });
  const model = i.string("model", {
    pattern: /^[\w.-]+:\d+$/,
    rule: "a registered model as name:version, e.g. phi3-chat-ft:3",
  });
  const given = [jobName && "job-name", modelUri && "model-uri", model && "model"].filter(Boolean);
  if (given.length !== 1)
    i.problem(
      given[1] ?? "job-name",
      "",
      `${given.length ? `is given with ${given[0]}` : "is missing"}: give exactly one of job-name, model-uri or model`,
    );
  if (jobName && checkName(JOB, jobName)) i.problem("job-name", jobName, `is not a valid job name: ${JOB.rule}`);
  const named = (input: string, rule: typeof ONLINE_ENDPOINT) => {
    const v = i.string(input);
    if (v && checkName(rule, v)) i.problem(input, v, `is not a valid ${rule.what}: ${rule.rule}`);
    return v;
  };
  const modelName = i.string("model-name", { default: "phi3-chat-ft" }) ?? "phi3-chat-ft";
  if (checkName(ASSET, modelName)) i.problem("model-name", modelName, `is not a valid model name: ${ASSET.rule}`);
  return {
    what: jobName ? { jobName } : modelUri ? { modelUri } : model ? { model } : undefined,
    modelName,
    endpoint: named("endpoint", ONLINE_ENDPOINT),
    deployment: named("deployment", ONLINE_DEPLOYMENT),
    instanceType:
      i.string("instance-type", {
        default: "Standard_NC6s_v3",
        pattern: /^Standard_[A-Za-z0-9_]+$/i,
        rule: "an Azure VM size such as Standard_NC6s_v3",
      }) ?? "Standard_NC6s_v3",
    instanceCount: i.int("instance-count", { default: 1, min: 1, max: 100 }) ?? 1,
    requestTimeoutMs: i.int("request-timeout-ms", { default: 90000, min: 1000, max: 180000 }) ?? 90000,
    maxConcurrentRequests: i.int("max-concurrent-requests", { default: 1, min: 1, max: 1000 }) ?? 1,
    startupDelaySeconds: i.duration("startup-delay-seconds", { default: 600, min: 0, max: 3600 }) ?? 600,
    provisioningTimeoutSeconds: i.duration("provisioning-timeout", { default: 5400, min: 1, max: 6 * 3600 }) ?? 5400,
    environmentVariables: i.jsonObject<Record<string, string>>("environment-variables", {
      values: "string",
      example: '{"MAX_TOTAL_TOKENS": "4096"}',
    }),
    traffic: i.int("traffic", { default: 100, min: 0, max: 100 }) ?? 100,
    keepPrevious: i.boolean("keep-previous", { default: false }) ?? false,
    smokePrompt: i.string("smoke-prompt"),
    ttlHours: i.float("ttl-hours", { min: 0, exclusiveMin: true, max: 24 * 365 }),
    promptflowConnection: i.string("promptflow-connection", {
      pattern: /^[a-zA-Z0-9_-]{1,255}$/,
      rule: "letters, digits, '-' and '_'",
    }),
    azure: readAzureInputs(i),
  };
}
