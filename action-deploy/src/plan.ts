import { checkName, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";
import { isOurs, notOurs, ownership } from "@phi3-aml/shared/ownership";
import { SETTINGS_TAG } from "./deployment-body.js";
import type { EndpointResource, Traffic } from "./endpoint-body.js";
import { deploymentNameFor, freeName } from "./names.js";

/** Azure's limit of deployments per endpoint (Azure ML resource limits; an exception can be requested). */
export const MAX_DEPLOYMENTS_PER_ENDPOINT = 20;

/** A deployment of the endpoint as GET .../deployments answers it, as far as the plan needs it. */
export interface DeploymentResource {
  name: string;
  tags?: Record<string, string> | null;
  sku?: { capacity?: number } | null;
  properties?: { model?: string | null; instanceType?: string | null; provisioningState?: string } | null;
}

export interface PlanInput {
  endpointName: string;
  /** The endpoint as GET answered, or undefined when it does not exist yet. */
  endpoint?: EndpointResource;
  /** The endpoint's deployments (empty when the endpoint does not exist). */
  deployments: readonly DeploymentResource[];
  /** Model version to deploy: name, version and ARM id. */
  model: { name: string; version: string; id: string };
  /** The `deployment` input; undefined = derive from the model version. */
  deployment?: string;
  /** Fingerprint of the new deployment's settings (settingsHash of its body): equal means reusable. */
  settings: string;
  instanceType: string;
  instanceCount: number;
  /** Share of live traffic for the new deployment, 0-100. */
  traffic: number;
  keepPrevious: boolean;
  /** A smoke prompt will be sent to the new deployment before traffic moves. */
  smoke: boolean;
  /** GITHUB_REPOSITORY: whose resources are ours (shared/src/ownership.ts). */
  repository?: string;
  /** The evaluation gate runs after the smoke prompt, before traffic moves (gate.ts). */
  gate?: boolean;
}

export type Step =
  | { kind: "create-endpoint"; endpoint: string }
  | { kind: "create-deployment"; deployment: string }
  | { kind: "smoke"; deployment: string }
  /** Evaluate the new deployment against the one serving the most traffic (none on a first deploy). */
  | { kind: "gate"; deployment: string; baseline?: string }
  | { kind: "set-traffic"; traffic: Traffic }
  | { kind: "delete-deployment"; deployment: string };

/** A deployment that runs during or after the rollout: what quota and cost are counted from. */
export interface Running {
  name: string;
  instanceType: string;
  instanceCount: number;
}

export interface RolloutPlan {
  endpoint: { name: string; exists: boolean; managed: boolean };
  /** The new deployment: created, or reused when an identical one of ours already runs. */
  deployment: { name: string; create: boolean };
  /** The deployment that served the most live traffic before (the `previous-deployment` output). */
  previous?: string;
  trafficBefore: Traffic;
  trafficAfter: Traffic;
  /** Our previous deployments that end with no traffic and are deleted after traffic moved. */
  deleteAfter: string[];
  /** Previous deployments left running, each with the reason. */
  kept: Array<{ name: string; reason: string }>;
  /** In order. Creating at 0 % → smoke → one full PUT of the endpoint with the new traffic → deletions. */
  steps: Step[];
  /** What to do when provisioning or the smoke fails: traffic is never touched, the new deployment goes. */
  onFailure: Step[];
  /**
   * Everything that runs at once during the rollout, which quota must hold: the deployment being added
   * (none when reused) and every deployment already there, the previous one included — it serves until
   * traffic has moved.
   */
  duringRollout: { adding?: Running; running: Running[] };
  /** What runs once the rollout is done (the cost of it). */
  afterRollout: Running[];
  notes: string[];
  /** Reasons the rollout must not start; empty when it may. */
  problems: string[];
}

/**
 * The blue/green rollout, decided before anything is created:
 * 1. create the endpoint when missing (ours, key auth, no traffic);
 * 2. create the new deployment, which takes no live traffic until the endpoint says so;
 * 3. send the smoke prompt to it alone (header azureml-model-deployment);
 * 4. set the traffic with one full PUT of the endpoint: the new deployment gets `traffic` %, the other
 *    deployments share the rest in proportion to what they had (so 100 leaves them 0);
 * 5. delete our previous deployments that now have 0 %, unless `keep-previous`.
 * Live users are served throughout: until step 4 by the deployments that served them, from step 4 on by the
 * new mix, and nothing that serves is deleted. An endpoint without our managed-by tag is used like ours,
 * but never deleted or re-tagged, and deployments that are not ours are never deleted.
 */
export function planRollout(i: PlanInput): RolloutPlan {
  const problems = numberProblems(i);
  const notes: string[] = [];

  // The endpoint: created when missing; one without our tag is used, never re-tagged or deleted.
  const endpoint = endpointOf(i, problems, notes);

  // The new deployment: the name asked for or derived, or an identical one of ours reused.
  const { name, create } = newDeployment(i, problems, notes);

  // Live traffic before and after, and who served the most before (the previous deployment).
  const traffic = trafficOf(i, name, problems, notes);

  // What becomes of the others once traffic has moved: deleted when ours and idle, else kept with the reason.
  const { deleteAfter, kept } = previousDeployments(i, name, traffic.after);
  problems.push(...foreignTraffic(i, traffic.before, traffic.after));

  const steps = stepsOf(i, { name, create, exists: endpoint.exists, ...traffic, deleteAfter });
  return {
    endpoint,
    deployment: { name, create },
    previous: traffic.previous,
    trafficBefore: traffic.before,
    trafficAfter: traffic.after,
    deleteAfter,
    kept,
    steps,
    onFailure: create ? [{ kind: "delete-deployment", deployment: name }] : [],
    ...capacityOf(i, name, create, deleteAfter),
    notes,
    problems,
  };
}

function numberProblems(i: PlanInput): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(i.instanceCount) || i.instanceCount < 1)
    problems.push(`instance-count must be a whole number of at least 1; got ${i.instanceCount}.`);
  if (!Number.isInteger(i.traffic) || i.traffic < 0 || i.traffic > 100)
    problems.push(`traffic must be a whole percentage from 0 to 100; got ${i.traffic}.`);
  return problems;
}

