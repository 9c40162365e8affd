import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Router } from "../http.js";
import { specsDir } from "../contract/openapi.js";
import { notFound, type ArmContext } from "./context.js";
import { systemData, type Resource } from "./store.js";

/** Where the public `azureml` registry lives (a Microsoft subscription a workspace's user cannot see). */
export const AZUREML_REGISTRY = {
  name: "azureml",
  subscriptionId: "0000a2e1-0000-4000-8000-00000000a2e1",
  resourceGroup: "registry-builtin-prod-eastus-01",
  region: "eastus",
};

const MODELS: Record<string, string[]> = {
  "Phi-3-mini-4k-instruct": ["13", "14", "15"],
  "Phi-3-mini-128k-instruct": ["12", "13"],
  "Phi-3.5-mini-instruct": ["5", "6"],
};
const COMPONENTS: Record<string, string[]> = { chat_completion_pipeline: ["0.0.63", "0.0.64", "0.0.65"] };

/** The component's spec: the official file when ../shared/specs is there, else its name and a minimal input list. */
function componentSpec(name: string, version: string): Record<string, unknown> {
  const dir = specsDir();
  const file = dir ? join(dir, "azureml-assets", "chat_completion_pipeline.spec.yaml") : undefined;
  if (name === "chat_completion_pipeline" && file && existsSync(file))
    return { ...(parse(readFileSync(file, "utf8")) as Record<string, unknown>), version };
  return { name, version, type: "pipeline", inputs: {}, outputs: {} };
}

/**
 * The `azureml` registry's models and components (GET only), at the registry's ARM path, as its region's
 * management frontend serves them (see regional.ts).
 */
export function registerRegistry(r: Router, ctx: ArmContext): void {
  const { subscriptionId: sub, resourceGroup: rg, name: reg } = AZUREML_REGISTRY;
  const base = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/registries/${reg}`;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const prefix = new RegExp(`^${esc(base)}/(models|components)`, "i");
  void ctx;

  const catalog = (kind: string) => (kind.toLowerCase() === "models" ? MODELS : COMPONENTS);
  const container = (kind: string, name: string): Resource => {
    const versions = catalog(kind)[name]!;
    return {
      id: `${base}/${kind}/${name}`,
      name,
      type: `Microsoft.MachineLearningServices/registries/${kind}`,
      properties: {
        description: `${name} from the Azure ML model catalog`,
        tags: {},
        properties: {},
        isArchived: false,
        latestVersion: versions.at(-1),
        nextVersion: null,
      },
      systemData: systemData("azureml"),
    };
  };
  const version = (kind: string, name: string, v: string): Resource => ({
    id: `${base}/${kind}/${name}/versions/${v}`,
    name: v,
    type: `Microsoft.MachineLearningServices/registries/${kind}/versions`,
    properties:
      kind.toLowerCase() === "models"
        ? {
            description: name,
            tags: { task: "chat-completion", license: "mit" },
            properties: {},
            isAnonymous: false,
            isArchived: false,
            modelType: "mlflow_model",
            modelUri: `azureml://registries/${reg}/models/${name}/versions/${v}`,
            flavors: { python_function: { data: {} } },
          }
        : {
            description: name,
            tags: {},
            properties: {},
            isAnonymous: false,
            isArchived: false,
            componentSpec: componentSpec(name, v),
          },
    systemData: systemData("azureml"),
  });
  const find = (kind: string, name: string) =>
    Object.keys(catalog(kind)).find((n) => n.toLowerCase() === name.toLowerCase());

  r.on("GET", new RegExp(`${prefix.source}$`, "i"), (_req, [kind]) => ({
    status: 200,
    body: { value: Object.keys(catalog(kind!)).map((n) => container(kind!, n)) },
  }));
  r.on("GET", new RegExp(`${prefix.source}/([^/]+)$`, "i"), (_req, [kind, name]) => {
    const n = find(kind!, name!);
    return n
      ? { status: 200, body: container(kind!, n) }
      : notFound(`Microsoft.MachineLearningServices/registries/${kind}`, `${reg}/${name}`, rg);
  });
  r.on("GET", new RegExp(`${prefix.source}/([^/]+)/versions$`, "i"), (_req, [kind, name]) => {
    const n = find(kind!, name!);
    return n
      ? { status: 200, body: { value: [...catalog(kind!)[n]!].reverse().map((v) => version(kind!, n, v)) } }
      : notFound(`Microsoft.MachineLearningServices/registries/${kind}`, `${reg}/${name}`, rg);
  });
  r.on("GET", new RegExp(`${prefix.source}/([^/]+)/versions/([^/]+)$`, "i"), (_req, [kind, name, v]) => {
    const n = find(kind!, name!);
    return n && catalog(kind!)[n]!.includes(v!)
      ? { status: 200, body: version(kind!, n, v!) }
      : notFound(`Microsoft.MachineLearningServices/registries/${kind}/versions`, `${reg}/${name}/${v}`, rg);
  });
}
