// The Azure RBAC action each request of the actions needs, from the request's method and path, and whether a
// role definition (examples/roles/*.json) grants it.
//
// Azure names an operation <provider>/<resource types…>/<read|write|delete|action> (learn.microsoft.com, "Azure
// resource provider operations" and "Azure permissions for AI + machine learning"): the path's resource types
// with the names left out, then GET → read, PUT/PATCH → write, DELETE → delete, and a POST to a named action
// (listKeys, getLogs, cancel) → <action>/action. A GET of a collection (…/onlineEndpoints) is the read of its type.
// MLflow's REST API under /mlflow/v1.0/<workspace id>/api/2.0/mlflow/ reads runs and their metrics: Azure ML
// authorizes it as workspaces/experiments/… (learn.microsoft.com, "Configure MLflow for Azure Machine Learning" →
// "Configure authorization and permission levels").
import { readFileSync } from "node:fs";
import { join } from "node:path";

const PROVIDER = "Microsoft.MachineLearningServices";
const VERB: Record<string, string> = { GET: "read", HEAD: "read", PUT: "write", PATCH: "write", DELETE: "delete" };

export interface Operation {
  method: string;
  path: string;
}

/** Why a request needs no role of ours (the public azureml registry), or undefined when it does. */
export function notOurs(op: Operation): string | undefined {
  if (/\/registrymanagement\/v1\.0\/registries\/azureml\/discovery$/i.test(op.path))
    return "discovery of the public azureml registry";
  if (
    /\/mferp\/managementfrontend\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/registries\/azureml\//i.test(
      op.path,
    )
  )
    return "a read from the public azureml registry (Microsoft's subscription, readable by every signed-in identity)";
  return undefined;
}

/** The RBAC action a request needs, e.g. Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read. */
export function armAction(op: Operation): string {
  const path = op.path.split("?")[0]!;
  const mlflow = /\/mlflow\/v1\.0\/.*\/workspaces\/[^/]+\/api\/2\.0\/mlflow\/(.*)$/i.exec(path);
  if (mlflow) {
    // runs/search is a POST that only reads; the pipeline writes no run.
    const reads = op.method === "GET" || /^runs\/search$/.test(mlflow[1]!);
    return `${PROVIDER}/workspaces/experiments/runs/${reads ? "read" : "write"}`;
  }
  const at = path.toLowerCase().indexOf(`/providers/${PROVIDER.toLowerCase()}/`);
  if (at < 0) throw new Error(`${op.method} ${path}: not a ${PROVIDER} path`);
  const segments = path
    .slice(at + PROVIDER.length + 12)
    .split("/")
    .filter(Boolean);
  const types = segments.filter((_, i) => i % 2 === 0);
  // A POST names its action last (…/onlineEndpoints/<name>/listKeys): that segment is kept as a type.
  if (op.method === "POST") return `${PROVIDER}/${types.join("/")}/action`;
  const verb = VERB[op.method];
  if (!verb) throw new Error(`${op.method} ${path}: no RBAC verb for this method`);
  return `${PROVIDER}/${types.join("/")}/${verb}`;
}

export interface RoleDefinition {
  Name: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  AssignableScopes: string[];
}

/** Whether an Actions entry (with Azure's `*` wildcard, which spans segments) grants an action; case-insensitive. */
export function grants(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`, "i");
  return re.test(action);
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Whether the roles together grant an action (an Actions entry matches and no NotActions entry does). */
export function covered(roles: RoleDefinition[], action: string): boolean {
  return roles.some((r) => r.Actions.some((a) => grants(a, action)) && !r.NotActions.some((n) => grants(n, action)));
}

export function readRole(root: string, name: string): RoleDefinition {
  return JSON.parse(readFileSync(join(root, "examples/roles", `${name}.json`), "utf8")) as RoleDefinition;
}
