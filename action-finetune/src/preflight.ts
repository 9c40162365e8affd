import type { ComputeResource } from "@azure/arm-machinelearning";
import { workspaceId } from "@phi3-aml/shared/azureml/client";
import { checkComputeFit, type VmSizeSpec } from "@phi3-aml/shared/azureml/compute-fit";
import { openRegistry, type Registry } from "@phi3-aml/shared/azureml/registry";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import { checkComponent, COMPONENT_NAME, componentSpecOf, specLabel, type ComponentSpec } from "./component.js";
import { checkExistingCompute, type ComputeCheck, type ComputeLike, type ComputeWanted } from "./compute-body.js";
import { checkAgainstComponent, checkConfigAsset, configNotes } from "./finetune-config.js";
import { SERVERLESS, type FinetuneInputs } from "./inputs.js";
import { defaultDisplayName, jobFingerprint, jobNames, runIdentity } from "./job-name.js";
import { parseDataRef, pipelineJobBody, type ModelBinding, type PipelineJobBody } from "./job-body.js";
import { mergeHyperparameters } from "./merge.js";
import { resolveModel, type ResolvedModel } from "./model-source.js";
import { checkQuota, type UsageLike } from "@phi3-aml/shared/azureml/quota";
import type { Logger } from "@phi3-aml/shared/log";
import { waitFor } from "@phi3-aml/shared/wait";

export interface Prepared {
  body: PipelineJobBody;
  names: string[];
  model: { label: string; binding: ModelBinding };
  componentVersion: string;
  spec: ComponentSpec;
  hyperparameters: Record<string, string>;
  /** Where each hyperparameter came from (input, hyperparameters, model default). */
  sources: Record<string, string>;
  compute: { wanted: ComputeWanted; exists: boolean; gpusPerNode: number };
  notes: string[];
  warnings: string[];
}

/** Problems, notes and warnings gathered by the steps, reported together. */
interface Findings {
  problems: string[];
  notes: string[];
  warnings: string[];
}

const notFound = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;

/**
 * Everything checked before anything is created, every problem reported together: the data assets exist;
 * the model source resolves and its catalog entry is neither retired nor unable to fine-tune for
 * chat-completion; the component exists and takes the hyperparameters (merged with the model's defaults);
 * the VM size is not retired, is offered, fits the model's allow-list or minimum spec, and has quota; an
 * existing cluster has that size.
 */
export async function preflight(s: Session, inputs: FinetuneInputs, now: Date, log: Logger): Promise<Prepared> {
  const f: Findings = { problems: [], notes: [...inputs.inputNotes], warnings: [] };
  await checkData(s, inputs, f);
  const registry = await openRegistry(s, inputs.registry);
  const model = await resolveModel(s, inputs, registry, now);
  f.problems.push(...model.problems);
  f.notes.push(...model.notes);
  f.warnings.push(...model.warnings);
  const component = await resolveComponent(registry, inputs, model, f);
  const merged = hyperparametersFor(component, inputs, model.catalog);
  f.problems.push(...merged.problems);
  f.notes.push(...merged.notes);
  const compute = await checkCompute(s, inputs, model, f, { now, log });
  await checkConfig(s, inputs, component.spec, f);
  if (f.problems.length) throw new ActionError(`The fine-tune cannot start:\n  - ${f.problems.join("\n  - ")}`);

  const run = runIdentity();
  const body = pipelineJobBody({
    workspaceId: workspaceId(s.ref),
    registry: inputs.registry,
    componentVersion: component.version,
    model: model.binding!,
    trainData: inputs.trainData!,
    validationData: inputs.validationData!,
    compute: inputs.serverless ? SERVERLESS : inputs.compute,
    vmSize: inputs.vmSize,
    gpusPerNode: compute.gpusPerNode,
    nodes: inputs.nodes,
    hyperparameters: merged.values,
    experimentName: inputs.experiment,
    displayName: inputs.displayName ?? defaultDisplayName(modelName(inputs), run),
    tags: inputs.tags,
    spec: component.spec,
    finetuneConfig: inputs.finetuneConfig?.uri,
    trustRemoteCode: inputs.trustRemoteCode,
  });
  return {
    body,
    names: jobNames(run, jobFingerprint(body)),
    model: { label: model.label, binding: model.binding! },
    componentVersion: component.version,
    spec: component.spec,
    hyperparameters: merged.values,
    sources: merged.sources,
    compute,
    notes: f.notes,
    warnings: f.warnings,
  };
}

/**
 * The hyperparameters merged with the model's defaults, every key checked against the inputs the component
 * declares, whichever those are (issue 21: not only when it declares num_train_epochs). Nothing to merge when
 * the component was not found (that is reported on its own).
 */
