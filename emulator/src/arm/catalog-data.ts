/**
 * The `azureml` model catalog as the registry serves it today: Phi-3 / Phi-3.5 archived past their fine-tune
 * retirement, Phi-4 live. Built from Azure's catalog entries, azureml-assets `assets/models/system/<name>/spec.yaml`
 * (vendored in emulator/azure/, see azure-files.ts), read once, at start; a missing one is an error.
 *
 * How an entry becomes a served model version (every tag and property a string):
 * - Azure/azureml-assets `assets/models/system/phi-3-mini-4k-instruct/spec.yaml` at commit 0103fd16 (version 15,
 *   the last published before `system_metadata` replaced them) carries, in the published form, tags
 *   `FinetuneDeprecationDate` / `FinetuneRetirementDate` / `Inference…Date` ("2025-08-30"), `task`, `license`,
 *   `author`, `finetune_compute_allow_list`, `inference_compute_allow_list`, `model_specific_defaults`, and
 *   properties `finetuning-tasks`, `finetune-min-sku-spec`, `inference-min-sku-spec`, `finetune-recommended-sku`.
 *   The newer spec files hold the same facts under `system_metadata` (deprecation, tasks, SKU,
 *   supportedComputes); they are mapped onto those served names here.
 * - Tags hold Python literals: Azure/azureml-examples `sdk/python/foundation-models/system/finetune/
 *   chat-completion/chat-completion.ipynb` parses them with `ast.literal_eval(foundation_model.tags[...])`.
 *   azure-ai-ml's `Model` entity (`azure/ai/ml/entities/_assets/_artifacts/model.py`) keeps `tags` as given.
 * - `flavors`: the MLmodel next to the spec (`hftransformersv2` and `python_function` for Phi-3-mini-4k-instruct,
 *   azureml-assets `assets/models/system/phi-3-mini-4k-instruct/MLmodel`).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { catalogSpecFile } from "../azure-files.js";

export interface CatalogEntry {
  name: string;
  versions: string[];
  archived: boolean;
  tags: Record<string, string>;
  properties: Record<string, string>;
  flavors: Record<string, Record<string, unknown>>;
  /** Hugging Face repository the entry was published from (the import step can fetch it). */
  huggingfaceId?: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** A Python literal of a YAML value, as str() of the parsed value prints it (the tags' format). */
export function pythonLiteral(v: unknown): string {
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return pythonNumber(v);
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(", ")}]`;
  return `{${Object.entries(obj(v))
    .map(([k, x]) => `${pythonLiteral(k)}: ${pythonLiteral(x)}`)
    .join(", ")}}`;
}

/** repr() of a Python number: 5e-06, 2e-05, 16, 0.1. */
function pythonNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (Math.abs(n) < 1e-4) return n.toExponential().replace(/e([-+])(\d)$/, "e$10$2");
  return String(n);
}

const date = (v: unknown) => (typeof v === "string" ? v.slice(0, 10) : undefined);

/** A catalog spec.yaml (either layout) → what the registry serves for it. */
function entryFromSpec(spec: Obj, flavors: CatalogEntry["flavors"]): CatalogEntry {
  const meta = obj(spec.system_metadata);
  const tagsIn = obj(spec.tags);
  const tasks = obj(meta.tasks);
  const sku = obj(meta.SKU);
  const computes = obj(meta.supportedComputes);
  const dep = obj(meta.deprecation);
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(tagsIn))
    tags[k] = typeof v === "string" ? v : v !== null && typeof v === "object" ? pythonLiteral(v) : String(v);
  const setDate = (tag: string, v: unknown) => {
    const d = date(v);
    if (d) tags[tag] = d;
  };
  setDate("FinetuneDeprecationDate", dep.finetuneDeprecationDate);
  setDate("FinetuneRetirementDate", dep.finetuneRetirementDate);
  setDate("InferenceDeprecationDate", dep.inferenceDeprecationDate);
  setDate("InferenceRetirementDate", dep.inferenceRetirementDate);
  if (list(computes.finetuneComputes).length)
    tags.finetune_compute_allow_list = pythonLiteral(list(computes.finetuneComputes));
  if (list(computes.inferenceComputes).length)
    tags.inference_compute_allow_list = pythonLiteral(list(computes.inferenceComputes));
  if (list(tasks.inferenceTasks)[0]) tags.task = list(tasks.inferenceTasks)[0]!;
  if (typeof meta.license === "string") tags.license = meta.license.toLowerCase();
  if (typeof meta.publisher === "string") tags.author = meta.publisher;
  const properties: Record<string, string> = {};
  if (list(tasks.fineTuningTasks).length) properties["finetuning-tasks"] = list(tasks.fineTuningTasks).join(", ");
  if (typeof sku.finetuneMinSkuSpec === "string") properties["finetune-min-sku-spec"] = sku.finetuneMinSkuSpec;
  if (typeof sku.inferenceMinSkuSpec === "string") properties["inference-min-sku-spec"] = sku.inferenceMinSkuSpec;
  if (list(sku.finetuneRecommendedSkus).length)
    properties["finetune-recommended-sku"] = list(sku.finetuneRecommendedSkus).join(", ");
  for (const [k, v] of Object.entries(obj(spec.properties))) properties[k] = String(v);
  const name = String(spec.name);
  return {
    name,
    versions: [String(spec.version ?? "1")],
    archived: spec.isArchived === true,
    tags,
    properties,
    flavors,
    huggingfaceId: spec === NOT_CHAT ? "google-bert/bert-base-uncased" : `microsoft/${name}`,
  };
}

const PHI_FLAVORS = {
  hftransformersv2: { task_type: "chat-completion", hf_pretrained_class: "AutoModelForCausalLM" },
  python_function: { loader_module: "azureml.evaluate.mlflow.hftransformers" },
};

/** The catalog entries read, by their folder in azureml-assets `assets/models/system/`. */
const CATALOG_FOLDERS = ["phi-3-mini-4k-instruct", "phi-3.5-mini-128k-instruct", "Phi-4"];

/**
 * A live catalog model that fine-tunes for other tasks only (azureml-assets
 * `assets/models/system/bert-base-uncased/spec.yaml`: text-classification, token-classification, question-answering,
 * summarization, translation, fill-mask), so that "cannot fine-tune for chat-completion" can be met.
 */
const NOT_CHAT: Obj = {
  name: "bert-base-uncased",
  version: 19,
  tags: {},
  system_metadata: {
    tasks: { fineTuningTasks: ["text-classification", "token-classification", "question-answering"] },
    license: "Apache-2.0",
    publisher: "Google",
  },
};

/** Earlier published versions the registry still serves (same catalog data), oldest first. */
const EARLIER: Record<string, string[]> = {
  "Phi-3-mini-4k-instruct": ["13", "14"],
  "Phi-3.5-mini-instruct": ["5"],
  "Phi-4": ["7"],
};

/**
 * Siblings of an entry that have no spec copy here: served like it (Phi-3-mini-128k-instruct was archived
 * with Phi-3-mini-4k-instruct, commit #5103 of azureml-assets archived the whole family).
 */
const SIBLINGS: Record<string, Array<{ name: string; versions: string[] }>> = {
  "Phi-3-mini-4k-instruct": [
    { name: "Phi-3-mini-128k-instruct", versions: ["12", "13"] },
    { name: "Phi-3-medium-4k-instruct", versions: ["6", "7"] },
  ],
};

function readSpecs(): Obj[] {
  const specs = CATALOG_FOLDERS.map((d) => parse(readFileSync(catalogSpecFile(d), "utf8")) as Obj);
  return [...specs, NOT_CHAT];
}

/** The catalog, by model name. */
export function loadCatalog(): Map<string, CatalogEntry> {
  const catalog = new Map<string, CatalogEntry>();
  for (const spec of readSpecs()) {
    const e = entryFromSpec(spec, PHI_FLAVORS);
    e.versions = [...(EARLIER[e.name] ?? []), ...e.versions];
    catalog.set(e.name, e);
    for (const s of SIBLINGS[e.name] ?? [])
      catalog.set(s.name, { ...e, name: s.name, versions: s.versions, huggingfaceId: `microsoft/${s.name}` });
  }
  return catalog;
}

/**
 * Hugging Face ids the emulated model-import step can fetch: the Microsoft repositories the catalog was
 * built from, and a few public chat models. Anything else fails at the import step, as a missing or gated
 * repository does on Azure.
 */
export function fetchableHuggingfaceIds(catalog: Map<string, CatalogEntry>): Set<string> {
  const ids = [...catalog.values()].map((e) => e.huggingfaceId).filter((x): x is string => !!x);
  return new Set(
    [...ids, "microsoft/Phi-3.5-mini-instruct", "microsoft/phi-4", "Qwen/Qwen2.5-0.5B-Instruct"].map((s) =>
      s.toLowerCase(),
    ),
  );
}
