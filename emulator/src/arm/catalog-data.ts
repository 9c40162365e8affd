/**
 * The `azureml` model catalog as the registry serves it today: Phi-3 / Phi-3.5 archived past their fine-tune
 * retirement, Phi-4 live. Built from the catalog entries in ../shared/specs/azureml-assets/models/<name>/spec.yaml
 * when they are there (read once, at start), else from the minimal built-in copy below.
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
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { specsDir } from "../contract/openapi.js";

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
export function entryFromSpec(spec: Obj, flavors: CatalogEntry["flavors"]): CatalogEntry {
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

/** The built-in copy when the spec files are absent: the facts the actions read, nothing more. */
const FALLBACK: Obj[] = [
  {
    name: "Phi-3-mini-4k-instruct",
    version: 15,
    isArchived: true,
    tags: {
      model_specific_defaults: {
        apply_deepspeed: "true",
        deepspeed_stage: 2,
        apply_lora: "true",
        apply_ort: "false",
        precision: 16,
        ignore_mismatched_sizes: "false",
        num_train_epochs: 1,
        per_device_train_batch_size: 1,
        per_device_eval_batch_size: 1,
        gradient_accumulation_steps: 1,
        learning_rate: 5e-6,
        lr_scheduler_type: "cosine",
        logging_strategy: "steps",
        logging_steps: 10,
        save_total_limit: 1,
      },
    },
    system_metadata: {
      tasks: { fineTuningTasks: ["chat-completion"], inferenceTasks: ["chat-completion"] },
      SKU: { finetuneMinSkuSpec: "24|1|220|64", inferenceMinSkuSpec: "6|1|112|64" },
      supportedComputes: {
        finetuneComputes: [
          "Standard_NC24ads_A100_v4",
          "Standard_NC48ads_A100_v4",
          "Standard_NC96ads_A100_v4",
          "Standard_ND96asr_v4",
          "Standard_ND96amsr_A100_v4",
        ],
      },
      deprecation: {
        finetuneDeprecationDate: "2025-06-30",
        finetuneRetirementDate: "2025-08-30",
        inferenceDeprecationDate: "2025-06-30",
        inferenceRetirementDate: "2025-08-30",
      },
      license: "MIT",
      publisher: "Microsoft",
    },
  },
  {
    name: "Phi-4",
    version: 8,
    tags: {
      model_specific_defaults: {
        apply_deepspeed: "true",
        deepspeed_stage: 3,
        apply_lora: "true",
        precision: 16,
        num_train_epochs: 1,
        per_device_train_batch_size: 1,
        learning_rate: 5e-6,
        lr_scheduler_type: "cosine",
        save_total_limit: 1,
      },
    },
    system_metadata: {
      tasks: { fineTuningTasks: ["chat-completion"], inferenceTasks: ["chat-completion"] },
      SKU: { finetuneMinSkuSpec: "24|1|220|64", inferenceMinSkuSpec: "24|1|220|64" },
      supportedComputes: {
        finetuneComputes: [
          "Standard_NC24ads_A100_v4",
          "Standard_NC48ads_A100_v4",
          "Standard_NC96ads_A100_v4",
          "Standard_ND96asr_v4",
          "Standard_NC40ads_H100_v5",
        ],
      },
      license: "MIT",
      publisher: "Microsoft",
    },
  },
];

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
  const dir = specsDir();
  const models = dir ? join(dir, "azureml-assets", "models") : undefined;
  if (!models || !existsSync(models)) return [...FALLBACK, NOT_CHAT];
  const out: Obj[] = [];
  for (const d of readdirSync(models)) {
    const file = join(models, d, "spec.yaml");
    if (existsSync(file)) out.push(parse(readFileSync(file, "utf8")) as Obj);
  }
  return out.length ? [...out, NOT_CHAT] : [...FALLBACK, NOT_CHAT];
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
