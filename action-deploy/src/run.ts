import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { ModelVersion, OnlineDeployment } from "@azure/arm-machinelearning";
import { userAgent } from "@phi3-aml/shared/action";
import { API_VERSION, workspaceId } from "@phi3-aml/shared/azureml/client";
import { connect, type Session } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { mask, setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { expiresAt } from "@phi3-aml/shared/tags";
import { followPoller, formatDuration, waitFor, WaitTimeoutError } from "@phi3-aml/shared/wait";
import { deploymentBody, settingsHash } from "./deployment-body.js";
import { newEndpointBody, withTraffic, type EndpointResource, type Traffic } from "./endpoint-body.js";
import type { DeployInputs } from "./inputs.js";
import {
  findRegistered,
  jobOutputUri,
  lineageFromJob,
  modelId,
  modelVersionBody,
  nextVersion,
  parseModelRef,
  TRAINED_MODEL_OUTPUT,
  type Lineage,
} from "./model-body.js";
import { defaultEndpointName } from "./names.js";
import { planRollout, type DeploymentResource, type RolloutPlan } from "./plan.js";
import { checkQuota } from "./quota.js";
import { smokeTest } from "./smoke.js";
import { deploySummary, type DeploySummaryInput } from "./summary.js";

const LRO = { intervalMs: 5_000, maxIntervalMs: 30_000, timeoutMs: 90 * 60_000 };

interface ModelChoice {
  name: string;
  version: string;
  id: string;
  reused: boolean;
  lineage?: Lineage;
  /** When the model must be registered: the body to PUT. */
  register?: ReturnType<typeof modelVersionBody>;
}

/**
 * Register the model and roll it out blue/green: everything is checked first (the job, the model, names,
 * quota for both deployments at once); then the new deployment is created at 0 %, smoke-tested alone,
 * given its traffic in one full PUT of the endpoint, and the previous one deleted. A failure before the
 * traffic moves leaves the traffic as it was and removes the new deployment, with its container logs.
 */
export async function run(inputs: DeployInputs, log: Logger): Promise<void> {
  const s = await connect(inputs.azure, userAgent("deploy"), log);
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const ml = s.client;
  const links = studioLinks(s.cloud, s.ref);
  const timings: Array<{ step: string; ms: number }> = [];
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      timings.push({ step, ms: Date.now() - t0 });
    }
  };

  // ---- Preflight: nothing is created before every check has passed.
  const model = await chooseModel(s, inputs, log);
  const endpointName = inputs.endpoint ?? defaultEndpointName(process.env.GITHUB_REPOSITORY);
  const endpoint = await getEndpoint(s, endpointName);
  const deployments: OnlineDeployment[] = [];
  if (endpoint) for await (const d of ml.onlineDeployments.list(rg, ws, endpointName)) deployments.push(d);
  const body = deploymentBody({
    location: s.location,
    modelId: model.id,
    instanceType: inputs.instanceType,
    instanceCount: inputs.instanceCount,
    requestTimeoutMs: inputs.requestTimeoutMs,
    maxConcurrentRequests: inputs.maxConcurrentRequests,
    startupDelaySeconds: inputs.startupDelaySeconds,
    environmentVariables: inputs.environmentVariables,
  });
  const plan = planRollout({
    endpointName,
    endpoint,
    deployments: deployments as DeploymentResource[],
    model: { name: model.name, version: model.version, id: model.id },
    deployment: inputs.deployment,
    settings: settingsHash(body),
    instanceType: inputs.instanceType,
    instanceCount: inputs.instanceCount,
    traffic: inputs.traffic,
    keepPrevious: inputs.keepPrevious,
    smoke: Boolean(inputs.smokePrompt),
  });
  for (const note of plan.notes) log.info(note);
  if (plan.problems.length) throw new ActionError(`The rollout cannot start:\n  - ${plan.problems.join("\n  - ")}`);
  await checkCapacity(s, plan, log);

  // ---- Apply.
  if (model.register) {
    await timed("register model", () =>
      ml.modelVersions.createOrUpdate(rg, ws, model.name, model.version, model.register!),
    );
    log.info(`Registered model ${model.name}:${model.version}.`);
  }
  let key: string | undefined;
  const getKey = async () => {
    if (!key) {
      const keys = await ml.onlineEndpoints.listKeys(rg, ws, endpointName);
      key = keys.primaryKey ?? keys.secondaryKey;
      mask(key);
      if (!key) throw new ActionError(`Endpoint ${endpointName} gave no key.`);
    }
    return key;
  };
  let trafficNow: Traffic = plan.trafficBefore;
  let smoke: DeploySummaryInput["smoke"];
  const deleted: string[] = [];
  const created = { endpoint: false, deployment: false };
  const summary = (ok: boolean, failure?: string, current?: EndpointResource): DeploySummaryInput => ({
    ok,
    failure,
    model: {
      name: model.name,
      version: model.version,
      reused: model.reused,
      url: links.model(model.name, model.version),
      lineage: model.lineage,
      jobUrl: model.lineage?.jobName ? links.job(model.lineage.jobName) : undefined,
    },
    endpoint: {
      name: endpointName,
      created: created.endpoint,
      managed: plan.endpoint.managed,
      scoringUri: current?.properties?.scoringUri ?? undefined,
      swaggerUri: current?.properties?.swaggerUri ?? undefined,
      expiresAt: expiresAt(current?.tags ?? undefined),
      url: links.endpoint(endpointName),
    },
    deployment: {
      name: plan.deployment.name,
      created: created.deployment,
      instanceType: inputs.instanceType,
      instanceCount: inputs.instanceCount,
    },
    previous: plan.previous,
    trafficBefore: plan.trafficBefore,
    trafficAfter: trafficNow,
    deleted,
    kept: plan.kept,
    running: ok ? plan.afterRollout : plan.duringRollout.running,
    timings,
    smoke,
    promptflowConnection: inputs.promptflowConnection,
    notes: plan.notes,
  });

  try {
    for (const step of plan.steps) {
      if (step.kind === "create-endpoint") {
        await timed("create endpoint", () =>
          putEndpoint(s, endpointName, newEndpointBody({ location: s.location, ttlHours: inputs.ttlHours }), log),
        );
        created.endpoint = true;
      } else if (step.kind === "create-deployment") {
        // Marked before the call: a deployment that fails to provision exists, and must be removed.
        created.deployment = true;
        await timed("create deployment", () =>
          createDeployment(
            s,
            endpointName,
            step.deployment,
            body as unknown as OnlineDeployment,
            inputs.provisioningTimeoutSeconds,
            log,
          ),
        );
      } else if (step.kind === "smoke") {
        const scoringUri = (await getEndpoint(s, endpointName))!.properties!.scoringUri!;
        const smokeKey = await getKey();
        smoke = await timed("smoke prompt", () =>
          smokeTest({ scoringUri, key: smokeKey, deployment: step.deployment, prompt: inputs.smokePrompt!, log }),
        );
        if (smoke.error)
          throw new ActionError(`The smoke prompt to deployment ${step.deployment} failed: ${smoke.error}`);
      } else if (step.kind === "set-traffic") {
        // Traffic changes only through a full PUT of the endpoint, built from what it is now; ours gets its
        // run, commit and expiry refreshed; deployments about to go lose any mirror share.
        const current = (await getEndpoint(s, endpointName))!;
        const body = withTraffic(current, step.traffic, {
          retag: { ttlHours: inputs.ttlHours },
          dropMirrorFor: plan.deleteAfter,
        });
        await timed("move traffic", () => putEndpoint(s, endpointName, body, log));
        trafficNow = step.traffic;
        log.info(
          `Traffic of ${endpointName}: ${Object.entries(step.traffic)
            .map(([d, p]) => `${d} ${p}%`)
            .join(", ")}.`,
        );
      } else if (step.kind === "delete-deployment") {
        await timed(`delete ${step.deployment}`, async () =>
          followPoller(await ml.onlineDeployments.beginDelete(rg, ws, endpointName, step.deployment), {
            what: `deleting deployment ${step.deployment}`,
            log,
            ...LRO,
          }),
        );
        deleted.push(step.deployment);
      }
    }
  } catch (e) {
    // Traffic has not moved (set-traffic is after creation and smoke): remove the new deployment and stop.
    if (created.deployment && trafficNow === plan.trafficBefore) {
      await removeFailed(s, endpointName, plan.deployment.name, log);
      created.deployment = false;
    }
    const current = await getEndpoint(s, endpointName);
    await writeSummary(deploySummary(summary(false, describeError(e), current)));
    throw e;
  }

  const current = (await getEndpoint(s, endpointName))!;
  if (inputs.promptflowConnection)
    await writeConnection(s, inputs.promptflowConnection, current.properties!.scoringUri!, await getKey(), log);
  setOutputs({
    "model-id": model.id,
    "model-version": model.version,
    endpoint: endpointName,
    deployment: plan.deployment.name,
    "scoring-uri": current.properties?.scoringUri ?? undefined,
    "swagger-uri": current.properties?.swaggerUri ?? undefined,
    "previous-deployment": plan.previous ?? "",
  });
  await writeSummary(deploySummary(summary(true, undefined, current)));
}

