import type { ComputeResource } from "@azure/arm-machinelearning";
import { workspaceId } from "@phi3-aml/shared/azureml/client";
import { openRegistry } from "@phi3-aml/shared/azureml/registry";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import {
  checkComponent,
  checkHyperparameters,
  COMPONENT_NAME,
  componentSpecOf,
  type ComponentSpec,
} from "./component.js";
import { checkExistingCompute, computeBody, type ComputeWanted } from "./compute-body.js";
import type { FinetuneInputs } from "./inputs.js";
import { defaultDisplayName, jobFingerprint, jobNames, runIdentity } from "./job-name.js";
import { parseDataRef, pipelineJobBody, type PipelineJobBody } from "./job-body.js";
import { checkQuota, findVmSize } from "./quota.js";

export interface Prepared {
  body: PipelineJobBody;
  names: string[];
  modelVersion: string;
  componentVersion: string;
  spec: ComponentSpec;
  hyperparameters: Record<string, string>;
  compute: { wanted: ComputeWanted; exists: boolean; gpusPerNode: number };
  notes: string[];
}

const notFound = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;

/**
 * Everything checked before anything is created: both data assets exist, the model and the component
 * exist in the registry (their latest versions when none is given), the hyperparameters fit the component's
 * declared inputs, an existing cluster has the wanted VM size, and the VM family has quota for max-nodes.
 * Every problem is reported together.
 */
export async function preflight(s: Session, inputs: FinetuneInputs): Promise<Prepared> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const wsId = workspaceId(s.ref);
  const problems: string[] = [];
  const notes: string[] = [];

  for (const [input, value] of [
    ["train-data", inputs.trainData!],
    ["validation-data", inputs.validationData!],
  ] as const) {
    const ref = parseDataRef(value, wsId);
    if ("problem" in ref) problems.push(`${input}: ${ref.problem}`);
    else if (ref.kind === "asset" && ref.version) {
      try {
        await s.client.dataVersions.get(rg, ws, ref.name, ref.version);
      } catch (e) {
        if (!notFound(e)) throw e;
        problems.push(
          `${input}: there is no data asset ${ref.name}:${ref.version} in workspace ${ws} (run action-dataset first, or check the id).`,
        );
      }
    }
  }

  const registry = await openRegistry(s, inputs.registry);
  const model = await registry.container("models", inputs.model);
  let modelVersion = inputs.modelVersion ?? model?.properties.latestVersion ?? "";
  if (!model) problems.push(`model: there is no model ${inputs.model} in the ${inputs.registry} registry.`);
  else if (inputs.modelVersion && !(await registry.version("models", inputs.model, inputs.modelVersion))) {
    problems.push(
      `model-version: ${inputs.model} has no version ${inputs.modelVersion} in the ${inputs.registry} registry (latest: ${model.properties.latestVersion}).`,
    );
    modelVersion = "";
  }
  const component = await registry.container("components", COMPONENT_NAME);
  const componentVersion = inputs.componentVersion ?? component?.properties.latestVersion ?? "";
  const componentResource = componentVersion
    ? await registry.version("components", COMPONENT_NAME, componentVersion)
    : undefined;
  if (!componentResource)
    problems.push(
      `component-version: the ${inputs.registry} registry has no ${COMPONENT_NAME}${inputs.componentVersion ? ` version ${inputs.componentVersion}` : ""}.`,
    );
  const spec = componentResource
    ? componentSpecOf(componentResource)
    : ({ inputs: {}, outputs: {} } as unknown as ComponentSpec);
  let hyperparameters: Record<string, string> = {};
  if (componentResource) {
    problems.push(...checkComponent(spec, Object.keys(inputs.hyperparameters)));
    const hp = checkHyperparameters(spec, inputs.hyperparameters, { maxNodes: inputs.maxNodes });
    problems.push(...hp.problems.map((p) => `${p.input}: ${p.message}`));
    notes.push(...hp.notes);
    hyperparameters = hp.values;
  }

  const wanted: ComputeWanted = {
    name: inputs.compute,
    location: s.location,
    vmSize: inputs.vmSize,
    minNodes: inputs.minNodes,
    maxNodes: inputs.maxNodes,
    idleSeconds: inputs.idleSeconds,
  };
  let exists = false;
  try {
    const existing: ComputeResource = await s.client.computeOperations.get(rg, ws, inputs.compute);
    exists = true;
    const check = checkExistingCompute(existing as Parameters<typeof checkExistingCompute>[0], wanted);
    if (!check.ok) problems.push(`compute: ${check.error}`);
    notes.push(...check.notes);
  } catch (e) {
    if (!notFound(e)) throw e;
  }

  const usages = [];
  for await (const u of s.client.usages.list(s.location)) usages.push(u);
  const sizes = (await s.client.virtualMachineSizes.list(s.location)).value ?? [];
  const quota = checkQuota(usages, sizes, inputs.vmSize, inputs.maxNodes);
  if (!quota.ok) problems.push(`vm-size: ${quota.message}`);
  const gpusPerNode = inputs.gpusPerNode ?? findVmSize(sizes, inputs.vmSize)?.gpus ?? 1;

  if (problems.length) throw new ActionError(`The fine-tune cannot start:\n  - ${problems.join("\n  - ")}`);

  const run = runIdentity();
  const body = pipelineJobBody({
    workspaceId: wsId,
    registry: inputs.registry,
    componentVersion,
    model: inputs.model,
    modelVersion,
    trainData: inputs.trainData!,
    validationData: inputs.validationData!,
    compute: inputs.compute,
    gpusPerNode,
    hyperparameters,
    experimentName: inputs.experiment,
    displayName: inputs.displayName ?? defaultDisplayName(inputs.model, run),
    tags: inputs.tags,
    spec,
  });
  return {
    body,
    names: jobNames(run, jobFingerprint(body)),
    modelVersion,
    componentVersion,
    spec,
    hyperparameters,
    compute: { wanted, exists, gpusPerNode },
    notes,
  };
}

export { computeBody };
