import type { Store, Resource } from "./arm/store.js";

/** Where a blob lives in the emulated storage account (Azurite). */
export interface BlobRef {
  container: string;
  path: string;
}

/** Reads a blob's text (at most maxBytes), or undefined when it cannot. */
export type BlobReader = (ref: BlobRef, maxBytes: number) => Promise<string | undefined>;

/**
 * The training data of the fine-tune job a model version was registered from, as a blob: the model version's
 * `jobName` (or its `azureml://jobs/<job>/outputs/…` modelUri), that job's `train_file_path` input (on the
 * pipeline node, as action-finetune submits it, or on the job), and that input's data asset or datastore path.
 * Undefined for a model that no job of this workspace produced (a catalog or Hugging Face base model).
 */
export function trainingBlobOf(store: Store, modelVersionId: string): BlobRef | undefined {
  const model = store.get(modelVersionId);
  const workspaceId = modelVersionId.split(/\/models\//i)[0];
  if (!model || !workspaceId || workspaceId === modelVersionId) return undefined;
  const job = jobNameOf(model);
  const jobResource = job ? store.get(`${workspaceId}/jobs/${job}`) : undefined;
  const uri = jobResource ? trainFileUri(jobResource) : undefined;
  return uri ? resolveDataUri(store, workspaceId, uri, 0) : undefined;
}

function jobNameOf(model: Resource): string | undefined {
  if (typeof model.properties.jobName === "string" && model.properties.jobName) return model.properties.jobName;
  return /^azureml:\/\/jobs\/([^/]+)\/outputs\//i.exec(String(model.properties.modelUri ?? ""))?.[1];
}

type Inputs = Record<string, { uri?: unknown } | undefined>;

/** The job's train_file_path input: on one of its pipeline nodes, else on the job itself. */
function trainFileUri(job: Resource): string | undefined {
  const nodes = Object.values((job.properties.jobs ?? {}) as Record<string, { inputs?: Inputs }>);
  const inputs = [...nodes.map((n) => n?.inputs ?? {}), (job.properties.inputs ?? {}) as Inputs];
  const uri = inputs.map((i) => i.train_file_path?.uri).find((u) => typeof u === "string" && u);
  return uri as string | undefined;
}

/**
 * A data reference as Azure ML jobs take it (the forms action-finetune accepts): azureml:<name>:<version>, a data
 * version's ARM id, azureml://datastores/<store>/paths/<path> (short or with the workspace's long prefix), or the
 * blob's https URL.
 */
function resolveDataUri(store: Store, workspaceId: string, uri: string, depth: number): BlobRef | undefined {
  if (depth > 2) return undefined;
  const asset = dataAssetId(workspaceId, uri);
  if (asset) {
    const dataUri = store.get(asset)?.properties.dataUri;
    return typeof dataUri === "string" ? resolveDataUri(store, workspaceId, dataUri, depth + 1) : undefined;
  }
  const datastore =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resourcegroups\/[^/]+\/workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/(.+)$/i.exec(
      uri,
    );
  if (datastore) {
    const container = store.get(`${workspaceId}/datastores/${datastore[1]}`)?.properties.containerName;
    return typeof container === "string" ? { container, path: decodeURIComponent(datastore[2]!) } : undefined;
  }
  const https = /^https:\/\/[^/]+\/[^/]+\/([^/]+)\/(.+)$/i.exec(uri);
  return https ? { container: https[1]!, path: decodeURIComponent(https[2]!) } : undefined;
}

function dataAssetId(workspaceId: string, uri: string): string | undefined {
  const short = /^azureml:([^:/]+):([^:/]+)$/i.exec(uri);
  if (short) return `${workspaceId}/data/${short[1]}/versions/${short[2]}`;
  return /^\/subscriptions\/.+\/data\/[^/]+\/versions\/[^/]+$/i.test(uri) ? uri : undefined;
}
