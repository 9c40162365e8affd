import { userAgent } from "@phi3-aml/shared/action";
import { connect, type Session } from "@phi3-aml/shared/azureml/session";
import { studioLinks } from "@phi3-aml/shared/azureml/studio";
import { ActionError, describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { mask, setOutputs, writeSummary } from "@phi3-aml/shared/report";
import { thisRepository } from "@phi3-aml/shared/ownership";
import { expiresAt } from "@phi3-aml/shared/tags";
import { createDeployment, deleteDeployment, getEndpoint, listDeployments, putEndpoint } from "./azure-calls.js";
import { connectionTarget, describeTarget, writeConnection, type ConnectionTarget } from "./connection.js";
import { deploymentBody, settingsHash, type DeploymentBody } from "./deployment-body.js";
import { newEndpointBody, withTraffic, type EndpointResource, type Traffic } from "./endpoint-body.js";
import { describeIdentity, sameIdentity } from "./identity.js";
import type { DeployInputs } from "./inputs.js";
import { chooseModel, type ModelChoice } from "./model-choice.js";
import { defaultEndpointName } from "./names.js";
import { planRollout, type DeploymentResource, type RolloutPlan, type Step } from "./plan.js";
import { rolloutQuota } from "./quota.js";
import { chooseInstanceType, readRegion, type SizeDecision } from "./sizing.js";
import { smokeTest } from "./smoke.js";
import { authModeProblem } from "./auth-mode.js";
import { armCancel, type Cancel } from "./cancel.js";
import { markFinished, rememberDeployment, rememberEndpoint } from "./saved-state.js";
import type { Created } from "./cleanup.js";
import { afterFailure, type AfterFailure } from "./rollback.js";
import { gateError, runGate, type GateOutcome } from "./gate.js";
import { deploySummary, type DeploySummaryInput } from "./summary.js";
import type { Region } from "./instance-type.js";

/** Where the connection keeps the endpoint and key (read by promptflow/; see test/promptflow.test.ts). */
export { CONNECTION_FIELDS } from "./connection.js";

/**
 * Register the model and roll it out blue/green: everything is checked first (the job, the model, names, the
 * VM size, quota for both deployments at once, the connection's workspace); then the new deployment is created
 * at 0 %, smoke-tested alone, given its traffic in one full PUT of the endpoint, and the previous one deleted.
 * A failure before the traffic moves leaves the traffic as it was and removes the new deployment, with its
 * container logs; on a first deploy it removes the endpoint this run created.
 */
export async function run(inputs: DeployInputs, log: Logger): Promise<void> {
  const s = await connect(inputs.azure, userAgent("deploy"), log);

  // Preflight: nothing is created before every check has passed.
  const decided = await preflight(s, inputs, log);

  // Apply: register the model, then the plan's steps, in order; a cancel stops before the next write (cancel.ts).
  const rollout = new Rollout(s, inputs, decided, log);
  rollout.cancel = armCancel(s, () => rollout.createdSoFar(), log);
  try {
    await rollout.registerModel();
    for (const step of decided.plan.steps) await rollout.apply(step);
  } catch (e) {
    // Cancelled: the signal handler removes what serves nobody, and the post step makes sure.
    if (rollout.cancel.cancelled) throw e;
    // Undo what this run made that serves nobody, then say what is there now (rollback.ts).
    await rollout.rollBack();
    await rollout.report(false, describeError(e));
    throw rollout.failure(e);
  }

  // Done: outputs, the connection (traffic has moved: a failure there does not undo the rollout), summary.
  await rollout.finish();
}

/** Everything decided before the first write. */
interface Decided {
  model: ModelChoice;
  endpointName: string;
  size: SizeDecision;
  body: DeploymentBody;
  plan: RolloutPlan;
  connection?: ConnectionTarget;
  region: Region;
}

/**
 * Reads what is there and decides the whole rollout: model, endpoint and its deployments, VM size, plan,
 * quota, identity, and the connection's workspace. Every problem found is reported at once, before any write.
 */
async function preflight(s: Session, inputs: DeployInputs, log: Logger): Promise<Decided> {
  const model = await chooseModel(s, inputs, log);
  const endpointName = inputs.endpoint ?? defaultEndpointName(process.env.GITHUB_REPOSITORY);
  const endpoint = await getEndpoint(s, endpointName);
  const deployments = endpoint ? await listDeployments(s, endpointName) : [];
  const region = await readRegion(s);
  const size = await chooseInstanceType(s, { inputs, model, region, deployments }, log);
  const body = newDeploymentBody(s, inputs, model, size.size ?? "");
  const plan = planFor(inputs, { endpointName, endpoint, deployments, model, body });

  for (const note of plan.notes) log.info(note);
  if (size.why) log.info(size.why);
  const problems = [size.problem, ...plan.problems, identityProblem(inputs, endpointName, endpoint)];
  const keyNeeds = { smoke: Boolean(inputs.smokePrompt), connection: Boolean(inputs.promptflowConnection) };
  problems.push(authModeProblem(endpointName, endpoint, keyNeeds));
  if (!size.problem) problems.push(capacityProblem(s, plan, region, log));
  const connection = await connectionFor(s, inputs, problems);
  const found = problems.filter((p): p is string => Boolean(p));
  if (found.length) throw new ActionError(`The rollout cannot start:\n  - ${found.join("\n  - ")}`);
  return { model, endpointName, size, body, plan, connection, region };
}

function newDeploymentBody(s: Session, inputs: DeployInputs, model: ModelChoice, instanceType: string) {
  return deploymentBody({
    location: s.location,
    modelId: model.id,
    instanceType,
    instanceCount: inputs.instanceCount,
    requestTimeoutMs: inputs.requestTimeoutMs,
    maxConcurrentRequests: inputs.maxConcurrentRequests,
    livenessProbe: inputs.livenessProbe,
    readinessProbe: inputs.readinessProbe,
    startupProbe: inputs.startupProbe,
    environmentVariables: inputs.environmentVariables,
  });
}

function planFor(
  inputs: DeployInputs,
  o: {
    endpointName: string;
    endpoint?: EndpointResource;
    deployments: DeploymentResource[];
    model: ModelChoice;
    body: DeploymentBody;
  },
): RolloutPlan {
  return planRollout({
    endpointName: o.endpointName,
    endpoint: o.endpoint,
    deployments: o.deployments,
    model: { name: o.model.name, version: o.model.version, id: o.model.id },
    deployment: inputs.deployment,
    settings: settingsHash(o.body),
    instanceType: o.body.properties.instanceType,
    instanceCount: inputs.instanceCount,
    traffic: inputs.traffic,
    keepPrevious: inputs.keepPrevious,
    smoke: Boolean(inputs.smokePrompt),
    repository: thisRepository(),
    gate: inputs.gate.mode !== "off",
  });
}

/** An endpoint's identity is set when it is created: an existing one running as another is refused. */
function identityProblem(inputs: DeployInputs, name: string, endpoint?: EndpointResource): string | undefined {
  if (!endpoint || !inputs.identity || sameIdentity(inputs.identity, endpoint.identity)) return undefined;
  const has = endpoint.identity?.type ?? "no identity";
  return (
    `identity: endpoint ${name} already exists and runs as ${has}${endpoint.identity?.userAssignedIdentities ? ` (${Object.keys(endpoint.identity.userAssignedIdentities).join(", ")})` : ""}, not as ${describeIdentity(inputs.identity)}. ` +
    "An endpoint's identity is chosen when it is created: leave identity empty to keep it, or deploy to a new endpoint."
  );
}

/** Quota for everything that runs at once during the rollout (the previous deployment serves until traffic moves). */
function capacityProblem(s: Session, plan: RolloutPlan, region: Region, log: Logger): string | undefined {
  const q = rolloutQuota({
    adding: plan.duringRollout.adding,
    running: plan.duringRollout.running,
    usages: region.usages,
    vmSizes: region.sizes,
    location: s.location,
    subscriptionId: s.ref.subscriptionId,
  });
  if (!q.ok) return q.message;
  log.info(q.message);
  return undefined;
}

/** The connection's workspace, when a connection is asked for; a workspace that does not exist is a problem. */
async function connectionFor(
  s: Session,
  inputs: DeployInputs,
  problems: Array<string | undefined>,
): Promise<ConnectionTarget | undefined> {
  if (!inputs.promptflowConnection) return undefined;
  const target = await connectionTarget(
    s,
    inputs.promptflowConnection,
    inputs.promptflowWorkspace,
    inputs.promptflowShared,
  );
  if (typeof target === "string") {
    problems.push(target);
    return undefined;
  }
  return target;
}

/** The rollout as it runs: what it has done so far, so that a failure can be undone and reported. */
class Rollout {
  private readonly timings: Array<{ step: string; ms: number }> = [];
  private readonly created = { endpoint: false, deployment: false };
  private readonly deleted: string[] = [];
  private readonly deleteErrors: Record<string, string> = {};
  private endpointRemoved = false;
  private deploymentRemoved = false;
  private movingTraffic = false;
  private after?: AfterFailure;
  cancel: Cancel = { check: () => undefined, cancelled: false, signal: new AbortController().signal };
  private trafficNow: Traffic;
  private smoke: DeploySummaryInput["smoke"];
  private gated?: GateOutcome;
  private key?: string;

  constructor(
    private readonly s: Session,
    private readonly inputs: DeployInputs,
    private readonly d: Decided,
    private readonly log: Logger,
  ) {
    this.trafficNow = d.plan.trafficBefore;
  }

  async registerModel(): Promise<void> {
    const { model } = this.d;
    if (!model.register) return;
    this.cancel.check();
    this.log.info(`Registering model ${model.name}:${model.version}.`);
    const { resourceGroup: rg, workspace: ws } = this.s.ref;
    await this.timed("register model", () =>
      this.s.client.modelVersions.createOrUpdate(rg, ws, model.name, model.version, model.register!),
    );
    this.log.info(`Registered model ${model.name}:${model.version}.`);
  }

  /** One step of the plan. */
  async apply(step: Step): Promise<void> {
    this.cancel.check();
    if (step.kind === "create-endpoint") await this.createEndpoint();
    else if (step.kind === "create-deployment") await this.createDeployment(step.deployment);
    else if (step.kind === "smoke") await this.smokeTest(step.deployment);
    else if (step.kind === "gate") await this.gate(step.deployment, step.baseline);
    else if (step.kind === "set-traffic") await this.setTraffic(step.traffic);
    else await this.deletePrevious(step.deployment);
  }

  private async createEndpoint(): Promise<void> {
    const body = newEndpointBody({
      location: this.s.location,
      ttlHours: this.inputs.ttlHours,
      identity: this.inputs.identity,
    });
    // Marked before the call: an endpoint whose creation fails half-way exists, and must be removed.
    this.created.endpoint = true;
    rememberEndpoint(this.d.endpointName);
    this.log.info(`Creating endpoint ${this.d.endpointName}.`);
    await this.timed("create endpoint", () => putEndpoint(this.s, this.d.endpointName, body, this.log));
    this.log.info(
      `Endpoint ${this.d.endpointName} created; it runs as ${describeIdentity(this.inputs.identity ?? { kind: "system" })}.`,
    );
  }

  private async createDeployment(name: string): Promise<void> {
    // Marked before the call: a deployment that fails to provision exists, and must be removed.
    this.created.deployment = true;
    rememberDeployment(this.d.endpointName, name);
    const timeout = this.inputs.provisioningTimeoutSeconds;
    await this.timed("create deployment", () =>
      createDeployment(this.s, this.d.endpointName, name, this.d.body, timeout, this.log),
    );
  }

  private async smokeTest(deployment: string): Promise<void> {
    const scoringUri = (await getEndpoint(this.s, this.d.endpointName))!.properties!.scoringUri!;
    const key = await this.getKey();
    const prompt = this.inputs.smokePrompt!;
    this.log.info(`Sending the smoke prompt to deployment ${deployment} alone.`);
    this.smoke = await this.timed("smoke prompt", () =>
      smokeTest({ scoringUri, key, deployment, prompt, log: this.log }),
    );
    if (this.smoke.error)
      throw new ActionError(`The smoke prompt to deployment ${deployment} failed: ${this.smoke.error}`);
  }

  /** The evaluation gate (gate.ts): a blocking result fails the rollout before traffic moves. */
  private async gate(deployment: string, baseline?: string): Promise<void> {
    const scoringUri = (await getEndpoint(this.s, this.d.endpointName))!.properties!.scoringUri!;
    const candidate = { name: deployment, concurrency: this.inputs.maxConcurrentRequests * this.inputs.instanceCount };
    const o = { s: this.s, gate: this.inputs.gate, endpoint: this.d.endpointName, candidate, baseline, log: this.log };
    const key = await this.getKey();
    this.gated = await this.timed("evaluation gate", () =>
      runGate({ ...o, scoringUri, key, signal: this.cancel.signal }),
    );
    if (this.gated.blocks) throw gateError(deployment, this.gated);
  }

  /**
   * Traffic changes only through a full PUT of the endpoint, built from what it is now; ours gets its run,
   * commit and expiry refreshed; deployments about to go lose any mirror share.
   */
  private async setTraffic(traffic: Traffic): Promise<void> {
    const name = this.d.endpointName;
    const current = (await getEndpoint(this.s, name))!;
    const body = withTraffic(current, traffic, {
      retag: { ttlHours: this.inputs.ttlHours },
      dropMirrorFor: this.d.plan.deleteAfter,
    });
    this.log.info(`Moving the traffic of ${name}.`);
    this.movingTraffic = true;
    await this.timed("move traffic", () => putEndpoint(this.s, name, body, this.log));
    this.movingTraffic = false;
    this.trafficNow = traffic;
    const shares = Object.entries(traffic).map(([d, p]) => `${d} ${p}%`);
    this.log.info(`Traffic of ${name}: ${shares.join(", ")}.`);
  }

  private async deletePrevious(deployment: string): Promise<void> {
    try {
      await this.timed(`delete ${deployment}`, () =>
        deleteDeployment(this.s, this.d.endpointName, deployment, this.log),
      );
    } catch (e) {
      this.deleteErrors[deployment] = describeError(e);
      throw e;
    }
    this.deleted.push(deployment);
  }

  /** What this run has created so far (or is creating): what a cancel or a failure must look after. */
  createdSoFar(): Created | undefined {
    if (!this.created.endpoint && !this.created.deployment) return undefined;
    const deployment = this.created.deployment ? this.d.plan.deployment.name : undefined;
    return {
      endpoint: this.d.endpointName,
      createdEndpoint: this.created.endpoint,
      deployment,
      trafficInFlight: this.movingTraffic && this.cancel.cancelled,
    };
  }

  /**
   * After a failure (rollback.ts): what this run created and serves nobody goes, judged from the endpoint's
   * real traffic; then the world is read again for the summary and outputs.
   */
  async rollBack(): Promise<void> {
    const notDeleted = this.d.plan.deleteAfter.filter((d) => !this.deleted.includes(d));
    const facts = { endpoint: this.d.endpointName, created: this.createdSoFar(), notDeleted };
    this.after = await afterFailure(this.s, { ...facts, deleteErrors: this.deleteErrors }, this.log);
    if (this.after.endpointGone && this.created.endpoint) this.endpointRemoved = true;
    if (this.after.cleanup?.removed.includes(this.d.plan.deployment.name)) this.deploymentRemoved = true;
    if (this.after.traffic) this.trafficNow = this.after.traffic;
    for (const l of this.after.leftBehind)
      this.log.warning(`Left behind: ${l.what}: ${l.why}. Remove it with: ${l.command}`);
    // Nothing left behind: the post step has nothing to do. Otherwise it tries the removal again.
    if (!this.after.leftBehind.length) markFinished();
  }

  /** The error the step fails with: the first failure, and any clean-up failure after it (true facts both). */
  failure(e: unknown): unknown {
    const errors = this.after?.errors ?? [];
    if (!errors.length) return e;
    return new ActionError(`${describeError(e)} Then cleaning up failed: ${errors.join("; ")}`, undefined, {
      cause: e,
    });
  }

  /**
   * The outputs, the connection and the summary of a rollout that went through. A connection that cannot be
   * written fails the step, but the rollout stands: outputs and summary say what now serves.
   */
  async finish(): Promise<void> {
    const current = (await getEndpoint(this.s, this.d.endpointName))!;
    setOutputs({
      "model-id": this.d.model.id,
      "model-version": this.d.model.version,
      endpoint: this.d.endpointName,
      deployment: this.d.plan.deployment.name,
      "scoring-uri": current.properties?.scoringUri ?? undefined,
      "swagger-uri": current.properties?.swaggerUri ?? undefined,
      "previous-deployment": this.d.plan.previous ?? "",
      traffic: JSON.stringify(current.properties?.traffic ?? {}),
      "left-behind": "[]",
    });
    markFinished();
    const failed = await this.writeConnection(current).catch((e: unknown) => e);
    const summary = this.summary(true, undefined, current);
    if (failed) summary.notes = [...(summary.notes ?? []), `The rollout went through, but: ${describeError(failed)}`];
    await writeSummary(deploySummary(summary));
    if (failed) throw failed;
  }

  private async writeConnection(current: EndpointResource): Promise<undefined> {
    const target = this.d.connection;
    if (target) await writeConnection(this.s, target, current.properties.scoringUri!, await this.getKey(), this.log);
    return undefined;
  }

  /** The summary and outputs of a failed rollout, from the world as read after the rollback. */
  async report(ok: boolean, failure?: string): Promise<void> {
    const current = this.endpointRemoved
      ? undefined
      : await getEndpoint(this.s, this.d.endpointName).catch(() => undefined);
    const leftBehind = this.after?.leftBehind ?? [];
    const exists = !this.endpointRemoved && !this.deploymentRemoved && this.created.deployment;
    setOutputs({
      "model-id": this.d.model.id,
      "model-version": this.d.model.version,
      endpoint: current ? this.d.endpointName : undefined,
      deployment: exists || !this.d.plan.deployment.create ? this.d.plan.deployment.name : undefined,
      "scoring-uri": current?.properties?.scoringUri ?? undefined,
      "previous-deployment": this.d.plan.previous ?? "",
      traffic: this.after?.traffic ? JSON.stringify(this.after.traffic) : undefined,
      "left-behind": JSON.stringify(leftBehind.map((l) => ({ what: l.what, command: l.command }))),
    });
    await writeSummary(deploySummary(this.summary(ok, failure, current)));
  }

  private async getKey(): Promise<string> {
    if (!this.key) {
      const name = this.d.endpointName;
      const keys = await this.s.client.onlineEndpoints.listKeys(this.s.ref.resourceGroup, this.s.ref.workspace, name);
      const key = keys.primaryKey ?? keys.secondaryKey;
      if (!key) throw new ActionError(`Endpoint ${name} gave no key.`);
      mask(key);
      this.key = key;
    }
    return this.key;
  }

  private async timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      this.timings.push({ step, ms: Date.now() - t0 });
    }
  }

  private summary(ok: boolean, failure?: string, current?: EndpointResource): DeploySummaryInput {
    const { model, plan, endpointName } = this.d;
    const links = studioLinks(this.s.cloud, this.s.ref);
    return {
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
        created: this.created.endpoint,
        removed: this.endpointRemoved,
        managed: plan.endpoint.managed,
        identity: current?.identity?.type ?? undefined,
        scoringUri: current?.properties?.scoringUri ?? undefined,
        swaggerUri: current?.properties?.swaggerUri ?? undefined,
        expiresAt: expiresAt(current?.tags ?? undefined),
        url: links.endpoint(endpointName),
      },
      deployment: {
        name: plan.deployment.name,
        created: this.created.deployment,
        removed: this.deploymentRemoved || this.endpointRemoved,
        instanceType: this.d.body.properties.instanceType,
        instanceCount: this.inputs.instanceCount,
        why: this.d.size.why,
      },
      previous: plan.previous,
      trafficBefore: plan.trafficBefore,
      trafficAfter: this.trafficNow,
      deleted: this.deleted,
      kept: plan.kept,
      running: ok ? plan.afterRollout : (this.after?.running ?? plan.duringRollout.running),
      leftBehind: this.after?.leftBehind,
      prices: this.d.region.prices,
      timings: this.timings,
      smoke: this.smoke,
      gate: this.gated?.markdown,
      promptflowConnection: this.d.connection
        ? `${this.d.connection.name} in ${describeTarget(this.d.connection)}${this.d.connection.shared ? ", shared with its users" : ""}`
        : undefined,
      notes: plan.notes,
    };
  }
}
