/**
 * A data asset named in `eval-data`: `azureml:<name>:<version>`, or the ARM id action-dataset gives as its
 * `validation-data` output (`/subscriptions/…/workspaces/<ws>/data/<name>/versions/<version>`). No SDK here:
 * inputs.ts checks the form before any call.
 */
export interface DataAssetRef {
  name: string;
  version: string;
  /** The workspace in an ARM id (the asset must be in the workspace the action logs in to). */
  workspace?: string;
  subscriptionId?: string;
  resourceGroup?: string;
}

const SHORT = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]{0,254}):([A-Za-z0-9_.-]{1,64})$/;
const ARM =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/data\/([A-Za-z0-9][A-Za-z0-9_.-]{0,254})\/versions\/([A-Za-z0-9_.-]{1,64})$/i;

/** The name and version (and workspace) of a data asset reference; undefined when it is not one. */
export function parseDataAssetRef(ref: string): DataAssetRef | undefined {
  const s = SHORT.exec(ref);
  if (s) return { name: s[1]!, version: s[2]! };
  const a = ARM.exec(ref);
  if (a) return { subscriptionId: a[1]!, resourceGroup: a[2]!, workspace: a[3]!, name: a[4]!, version: a[5]! };
  return undefined;
}

/** True when the value names a data asset rather than a file (it may still be malformed). */
export const looksLikeDataAsset = (v: string) => v.startsWith("azureml:") || v.startsWith("/subscriptions/");