function endpointOf(i: PlanInput, problems: string[], notes: string[]): RolloutPlan["endpoint"] {
  const badEndpoint = checkName(ONLINE_ENDPOINT, i.endpointName);
  if (badEndpoint) problems.push(badEndpoint);
  const exists = i.endpoint !== undefined;
  const owner = exists ? ownership(i.endpoint?.tags, i.repository) : ({ kind: "ours" } as const);
  if (owner.kind === "foreign") {
    problems.push(
      `Endpoint ${i.endpointName} belongs to repository ${owner.owner} (its repository tag), not ${i.repository || "this one"}: ` +
        "a deploy never takes over, re-tags or moves the traffic of another repository's endpoint. Give another endpoint name.",
    );
  } else if (owner.kind === "unclaimed") {
    notes.push(
      `Endpoint ${i.endpointName} is not ours (${owner.why}): it is used as it is, never re-tagged or deleted, and only deployments of ours on it are ever removed.`,
    );
  }
  return { name: i.endpointName, exists, managed: owner.kind === "ours" };
}

/**
 * The new deployment's name: the one asked for, else v<version>; an identical deployment of ours (same
 * settings fingerprint, provisioned) is reused, any other owner of the name means another name.
 */
function newDeployment(i: PlanInput, problems: string[], notes: string[]): { name: string; create: boolean } {
  const byName = new Map(i.deployments.map((d) => [d.name.toLowerCase(), d]));
  const reusable = (d: DeploymentResource | undefined) =>
    !!d &&
    d.tags?.[SETTINGS_TAG] === i.settings &&
    isOurs(d.tags, i.repository) &&
    d.properties?.provisioningState === "Succeeded";
  const chosen =
    i.deployment !== undefined
      ? namedDeployment(i, i.deployment, byName, reusable, problems)
      : derivedDeployment(i, byName, reusable, notes);
  if (!chosen.create)
    notes.push(
      `Deployment ${chosen.name} already runs ${i.model.name}:${i.model.version} with these settings; it is reused, not created again.`,
    );
  if (chosen.create && i.deployments.length >= MAX_DEPLOYMENTS_PER_ENDPOINT) {
    problems.push(
      `Endpoint ${i.endpointName} already has ${i.deployments.length} deployments, Azure's limit per endpoint (${MAX_DEPLOYMENTS_PER_ENDPOINT}); delete some first.`,
    );
  }
  return chosen;
}

type Reusable = (d: DeploymentResource | undefined) => boolean;

function namedDeployment(
  i: PlanInput,
  name: string,
  byName: Map<string, DeploymentResource>,
  reusable: Reusable,
  problems: string[],
): { name: string; create: boolean } {
  const bad = checkName(ONLINE_DEPLOYMENT, name);
  if (bad) problems.push(bad);
  const same = byName.get(name.toLowerCase());
  if (same && reusable(same)) return { name, create: false };
  if (same) {
    problems.push(
      `Deployment ${name} already exists on endpoint ${i.endpointName} (${describe(same)}) and is not this model with these settings; ` +
        "a rollout never changes a deployment in place. Give another `deployment` name, or leave it empty to derive one.",
    );
  }
  return { name, create: true };
}

