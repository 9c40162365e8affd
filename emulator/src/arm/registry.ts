import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { Router } from "../http.js";
import { pipelineSpecFile } from "../azure-files.js";
import { fetchableHuggingfaceIds, loadCatalog, type CatalogEntry } from "./catalog-data.js";
import { notFound, type ArmContext } from "./context.js";
import { systemData, type Resource } from "./store.js";

/** Where the public `azureml` registry lives (a Microsoft subscription a workspace's user cannot see). */
export const AZUREML_REGISTRY = {
  name: "azureml",
  subscriptionId: "0000a2e1-0000-4000-8000-00000000a2e1",
  resourceGroup: "registry-builtin-prod-eastus-01",
  region: "eastus",
};

/** The model catalog, read once at start (see catalog-data.ts). */
const CATALOG: Map<string, CatalogEntry> = loadCatalog();
/** The versions served; the newest is 0.0.82 (2026-06-30), the version of the vendored spec. */
const COMPONENTS: Record<string, string[]> = { chat_completion_pipeline: ["0.0.63", "0.0.64", "0.0.65", "0.0.82"] };

/**
 * Inputs that came with a later version than the one asked for: chat_completion_pipeline 0.0.82 added
 * finetune_config_path and trust_remote_code (Azure/azureml-assets, the component's spec.yaml and its history),
 * so an older version is served without them. No version served here has an `evaluation_result` output: the
 * component stopped producing one in 0.0.79 (its spec keeps the output commented out).
 */
const ADDED_IN: Record<string, string> = { finetune_config_path: "0.0.82", trust_remote_code: "0.0.82" };

const versionParts = (v: string) => v.split(".").map((n) => Number(n) || 0);
/** a < b for dotted versions. */
function versionBefore(a: string, b: string): boolean {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
}

/** The component's spec: Azure's spec.yaml (azure-files.ts), served under the version asked for. */
function componentSpec(name: string, version: string): Record<string, unknown> {
  if (name !== "chat_completion_pipeline") throw new Error(`no spec for component ${name}`);
  const spec = parse(readFileSync(pipelineSpecFile(), "utf8")) as Record<string, unknown> & {
    inputs?: Record<string, unknown>;
  };
  const inputs = Object.fromEntries(
    Object.entries(spec.inputs ?? {}).filter(([k]) => !ADDED_IN[k] || !versionBefore(version, ADDED_IN[k]!)),
  );
  return { ...spec, inputs, version };
}

/**
 * Registry asset ids are `azureml://registries/<registry>/<kind>/<name>/versions/<v>`, not ARM ids: the
 * service team says so in Azure/azure-sdk-for-net#46046, and azure-ai-ml refuses an ARM id there
 * ("Invalid AzureML ARM versioned Id").
 */
const assetId = (kind: string, name: string, v?: string) =>
  `azureml://registries/${AZUREML_REGISTRY.name}/${kind.toLowerCase()}/${name}${v ? `/versions/${v}` : ""}`;

function modelContainer(e: CatalogEntry): Resource {
  return {
    id: assetId("models", e.name),
    name: e.name,
    type: "Microsoft.MachineLearningServices/registries/models",
    properties: {
      description: `${e.name} from the Azure ML model catalog`,
      tags: {},
      properties: {},
      isArchived: e.archived,
      latestVersion: e.versions.at(-1),
      nextVersion: null,
    },
    systemData: systemData("azureml"),
  };
}

function modelVersion(e: CatalogEntry, v: string): Resource {
  return {
    id: assetId("models", e.name, v),
    name: v,
    type: "Microsoft.MachineLearningServices/registries/models/versions",
    properties: {
      description: e.name,
      tags: { ...e.tags },
      properties: { ...e.properties },
      isAnonymous: false,
      isArchived: e.archived,
      modelType: "mlflow_model",
      modelUri: assetId("models", e.name, v),
      // Always present (an MLflow model's flavours, {} when unknown): azure-ai-ml reads properties.flavors.items().
      flavors: Object.fromEntries(Object.entries(e.flavors).map(([k, d]) => [k, { data: stringValues(d) }])),
    },
    systemData: systemData("azureml"),
  };
}

const stringValues = (d: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));

function componentContainer(name: string): Resource {
  return {
    id: assetId("components", name),
    name,
    type: "Microsoft.MachineLearningServices/registries/components",
    properties: {
      description: `${name} from the Azure ML registry`,
      tags: {},
      properties: {},
      isArchived: false,
      latestVersion: COMPONENTS[name]!.at(-1),
      nextVersion: null,
    },
    systemData: systemData("azureml"),
  };
}

