import { createHash } from "node:crypto";
import { isoDuration } from "@phi3-aml/shared/inputs";
import { standardTags } from "@phi3-aml/shared/tags";
import { probeSettings, type Probe, type ProbeSettings } from "./probes.js";

/**
 * The tag on our deployments that fingerprints what they run (model, size, count, request settings, probes,
 * environment): a re-run that would create the same deployment again finds it by this tag and reuses it.
 */
export const SETTINGS_TAG = "settings";
/** The tag naming the model a deployment serves, "phi3-chat-ft:7" (ARM tag values are limited to 256 characters; the ARM id is longer). */
const MODEL_TAG = "model";

export interface DeploymentOptions {
  location: string;
  /** ARM id of the model version (reference §7). */
  modelId: string;
  instanceType: string;
  instanceCount: number;
  requestTimeoutMs: number;
  maxConcurrentRequests: number;
  /** LLM containers take minutes to load the model: both probes wait and tolerate failures (probes.ts). */
  livenessProbe: Probe;
  readinessProbe: Probe;
  /** Sent only when given (the startup-probe input). */
  startupProbe?: Probe;
  environmentVariables: Record<string, string>;
  description?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

/** The wire body of PUT /onlineEndpoints/{ep}/deployments/{name} (OnlineDeploymentTrackedResource). */
export interface DeploymentBody {
  location: string;
  tags: Record<string, string>;
  sku: { name: "Default"; capacity: number };
  properties: {
    endpointComputeType: "Managed";
    description: string;
    model: string;
    instanceType: string;
    scaleSettings: { scaleType: "Default" };
    requestSettings: { requestTimeout: string; maxConcurrentRequestsPerInstance: number };
    livenessProbe: ProbeSettings;
    readinessProbe: ProbeSettings;
    startupProbe?: ProbeSettings;
    environmentVariables: Record<string, string>;
  };
}

/**
 * Milliseconds as an ISO 8601 duration, as Azure's request settings want them: 90000 → "PT1M30S",
 * 1500 → "PT1.5S" (isoDuration handles whole seconds; a fraction is kept rather than rounded away).
 */
export function msToIsoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`Not a duration: ${ms} ms`);
  const whole = Math.floor(ms / 1000);
  const frac = Math.round(ms % 1000);
  if (frac === 0) return isoDuration(whole);
  const base = whole >= 60 ? isoDuration(whole - (whole % 60)) : "PT";
  return `${base}${whole % 60}.${String(frac).padStart(3, "0").replace(/0+$/, "")}S`;
}

/**
 * A managed online deployment of an MLflow model (reference §8.2): no environment and no scoring script
 * (Azure builds them for MLflow models), `sku` as azure-ai-ml writes it ({name: "Default", capacity}),
 * the request timeout and concurrency, and both probes written out in full — by default Microsoft's values for
 * LLMs (probes.ts, azureml-examples #3983), so that a container still loading the model is neither restarted
 * (liveness) nor declared failed (readiness) before it answers.
 */
export function deploymentBody(o: DeploymentOptions): DeploymentBody {
  const properties: DeploymentBody["properties"] = {
    endpointComputeType: "Managed",
    description: o.description ?? `Phi-3 chat model ${modelLabel(o.modelId)}.`,
    model: o.modelId,
    instanceType: o.instanceType,
    scaleSettings: { scaleType: "Default" },
    requestSettings: {
      requestTimeout: msToIsoDuration(o.requestTimeoutMs),
      maxConcurrentRequestsPerInstance: o.maxConcurrentRequests,
    },
    livenessProbe: probeSettings(o.livenessProbe),
    readinessProbe: probeSettings(o.readinessProbe),
    ...(o.startupProbe ? { startupProbe: probeSettings(o.startupProbe) } : {}),
    environmentVariables: { ...o.environmentVariables },
  };
  const sku = { name: "Default" as const, capacity: o.instanceCount };
  const tags = standardTags({
    now: o.now,
    env: o.env,
    extra: { [MODEL_TAG]: modelLabel(o.modelId), [SETTINGS_TAG]: settingsHash({ sku, properties }) },
  });
  return { location: o.location, tags, sku, properties };
}

/** "…/models/phi3-chat-ft/versions/7" → "phi3-chat-ft:7" (the id itself when it is not a model version id). */
export function modelLabel(modelId: string): string {
  const m = /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(modelId);
  return m ? `${m[1]}:${m[2]}` : modelId;
}

/**
 * A short fingerprint of what a deployment runs. Environment variables are part of it but only hashed
 * (they may hold values nobody should read in a tag). Key order does not matter.
 */
export function settingsHash(b: Pick<DeploymentBody, "sku" | "properties">): string {
  const p = b.properties;
  const canonical = JSON.stringify([
    p.model.toLowerCase(),
    p.instanceType.toLowerCase(),
    b.sku.capacity,
    p.requestSettings.requestTimeout,
    p.requestSettings.maxConcurrentRequestsPerInstance,
    p.livenessProbe,
    p.readinessProbe,
    // Only when there is one, so that the fingerprint of a deployment made before startup-probe existed holds.
    ...(p.startupProbe ? [p.startupProbe] : []),
    Object.entries(p.environmentVariables).sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0)),
  ]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}