function derivedDeployment(
  i: PlanInput,
  byName: Map<string, DeploymentResource>,
  reusable: Reusable,
  notes: string[],
): { name: string; create: boolean } {
  const base = deploymentNameFor(i.model.version);
  const same = byName.get(base.toLowerCase());
  if (same && reusable(same)) return { name: same.name, create: false };
  // Of the suffixed names already there, one may be the identical deployment of an earlier run.
  const twin = i.deployments.find(
    (d) => d.name.toLowerCase().startsWith(`${base.toLowerCase()}-`) && /-\d+$/.test(d.name) && reusable(d),
  );
  const name = twin?.name ?? freeName(base, byName.keys());
  const create = !twin;
  if (same && create)
    notes.push(
      `Deployment ${base} exists with another model or other settings (${describe(same)}); the new deployment is named ${name}.`,
    );
  return { name, create };
}

/** Traffic before (every deployment, 0 where the endpoint does not name it), after, and the previous deployment. */
function trafficOf(
  i: PlanInput,
  name: string,
  problems: string[],
  notes: string[],
): { before: Traffic; after: Traffic; previous?: string } {
  const byName = new Map(i.deployments.map((d) => [d.name.toLowerCase(), d]));
  const before: Traffic = {};
  for (const d of i.deployments) before[d.name] = 0;
  for (const [d, v] of Object.entries(i.endpoint?.properties.traffic ?? {}))
    if (byName.has(d.toLowerCase())) before[byName.get(d.toLowerCase())!.name] = v;
  const share = Number.isInteger(i.traffic) ? Math.min(100, Math.max(0, i.traffic)) : 0;
  const others = i.deployments.map((d) => d.name).filter((d) => d !== name);
  const { traffic: after, note } = distribute(before, name, others, share);
  if (note) notes.push(note);
  if (sum(before) > 0 && sum(after) === 0) {
    problems.push(
      `traffic 0 would leave the live users of endpoint ${i.endpointName} with no deployment: ${name} is the only one that serves them. Deploy with traffic above 0, or add another deployment first.`,
    );
  }
  const previous = Object.entries(before)
    .filter(([d, v]) => d !== name && v > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
  return { before, after, previous };
}

function previousDeployments(
  i: PlanInput,
  name: string,
  after: Traffic,
): { deleteAfter: string[]; kept: RolloutPlan["kept"] } {
  const deleteAfter: string[] = [];
  const kept: RolloutPlan["kept"] = [];
  for (const d of i.deployments.filter((x) => x.name !== name)) {
    if ((after[d.name] ?? 0) > 0) kept.push({ name: d.name, reason: `still serves ${after[d.name]}% of live traffic` });
    else if (i.keepPrevious) kept.push({ name: d.name, reason: "keep-previous is set" });
    else if (!isOurs(d.tags, i.repository))
      kept.push({ name: d.name, reason: `${notOurs(d.tags, i.repository)}, so never deleted` });
    else if (BUSY.has(d.properties?.provisioningState ?? ""))
      kept.push({
        name: d.name,
        reason: `it is ${d.properties?.provisioningState} (another run may be working on it)`,
      });
    else deleteAfter.push(d.name);
  }
  return { deleteAfter, kept };
}

/** A deployment of another repository never has its traffic changed: such a rollout is refused. */
function foreignTraffic(i: PlanInput, before: Traffic, after: Traffic): string[] {
  const problems: string[] = [];
  for (const d of i.deployments) {
    const o = ownership(d.tags, i.repository);
    if (o.kind === "foreign" && (before[d.name] ?? 0) !== (after[d.name] ?? 0))
      problems.push(
        `Deployment ${d.name} on endpoint ${i.endpointName} belongs to repository ${o.owner} and serves ${before[d.name] ?? 0}%: ` +
          `this rollout would change it to ${after[d.name] ?? 0}%, and a deploy never changes another repository's traffic. Deploy with traffic 0, or to another endpoint.`,
      );
  }
  return problems;
}

function stepsOf(
  i: PlanInput,
  o: {
    name: string;
    create: boolean;
    exists: boolean;
    before: Traffic;
    after: Traffic;
    deleteAfter: string[];
    previous?: string;
  },
): Step[] {
  const steps: Step[] = [];
  if (!o.exists) steps.push({ kind: "create-endpoint", endpoint: i.endpointName });
  if (o.create) steps.push({ kind: "create-deployment", deployment: o.name });
  if (i.smoke) steps.push({ kind: "smoke", deployment: o.name });
  if (i.gate)
    steps.push({ kind: "gate", deployment: o.name, baseline: o.previous === o.name ? undefined : o.previous });
  if (!sameTraffic(o.before, o.after, o.name)) steps.push({ kind: "set-traffic", traffic: o.after });
  for (const d of o.deleteAfter) steps.push({ kind: "delete-deployment", deployment: d });
  return steps;
}

/** What runs during the rollout (quota) and after it (cost). */
function capacityOf(
  i: PlanInput,
  name: string,
  create: boolean,
  deleteAfter: readonly string[],
): Pick<RolloutPlan, "duringRollout" | "afterRollout"> {
  const running = (d: DeploymentResource): Running => ({
    name: d.name,
    instanceType: d.properties?.instanceType ?? "unknown",
    instanceCount: d.sku?.capacity ?? 1,
  });
  const fresh: Running = { name, instanceType: i.instanceType, instanceCount: i.instanceCount };
  const existing = i.deployments.filter((d) => d.name !== name).map(running);
  const reused = i.deployments.find((d) => d.name === name);
  return {
    duringRollout: { adding: create ? fresh : undefined, running: i.deployments.map(running) },
    afterRollout: [
      ...existing.filter((d) => !deleteAfter.includes(d.name)),
      reused && !create ? running(reused) : fresh,
    ],
  };
}

// States in which another operation (perhaps another workflow run) is working on a deployment.
const BUSY = new Set(["Creating", "Updating", "Scaling", "Deleting"]);

const sum = (t: Traffic) => Object.values(t).reduce((a, b) => a + b, 0);

/**
 * The new deployment gets `share` %; the rest goes to the others in proportion to what they had, in whole
 * percentages that add up exactly (largest remainders; ties by name, so the result is always the same).
 * When the others had nothing (a first rollout, or only dark deployments), nobody else can take live
 * traffic: the new deployment gets all of it, unless it was asked to stay dark.
 */
export function distribute(
  before: Traffic,
  name: string,
  others: readonly string[],
  share: number,
): { traffic: Traffic; note?: string } {
  const traffic: Traffic = {};
  for (const d of others) traffic[d] = 0;
  const base = others.reduce((a, d) => a + (before[d] ?? 0), 0);
  if (share === 0) {
    if (base === 0) {
      traffic[name] = 0;
      return { traffic };
    }
    // Dark: the others keep their shares, scaled back to 100 when the new deployment held some before.
    Object.assign(traffic, largestRemainder(others, before, base, 100));
    traffic[name] = 0;
    return { traffic };
  }
  if (share === 100 || base === 0) {
    traffic[name] = 100;
    const note =
      share < 100
        ? `traffic ${share} asked, but no other deployment serves live traffic to share the rest with: ${name} gets 100%.`
        : undefined;
    return { traffic, note };
  }
  Object.assign(traffic, largestRemainder(others, before, base, 100 - share));
  traffic[name] = share;
  return { traffic };
}

function largestRemainder(names: readonly string[], weights: Traffic, total: number, amount: number): Traffic {
  const exact = names.map((d) => ({ d, x: ((weights[d] ?? 0) * amount) / total }));
  const out: Traffic = Object.fromEntries(exact.map(({ d, x }) => [d, Math.floor(x)]));
  let left = amount - sum(out);
  for (const { d } of [...exact].sort(
    (a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)) || a.d.localeCompare(b.d),
  )) {
    if (left <= 0) break;
    if ((weights[d] ?? 0) === 0) continue;
    out[d]! += 1;
    left--;
  }
  return out;
}