function componentVersion(name: string, v: string): Resource {
  return {
    id: assetId("components", name, v),
    name: v,
    type: "Microsoft.MachineLearningServices/registries/components/versions",
    properties: {
      description: name,
      tags: {},
      properties: {},
      isAnonymous: false,
      isArchived: false,
      componentSpec: componentSpec(name, v),
    },
    systemData: systemData("azureml"),
  };
}

/** listViewType (ActiveOnly, ArchivedOnly, All) as the 2025-12-01 spec declares it; ActiveOnly when absent. */
function viewFilter(view: string | null): (archived: boolean) => boolean {
  const v = (view ?? "ActiveOnly").toLowerCase();
  return v === "all" ? () => true : v === "archivedonly" ? (a) => a : (a) => !a;
}

const lookup = <T>(m: Map<string, T>, name: string) =>
  [...m.entries()].find(([n]) => n.toLowerCase() === name.toLowerCase());

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
  const components = new Map(Object.entries(COMPONENTS));
  const missing = (kind: string, what: string) =>
    notFound(`Microsoft.MachineLearningServices/registries/${kind}`, `${reg}/${what}`, rg);

  r.on("GET", new RegExp(`${prefix.source}$`, "i"), (req, [kind]) => {
    const show = viewFilter(req.url.searchParams.get("listViewType"));
    const value = /^models$/i.test(kind!)
      ? [...CATALOG.values()].filter((e) => show(e.archived)).map(modelContainer)
      : [...components.keys()].map(componentContainer);
    return { status: 200, body: { value } };
  });
  r.on("GET", new RegExp(`${prefix.source}/([^/]+)$`, "i"), (_req, [kind, name]) => {
    if (/^models$/i.test(kind!)) {
      const e = lookup(CATALOG, name!);
      return e ? { status: 200, body: modelContainer(e[1]) } : missing(kind!, name!);
    }
    const c = lookup(components, name!);
    return c ? { status: 200, body: componentContainer(c[0]) } : missing(kind!, name!);
  });
  r.on("GET", new RegExp(`${prefix.source}/([^/]+)/versions$`, "i"), (_req, [kind, name]) => {
    if (/^models$/i.test(kind!)) {
      const e = lookup(CATALOG, name!)?.[1];
      if (!e) return missing(kind!, name!);
      return { status: 200, body: { value: [...e.versions].reverse().map((v) => modelVersion(e, v)) } };
    }
    const c = lookup(components, name!);
    if (!c) return missing(kind!, name!);
    return { status: 200, body: { value: [...c[1]].reverse().map((v) => componentVersion(c[0], v)) } };
  });
  r.on("GET", new RegExp(`${prefix.source}/([^/]+)/versions/([^/]+)$`, "i"), (_req, [kind, name, v]) => {
    if (/^models$/i.test(kind!)) {
      const e = lookup(CATALOG, name!)?.[1];
      return e?.versions.includes(v!)
        ? { status: 200, body: modelVersion(e, v!) }
        : missing(`${kind}/versions`, `${name}/${v}`);
    }
    const c = lookup(components, name!);
    return c?.[1].includes(v!)
      ? { status: 200, body: componentVersion(c[0], v!) }
      : missing(`${kind}/versions`, `${name}/${v}`);
  });
}

const REGISTRY_MODEL = /^azureml:\/\/registries\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/i;

/**
 * Why the model-import step of a chat_completion_pipeline job cannot work, as its log says it, or undefined.
 * A registry model archived past its fine-tune retirement, or a huggingface_id the import cannot fetch
 * (not public, gated, or misspelt) fail there, minutes into the job, as on Azure.
 */
export function modelImportFailure(jobProperties: Record<string, unknown>, now = new Date()): string | undefined {
  const jobs = (jobProperties.jobs ?? {}) as Record<
    string,
    { inputs?: Record<string, { uri?: string; value?: string }> }
  >;
  for (const node of Object.values(jobs)) {
    const inputs = node.inputs ?? {};
    const hf = inputs.huggingface_id?.value;
    if (hf && !fetchableHuggingfaceIds(CATALOG).has(hf.toLowerCase()))
      return `[chat_completion_model_import] huggingface_hub.errors.RepositoryNotFoundError: 404 Client Error. Repository Not Found for url: https://huggingface.co/api/models/${hf}`;
    const m = REGISTRY_MODEL.exec(inputs.mlflow_model_path?.uri ?? inputs.pytorch_model_path?.uri ?? "");
    const e = m ? lookup(CATALOG, m[2]!)?.[1] : undefined;
    const retired = e?.tags.FinetuneRetirementDate;
    if (e && e.archived && retired && retired <= now.toISOString().slice(0, 10))
      return `[chat_completion_model_import] UserError: Model ${e.name} version ${m![3]} is archived; fine-tuning it was retired on ${retired}.`;
  }
  return undefined;
}