export function hyperparametersFor(
  component: { found: boolean; spec: ComponentSpec },
  inputs: Pick<FinetuneInputs, "typed" | "extra" | "serverless">,
  catalog?: { name: string; version: string; defaults: Record<string, string | number | boolean> },
) {
  if (!component.found) return { values: {}, sources: {}, problems: [], notes: [] };
  return mergeHyperparameters(component.spec, {
    typed: inputs.typed,
    extra: inputs.extra,
    modelDefaults: catalog?.defaults ?? {},
    modelLabel: catalog ? `${catalog.name} version ${catalog.version}` : undefined,
    serverless: inputs.serverless,
  });
}

/** The model's short name, for the display name. */
function modelName(inputs: FinetuneInputs): string {
  const src = inputs.source;
  if (src.kind === "catalog") return src.name;
  if (src.kind === "huggingface") return src.id.split("/").at(-1)!;
  return src.ref.replace(/^azureml:(\/\/registries\/[^/]+\/models\/)?/i, "").split(/[:/]/)[0]!;
}

/** Both data inputs parse, and a data asset they name exists in the workspace. */
async function checkData(s: Session, inputs: FinetuneInputs, f: Findings): Promise<void> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  for (const [input, value] of [
    ["train-data", inputs.trainData!],
    ["validation-data", inputs.validationData!],
  ] as const) {
    const ref = parseDataRef(value, workspaceId(s.ref));
    if ("problem" in ref) f.problems.push(`${input}: ${ref.problem}`);
    else if (ref.kind === "asset" && ref.version) {
      try {
        await s.client.dataVersions.get(rg, ws, ref.name, ref.version);
      } catch (e) {
        if (!notFound(e)) throw e;
        f.problems.push(
          `${input}: there is no data asset ${ref.name}:${ref.version} in workspace ${ws} (run action-dataset first, or check the id).`,
        );
      }
    }
  }
}

/**
 * finetune-config and trust-remote-code against the component version's declared inputs; a named data asset
 * exists and is a uri_file (read only: nothing is uploaded or registered before every check passed).
 */
async function checkConfig(s: Session, inputs: FinetuneInputs, spec: ComponentSpec, f: Findings): Promise<void> {
  const o = { config: inputs.finetuneConfig, trustRemoteCode: inputs.trustRemoteCode };
  if (Object.keys(spec.inputs).length) f.problems.push(...checkAgainstComponent(spec, specLabel(spec), o));
  const missing = inputs.finetuneConfig ? await checkConfigAsset(s, inputs.finetuneConfig) : undefined;
  if (missing) f.problems.push(missing);
  f.notes.push(...configNotes(spec, { ...o, huggingface: inputs.source.kind === "huggingface" }));
}

/** The component version (latest when none is given), its spec, and the inputs this run needs it to declare. */
async function resolveComponent(registry: Registry, inputs: FinetuneInputs, model: ResolvedModel, f: Findings) {
  const container = await registry.container("components", COMPONENT_NAME);
  const version = inputs.componentVersion ?? container?.properties.latestVersion ?? "";
  const resource = version ? await registry.version("components", COMPONENT_NAME, version) : undefined;
  if (!resource) {
    f.problems.push(
      `component-version: the ${inputs.registry} registry has no ${COMPONENT_NAME}${inputs.componentVersion ? ` version ${inputs.componentVersion}` : ""}.`,
    );
    return { version, found: false, spec: { inputs: {}, outputs: {} } as ComponentSpec };
  }
  const spec = componentSpecOf(resource);
  const needed: Record<string, string> = {};
  const b = model.binding;
  if (b) needed[b.input] = "value" in b ? "string" : b.type;
  if (inputs.serverless) needed.instance_type_finetune = "string";
  f.problems.push(...checkComponent(spec, Object.keys(inputs.hyperparameters), needed));
  return { version, found: true, spec };
}

/**
 * The VM size against retirement, the region, the model's allow-list or minimum spec, and quota; an existing
 * cluster of the name; and the GPUs per node (from the VM size unless gpus-per-node says otherwise).
 */
