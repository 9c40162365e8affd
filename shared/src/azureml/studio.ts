import type { Cloud } from "../login/clouds.js";
import type { WorkspaceRef } from "./client.js";

/** Links into Azure ML studio, for summaries. */
export function studioLinks(cloud: Cloud, w: WorkspaceRef) {
  const wsid = `?wsid=/subscriptions/${w.subscriptionId}/resourcegroups/${w.resourceGroup}/workspaces/${w.workspace}`;
  const base = cloud.studio;
  return {
    workspace: `${base}/home${wsid}`,
    job: (name: string) => `${base}/runs/${encodeURIComponent(name)}${wsid}`,
    model: (name: string, version: string) =>
      `${base}/model/${encodeURIComponent(name)}:${encodeURIComponent(version)}/details${wsid}`,
    data: (name: string, version: string) =>
      `${base}/data/${encodeURIComponent(name)}/${encodeURIComponent(version)}/details${wsid}`,
    endpoint: (name: string) => `${base}/endpoints/realtime/${encodeURIComponent(name)}/detail${wsid}`,
    compute: (name: string) => `${base}/compute/${encodeURIComponent(name)}/details${wsid}`,
  };
}
