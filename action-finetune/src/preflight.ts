import type { ComputeResource } from "@azure/arm-machinelearning";
import { workspaceId } from "@phi3-aml/shared/azureml/client";
import { checkComputeFit, type VmSizeSpec } from "@phi3-aml/shared/azureml/compute-fit";
import { openRegistry, type Registry } from "@phi3-aml/shared/azureml/registry";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import { checkComponent, COMPONENT_NAME, componentSpecOf, type ComponentSpec } from "./component.js";
import { checkExistingCompute, type ComputeWanted } from "./compute-body.js";
import { SERVERLESS, type FinetuneInputs } from "./inputs.js";
import { defaultDisplayName, jobFingerprint, jobNames, runIdentity } from "./job-name.js";
import { parseDataRef, pipelineJobBody, type ModelBinding, type PipelineJobBody } from "./job-body.js";
import { mergeHyperparameters } from "./merge.js";
import { resolveModel, type ResolvedModel } from "./model-source.js";
import { checkQuota, type UsageLike } from "./quota.js";

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
export async function preflight(s: Session, inputs: FinetuneInputs, now = new Date()): Promise<Prepared> {
  const f: Findings = { problems: [], notes: [...inputs.inputNotes], warnings: [] };
  await checkData(s, inputs, f);
  const registry = await openRegistry(s, inputs.registry);
  const model = await resolveModel(s, inputs, registry, now);
  f.problems.push(...model.problems);
  f.notes.push(...model.notes);
  f.warnings.push(...model.warnings);
  const component = await resolveComponent(registry, inputs, model, f);
  const merged = component.spec.inputs.num_train_epochs
    ? mergeHyperparameters(component.spec, {
        typed: inputs.typed,
        extra: inputs.extra,
        modelDefaults: model.catalog?.defaults ?? {},
        modelLabel: model.catalog ? `${model.catalog.name} version ${model.catalog.version}` : undefined,
        serverless: inputs.serverless,
      })
    : { values: {}, sources: {}, problems: [], notes: [] };
  f.problems.push(...merged.problems);
  f.notes.push(...merged.notes);
  const compute = await checkCompute(s, inputs, model, f, now);
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

/** The model's short name, for the display name. */
export function modelName(inputs: FinetuneInputs): string {
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

/** The component version (latest when none is given), its spec, and the inputs this run needs it to declare. */
async function resolveComponent(registry: Registry, inputs: FinetuneInputs, model: ResolvedModel, f: Findings) {
  const container = await registry.container("components", COMPONENT_NAME);
  const version = inputs.componentVersion ?? container?.properties.latestVersion ?? "";
  const resource = version ? await registry.version("components", COMPONENT_NAME, version) : undefined;
  if (!resource) {
    f.problems.push(
      `component-version: the ${inputs.registry} registry has no ${COMPONENT_NAME}${inputs.componentVersion ? ` version ${inputs.componentVersion}` : ""}.`,
    );
    return { version, spec: { inputs: {}, outputs: {} } as ComponentSpec };
  }
  const spec = componentSpecOf(resource);
  const needed: Record<string, string> = {};
  const b = model.binding;
  if (b) needed[b.input] = "value" in b ? "string" : b.type;
  if (inputs.serverless) needed.instance_type_finetune = "string";
  f.problems.push(...checkComponent(spec, Object.keys(inputs.hyperparameters), needed));
  return { version, spec };
}

/**
 * The VM size against retirement, the region, the model's allow-list or minimum spec, and quota; an existing
 * cluster of the name; and the GPUs per node (from the VM size unless gpus-per-node says otherwise).
 */
async function checkCompute(s: Session, inputs: FinetuneInputs, model: ResolvedModel, f: Findings, now: Date) {
  const wanted: ComputeWanted = {
    name: inputs.compute,
    location: s.location,
    vmSize: inputs.vmSize,
    minNodes: inputs.minNodes,
    maxNodes: inputs.maxNodes,
    idleSeconds: inputs.idleSeconds,
    identity: inputs.identity,
  };
  const exists = inputs.serverless ? false : await checkCluster(s, wanted, f);
  const usages: UsageLike[] = [];
  for await (const u of s.client.usages.list(s.location)) usages.push(u);
  const sizes = ((await s.client.virtualMachineSizes.list(s.location)).value ?? []) as VmSizeSpec[];
  const instances = inputs.serverless ? inputs.nodes : inputs.maxNodes;
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
    now,
  });
  f.problems.push(...fit.problems);
  f.notes.push(...fit.notes);
  if (fit.size) {
    const quota = checkQuota(usages, sizes, inputs.vmSize, instances);
    if (!quota.ok) f.problems.push(`vm-size: ${quota.message}`);
  }
  const sizeGpus = fit.size?.gpus;
  if (inputs.gpusPerNode && sizeGpus !== undefined && inputs.gpusPerNode > sizeGpus)
    f.problems.push(
      `gpus-per-node: ${inputs.gpusPerNode} is more than the ${sizeGpus} GPU${sizeGpus === 1 ? "" : "s"} of ${inputs.vmSize}; leave it empty to use the VM size's.`,
    );
  if (inputs.serverless && inputs.identity)
    f.notes.push("identity applies to a cluster; with compute: serverless the job runs with the workspace's identity.");
  return { wanted, exists, gpusPerNode: inputs.gpusPerNode ?? sizeGpus ?? 1 };
}

/** Whether the cluster exists, and a problem when it cannot be used as it is. */
async function checkCluster(s: Session, wanted: ComputeWanted, f: Findings): Promise<boolean> {
  try {
    const existing: ComputeResource = await s.client.computeOperations.get(
      s.ref.resourceGroup,
      s.ref.workspace,
      wanted.name,
    );
    const check = checkExistingCompute(existing as Parameters<typeof checkExistingCompute>[0], wanted);
    if (!check.ok) f.problems.push(`compute: ${check.error}`);
    f.notes.push(...check.notes);
    return true;
  } catch (e) {
    if (!notFound(e)) throw e;
    return false;
  }
}