async function checkCompute(
  s: Session,
  inputs: FinetuneInputs,
  model: ResolvedModel,
  f: Findings,
  o: { now: Date; log: Logger },
) {
  const wanted: ComputeWanted = {
    name: inputs.compute,
    location: s.location,
    vmSize: inputs.vmSize,
    minNodes: inputs.minNodes,
    maxNodes: inputs.maxNodes,
    idleSeconds: inputs.idleSeconds,
    identity: inputs.identity,
  };
  const cluster = inputs.serverless ? undefined : await checkCluster(s, wanted, f, o.log);
  const usages: UsageLike[] = [];
  for await (const u of s.client.usages.list(s.location)) usages.push(u);
  const sizes = ((await s.client.virtualMachineSizes.list(s.location)).value ?? []) as VmSizeSpec[];
  // An existing cluster scales to its own max nodes, whatever max-nodes says (it is not changed).
  const instances = inputs.serverless ? inputs.nodes : (cluster?.scale?.maxNodes ?? inputs.maxNodes);
  const fit = checkComputeFit({
    vmSize: inputs.vmSize,
    input: "vm-size",
    purpose: "fine-tuning",
    model: model.catalog ? `${model.catalog.name} version ${model.catalog.version}` : model.label,
    allowList: model.catalog?.finetuneAllowList,
    minSpec: model.catalog?.finetuneMinSpec,
    sizes,
    usages,
    instances,
    location: s.location,
    now: o.now,
  });
  f.problems.push(...fit.problems);
  f.notes.push(...fit.notes);
  if (fit.size) {
    const quota = clusterQuota(s, inputs, fit.size, usages, { instances, held: cluster?.currentNodes ?? 0 });
    if (!quota.ok) f.problems.push(`vm-size: ${quota.message}`);
    else f.notes.push(quota.message);
  }
  const sizeGpus = fit.size?.gpus;
  if (inputs.gpusPerNode && sizeGpus !== undefined && inputs.gpusPerNode > sizeGpus)
    f.problems.push(
      `gpus-per-node: ${inputs.gpusPerNode} is more than the ${sizeGpus} GPU${sizeGpus === 1 ? "" : "s"} of ${inputs.vmSize}; leave it empty to use the VM size's.`,
    );
  if (inputs.serverless && inputs.identity)
    f.notes.push("identity applies to a cluster; with compute: serverless the job runs with the workspace's identity.");
  return { wanted, exists: cluster !== undefined, gpusPerNode: inputs.gpusPerNode ?? sizeGpus ?? 1 };
}

/** The shared quota check (shared/azureml/quota.ts) for the cluster's nodes, or the serverless job's. */
function clusterQuota(
  s: Session,
  inputs: FinetuneInputs,
  size: VmSizeSpec,
  usages: readonly UsageLike[],
  n: { instances: number; held: number },
) {
  return checkQuota({
    kind: "cluster",
    label: inputs.serverless ? "the serverless job" : `cluster ${inputs.compute}`,
    size,
    instances: n.instances,
    held: n.held,
    usages,
    location: s.location,
    subscriptionId: s.ref.subscriptionId,
    otherwise: inputs.serverless
      ? "Or lower nodes, or choose a vm-size of a family with free quota."
      : "Or lower max-nodes (of a new cluster), or choose a vm-size of a family with free quota.",
  });
}

/** How long a cluster still Creating or Updating is waited for before preflight gives up. */
const CLUSTER_SETTLE_MS = 10 * 60_000;

/** The cluster as it is (waited for while it is still Creating), and a problem when it cannot be used. */
async function checkCluster(
  s: Session,
  wanted: ComputeWanted,
  f: Findings,
  log: Logger,
): Promise<ComputeCheck | undefined> {
  const existing = await readCluster(s, wanted.name);
  if (!existing) return undefined;
  const settled = /^(creating|updating)$/i.test(existing.properties?.provisioningState ?? "")
    ? await waitForCluster(s, wanted.name, log)
    : existing;
  const check = checkExistingCompute(settled, wanted);
  if (!check.ok) f.problems.push(`compute: ${check.error}`);
  f.notes.push(...check.notes);
  return check;
}

async function readCluster(s: Session, name: string): Promise<ComputeLike | undefined> {
  try {
    const c: ComputeResource = await s.client.computeOperations.get(s.ref.resourceGroup, s.ref.workspace, name);
    return c as ComputeLike;
  } catch (e) {
    if (!notFound(e)) throw e;
    return undefined;
  }
}

/** Polls a cluster that another run is creating until it is no longer Creating or Updating. */
async function waitForCluster(s: Session, name: string, log: Logger): Promise<ComputeLike> {
  let last: ComputeLike = {};
  await waitFor(
    async () => {
      last = (await readCluster(s, name)) ?? { name, properties: { provisioningState: "Deleted" } };
      const state = last.properties?.provisioningState ?? "Unknown";
      return { state, done: !/^(creating|updating)$/i.test(state) };
    },
    { what: `cluster ${name}`, log, timeoutMs: CLUSTER_SETTLE_MS, intervalMs: 2_000, maxIntervalMs: 15_000 },
  );
  return last;
}
