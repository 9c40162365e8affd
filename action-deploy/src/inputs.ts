import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { ASSET, checkName, JOB, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";
import { parseIdentity, parseWorkspaceRef, type EndpointIdentity, type WorkspaceRef } from "./identity.js";
import { readProbe, readStartupProbe, type Probe } from "./probes.js";
import { readGateInputs, type GateInputs } from "./gate-inputs.js";

/** `instance-type: auto`: the cheapest size that fits the base model, the region and the quota. */
const AUTO = "auto";

export interface DeployInputs {
  what: { jobName: string } | { modelUri: string } | { model: string } | undefined;
  modelName: string;
  endpoint?: string;
  deployment?: string;
  /** A VM size, or AUTO. */
  instanceType: string;
  instanceCount: number;
  requestTimeoutMs: number;
  maxConcurrentRequests: number;
  livenessProbe: Probe;
  readinessProbe: Probe;
  /** startup-probe: given only for a model that loads slowly, so that liveness can stay tight once it runs. */
  startupProbe?: Probe;
  /** Undefined = system-assigned for a new endpoint, whatever an existing endpoint runs as. */
  identity?: EndpointIdentity;
  provisioningTimeoutSeconds: number;
  environmentVariables: Record<string, string>;
  traffic: number;
  keepPrevious: boolean;
  smokePrompt?: string;
  ttlHours?: number;
  promptflowConnection?: string;
  /** Where the connection goes; undefined = the endpoint's workspace. */
  promptflowWorkspace?: WorkspaceRef;
  /** The connection is shared with the workspace's users (isSharedToAll). */
  promptflowShared: boolean;
  /** The evaluation gate between the smoke prompt and the traffic move (gate-inputs.ts). */
  gate: GateInputs;
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
      i
        .string("instance-type", {
          default: AUTO,
          pattern: /^(auto|Standard_[A-Za-z0-9_]+)$/i,
          rule: "auto, or an Azure VM size such as Standard_NC24ads_A100_v4",
        })
        ?.replace(/^auto$/i, AUTO) ?? AUTO,
    instanceCount: i.int("instance-count", { default: 1, min: 1, max: 100 }) ?? 1,
    requestTimeoutMs: i.int("request-timeout-ms", { default: 90000, min: 1000, max: 180000 }) ?? 90000,
    maxConcurrentRequests: i.int("max-concurrent-requests", { default: 1, min: 1, max: 1000 }) ?? 1,
    ...readProbes(i),
    identity: readIdentity(i),
    provisioningTimeoutSeconds: i.duration("provisioning-timeout", { default: 5400, min: 1, max: 6 * 3600 }) ?? 5400,
    environmentVariables: i.jsonObject<Record<string, string>>("environment-variables", {
      values: "string",
      example: '{"MAX_TOTAL_TOKENS": "4096"}',
    }),
    traffic: i.int("traffic", { default: 100, min: 0, max: 100 }) ?? 100,
    keepPrevious: i.boolean("keep-previous", { default: false }) ?? false,
    smokePrompt: i.string("smoke-prompt"),
    ttlHours: i.float("ttl-hours", { min: 0, exclusiveMin: true, max: 24 * 365 }),
    ...readPromptflow(i),
    gate: readGateInputs(i),
    azure: readAzureInputs(i),
  };
}

/** Both probes; `startup-delay-seconds` is the initial delay of both unless a probe sets its own. */
function readProbes(i: Inputs): Pick<DeployInputs, "livenessProbe" | "readinessProbe" | "startupProbe"> {
  const startup = i.duration("startup-delay-seconds", { min: 0, max: 3600 });
  return {
    livenessProbe: readProbe(i, "liveness", startup),
    readinessProbe: readProbe(i, "readiness", startup),
    startupProbe: readStartupProbe(i),
  };
}

function readIdentity(i: Inputs): EndpointIdentity | undefined {
  const text = i.string("identity");
  if (text === undefined) return undefined;
  const identity = parseIdentity(text);
  if (typeof identity === "string") i.problem("identity", text, identity);
  return typeof identity === "string" ? undefined : identity;
}

function readPromptflow(
  i: Inputs,
): Pick<DeployInputs, "promptflowConnection" | "promptflowWorkspace" | "promptflowShared"> {
  const promptflowConnection = i.string("promptflow-connection", {
    pattern: /^[a-zA-Z0-9_-]{1,255}$/,
    rule: "letters, digits, '-' and '_'",
  });
  const text = i.string("promptflow-workspace");
  const ref = text === undefined ? undefined : parseWorkspaceRef(text);
  if (typeof ref === "string") i.problem("promptflow-workspace", text!, ref);
  if (text !== undefined && !promptflowConnection)
    i.problem(
      "promptflow-workspace",
      text,
      "is given without promptflow-connection: name the connection to write there",
    );
  return {
    promptflowConnection,
    promptflowWorkspace: typeof ref === "string" ? undefined : ref,
    promptflowShared: i.boolean("promptflow-shared", { default: true }) ?? true,
  };
}