/**
 * The endpoint as JSON: the 2.1.1 SDK's endpoint model has no mirrorTraffic, so a GET and PUT through it
 * would silently drop mirror traffic (reference §11.3). Raw requests go through the same client pipeline.
 */
async function endpointRequest(s: Session, name: string, method: "GET" | "PUT", body?: unknown) {
  const url = `${s.cloud.resourceManager}${workspaceId(s.ref)}/onlineEndpoints/${encodeURIComponent(name)}?api-version=${API_VERSION}`;
  const res = await s.client.sendRequest(
    createPipelineRequest({
      url,
      method,
      body: body ? JSON.stringify(body) : undefined,
      headers: createHttpHeaders({ "content-type": "application/json" }),
    }),
  );
  return {
    res,
    json: res.bodyAsText
      ? (JSON.parse(res.bodyAsText) as EndpointResource & { error?: { code?: string; message?: string } })
      : undefined,
  };
}

async function getEndpoint(s: Session, name: string): Promise<EndpointResource | undefined> {
  const { res, json } = await endpointRequest(s, name, "GET");
  if (res.status === 404) return undefined;
  if (res.status >= 400)
    throw new ActionError(`Reading endpoint ${name} failed: ${res.status} ${json?.error?.message ?? ""}`);
  return json;
}

