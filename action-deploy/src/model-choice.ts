import type { ModelVersion } from "@azure/arm-machinelearning";
import type { Session } from "@phi3-aml/shared/azureml/session";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import { getOrUndefined } from "./azure-calls.js";
import type { DeployInputs } from "./inputs.js";
import {
  findRegistered,
  jobOutputUri,
  lineageFromJob,
  lineageFromTags,
  modelId,
  modelVersionBody,
  nextVersion,
  parseModelRef,
  TRAINED_MODEL_OUTPUT,
  type Lineage,
} from "./model-body.js";

export interface ModelChoice {
  name: string;
  version: string;
  id: string;
  reused: boolean;
  lineage?: Lineage;
  /** When the model must be registered: the body to PUT. */
  register?: ReturnType<typeof modelVersionBody>;
}

/** The model to deploy: a registered name:version, or a job output / URI registered once (found again by its source-uri tag). */
export async function chooseModel(s: Session, inputs: DeployInputs, log: Logger): Promise<ModelChoice> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const what = inputs.what!;
  if ("model" in what) {
    const ref = parseModelRef(what.model)!;
    const existing = await getOrUndefined(() => s.client.modelVersions.get(rg, ws, ref.name, ref.version));
    if (!existing) throw new ActionError(`There is no registered model ${ref.name}:${ref.version} in workspace ${ws}.`);
    // Registered by an earlier deploy: its tags say what it was fine-tuned from (the base model sizes it).
    const lineage = lineageFromTags((existing.properties as { tags?: Record<string, string> }).tags);
    return { ...ref, id: modelId(s.ref, ref.name, ref.version), reused: true, lineage };
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