/** Equal when every deployment has the same share (a missing entry is 0): then no PUT is needed. */
function sameTraffic(a: Traffic, b: Traffic, newName: string): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b), newName]);
  return [...names].every((d) => (a[d] ?? 0) === (b[d] ?? 0));
}

function describe(d: DeploymentResource): string {
  const model = d.properties?.model ? /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(d.properties.model) : null;
  const parts = [
    model ? `model ${model[1]}:${model[2]}` : d.properties?.model ? `model ${d.properties.model}` : undefined,
    d.properties?.instanceType ?? undefined,
    d.properties?.provisioningState,
  ];
  return parts.filter(Boolean).join(", ") || "unknown settings";
}

/**
 * The live traffic of the endpoint after each step, from the traffic before (deleting a deployment that
 * still had a share would take it away; a deployment created takes none until the PUT). Used to check
 * that live users are never left at 0 %, and handy in logs.
 */
export function trafficTimeline(
  plan: Pick<RolloutPlan, "trafficBefore" | "steps">,
): Array<{ step: Step; traffic: Traffic; live: number }> {
  let current: Traffic = { ...plan.trafficBefore };
  return plan.steps.map((step) => {
    if (step.kind === "create-deployment") current = { ...current, [step.deployment]: current[step.deployment] ?? 0 };
    if (step.kind === "set-traffic") current = { ...step.traffic };
    if (step.kind === "delete-deployment") {
      current = { ...current };
      delete current[step.deployment];
    }
    return { step, traffic: current, live: sum(current) };
  });
}