/** PUT the whole endpoint, then follow its Azure-AsyncOperation to the end (shared wait), as the SDK's poller would. */
async function putEndpoint(s: Session, name: string, body: unknown, log: Logger): Promise<void> {
  const { res, json } = await endpointRequest(s, name, "PUT", body);
  if (res.status >= 400)
    throw new ActionError(
      `Updating endpoint ${name} failed: ${res.status} ${json?.error?.code ?? ""} ${json?.error?.message ?? ""}`,
    );
  const operation = res.headers.get("azure-asyncoperation");
  if (!operation) return;
  await waitFor(
    async () => {
      const op = await s.client.sendRequest(createPipelineRequest({ url: operation, method: "GET" }));
      const status = JSON.parse(op.bodyAsText ?? "{}") as { status?: string; error?: { message?: string } };
      const state = status.status ?? "Unknown";
      const retryAfter = Number(op.headers.get("retry-after"));
      return {
        state,
        done: state === "Succeeded",
        failed: ["Failed", "Canceled"].includes(state) ? (status.error?.message ?? state) : undefined,
        retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      };
    },
    { what: `endpoint ${name}`, log, ...LRO, intervalMs: 1_000 },
  );
}

async function getOrUndefined<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

/** The model to deploy: a registered name:version, or a job output / URI registered once (found again by its source-uri tag). */
async function chooseModel(s: Session, inputs: DeployInputs, log: Logger): Promise<ModelChoice> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const what = inputs.what!;
  if ("model" in what) {
    const ref = parseModelRef(what.model)!;
    const existing = await getOrUndefined(() => s.client.modelVersions.get(rg, ws, ref.name, ref.version));
    if (!existing) throw new ActionError(`There is no registered model ${ref.name}:${ref.version} in workspace ${ws}.`);
    return { ...ref, id: modelId(s.ref, ref.name, ref.version), reused: true };
  }
  let sourceUri: string;
  let lineage: Lineage | undefined;
  if ("jobName" in what) {
    const job = await getOrUndefined(() => s.client.jobs.get(rg, ws, what.jobName));
    if (!job) throw new ActionError(`There is no job ${what.jobName} in workspace ${ws}.`);
    if (job.properties.status !== "Completed")
      throw new ActionError(
        `Job ${what.jobName} is ${job.properties.status}, not Completed: there is no trained model to deploy yet.`,
      );
    const outputs = (job.properties as { outputs?: Record<string, unknown> }).outputs ?? {};
    if (!(TRAINED_MODEL_OUTPUT in outputs))
      throw new ActionError(
        `Job ${what.jobName} has no ${TRAINED_MODEL_OUTPUT} output (outputs: ${Object.keys(outputs).join(", ") || "none"}).`,
      );
    sourceUri = jobOutputUri(what.jobName);
    lineage = lineageFromJob(job as Parameters<typeof lineageFromJob>[0]);
  } else sourceUri = what.modelUri;

  const versions: ModelVersion[] = [];
  try {
    for await (const v of s.client.modelVersions.list(rg, ws, inputs.modelName)) versions.push(v);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  const found = findRegistered(versions, sourceUri);
  if (found?.name) {
    log.info(`${sourceUri} is registered already as ${inputs.modelName}:${found.name}; reusing it.`);
    return {
      name: inputs.modelName,
      version: found.name,
      id: modelId(s.ref, inputs.modelName, found.name),
      reused: true,
      lineage,
    };
  }
  const version = nextVersion(versions.map((v) => v.name ?? ""));
  return {
    name: inputs.modelName,
    version,
    id: modelId(s.ref, inputs.modelName, version),
    reused: false,
    lineage,
    register: modelVersionBody({ modelUri: sourceUri, lineage }),
  };
}

/** Quota for everything that runs at once during the rollout (the previous deployment serves until traffic moves). */
async function checkCapacity(s: Session, plan: RolloutPlan, log: Logger): Promise<void> {
  const usages = [];
  for await (const u of s.client.usages.list(s.location)) usages.push(u);
  const sizes = (await s.client.virtualMachineSizes.list(s.location)).value ?? [];
  const q = checkQuota({
    adding: plan.duringRollout.adding,
    running: plan.duringRollout.running,
    usages,
    vmSizes: sizes.map((v) => ({ name: v.name!, family: v.family!, vCPUs: v.vCPUs ?? 0, gpus: v.gpus ?? 0 })),
    location: s.location,
  });
  if (!q.ok) throw new ActionError(q.message);
  log.info(q.message);
}

async function createDeployment(
  s: Session,
  endpoint: string,
  name: string,
  body: OnlineDeployment,
  timeoutSeconds: number,
  log: Logger,
): Promise<void> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  log.info(`Creating deployment ${name} on ${endpoint} at 0 % traffic (${body.properties.instanceType}).`);
  try {
    await followPoller(await s.client.onlineDeployments.beginCreateOrUpdate(rg, ws, endpoint, name, body), {
      what: `deployment ${name}`,
      log,
      ...LRO,
      timeoutMs: timeoutSeconds * 1000,
      intervalMs: Math.min(LRO.intervalMs, timeoutSeconds * 250),
    });
  } catch (e) {
    await printLogs(s, endpoint, name, log);
    const stuck =
      e instanceof WaitTimeoutError
        ? ` within provisioning-timeout (${formatDuration(timeoutSeconds * 1000)}); it was still provisioning`
        : "";
    throw new ActionError(`Deployment ${name} did not provision${stuck}: ${describeError(e)}`, undefined, { cause: e });
  }
}

async function printLogs(s: Session, endpoint: string, name: string, log: Logger): Promise<void> {
  try {
    const logs = await s.client.onlineDeployments.getLogs(s.ref.resourceGroup, s.ref.workspace, endpoint, name, {
      containerType: "InferenceServer",
      tail: 50,
    });
    await log.group(`Last lines of deployment ${name}'s container log`, async () =>
      log.info(`\n${logs.content ?? "(empty)"}`),
    );
  } catch (e) {
    log.warning(`Could not read deployment ${name}'s logs: ${describeError(e)}`);
  }
}

async function removeFailed(s: Session, endpoint: string, name: string, log: Logger): Promise<void> {
  try {
    log.info(`Removing the failed deployment ${name}; the traffic stays as it was.`);
    await followPoller(
      await s.client.onlineDeployments.beginDelete(s.ref.resourceGroup, s.ref.workspace, endpoint, name),
      { what: `deleting deployment ${name}`, log, ...LRO },
    );
  } catch (e) {
    log.warning(`Could not remove deployment ${name}: ${describeError(e)}`);
  }
}

/**
 * A Prompt flow "custom keys" connection holding the endpoint (a setting) and its key (a secret), as the
 * walkthrough sets it up by hand. Sent as raw JSON: the 2.1.1 SDK's models predate CustomKeys and would
 * drop the credentials.
 */
export const CONNECTION_FIELDS = { endpoint: "endpoint", key: "key" } as const;

async function writeConnection(s: Session, name: string, endpoint: string, key: string, log: Logger): Promise<void> {
  const body = {
    properties: {
      authType: "CustomKeys",
      category: "CustomKeys",
      target: endpoint,
      isSharedToAll: false,
      // Prompt flow reads a custom connection's metadata as `configs` and its keys as `secrets`.
      credentials: { keys: { [CONNECTION_FIELDS.key]: key } },
      metadata: {
        [CONNECTION_FIELDS.endpoint]: endpoint,
        "azureml.flow.connection_type": "Custom",
        "azureml.flow.module": "promptflow.connections",
      },
    },
  };
  const url = `${s.cloud.resourceManager}${workspaceId(s.ref)}/connections/${encodeURIComponent(name)}?api-version=${API_VERSION}`;
  const res = await s.client.sendRequest(
    createPipelineRequest({
      url,
      method: "PUT",
      body: JSON.stringify(body),
      headers: createHttpHeaders({ "content-type": "application/json" }),
    }),
  );
  if (res.status >= 400)
    throw new ActionError(
      `Could not write the Prompt flow connection ${name}: ${res.status} ${(res.bodyAsText ?? "").slice(0, 300)}`,
    );
  log.info(`Prompt flow connection ${name} holds the endpoint and its key (as a secret).`);
}
