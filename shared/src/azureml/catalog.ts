/**
 * A model version of the Azure ML model catalog (a registry such as `azureml`), read the way Azure ML studio
 * and Microsoft's notebooks read it: its archive flag, its lifecycle dates, the tasks it can be fine-tuned
 * for, its `model_specific_defaults`, its compute allow-lists and its minimum VM spec.
 *
 * Where these come from, as the registry serves a model version (`properties.tags` / `properties.properties`,
 * every value a string):
 * - Tags `model_specific_defaults`, `finetune_compute_allow_list`, `inference_compute_allow_list`: Python
 *   literals. Azure/azureml-examples `sdk/python/foundation-models/system/finetune/chat-completion/
 *   chat-completion.ipynb` reads them with `ast.literal_eval(foundation_model.tags[...])` and merges the
 *   defaults over its own training parameters; azure-ai-ml's `Model` entity exposes `tags` as a str → str dict.
 * - Tags `FinetuneDeprecationDate`, `FinetuneRetirementDate`, `InferenceDeprecationDate`,
 *   `InferenceRetirementDate` ("2025-08-30"), and properties `finetuning-tasks`, `finetune-min-sku-spec`,
 *   `inference-min-sku-spec` ("vCPUs|GPUs|memory GB|disk GB"), `finetune-recommended-sku`: Azure/azureml-assets
 *   `assets/models/system/phi-3-mini-4k-instruct/spec.yaml` at commit 0103fd16 (version 15, as published).
 *   Newer spec files keep the same data under `system_metadata` (`deprecation.finetuneRetirementDate`,
 *   `tasks.fineTuningTasks`, `SKU.finetuneMinSkuSpec`); both spellings are read.
 * - `isArchived`: AssetBase in the 2025-12-01 REST spec (machineLearningServices/mfe.json).
 */

import type { Registry } from "./registry.js";

export type Scalar = string | number | boolean;

/** Minimum VM spec of a model: "24|1|220|64" = 24 vCPUs, 1 GPU, 220 GB memory, 64 GB disk. */
export interface MinSpec {
  vCPUs: number;
  gpus: number;
  memoryGB: number;
  diskGB: number;
  /** As the catalog wrote it. */
  text: string;
}

/** Deprecation and retirement of one use of a model (fine-tuning or inference). ISO dates (yyyy-mm-dd). */
interface UseDates {
  deprecation?: string;
  retirement?: string;
}

export interface CatalogModel {
  registry?: string;
  name: string;
  version: string;
  archived: boolean;
  /** Tasks the catalog lists for fine-tuning ("chat-completion"); empty when it lists none. */
  finetuningTasks: string[];
  /** `model_specific_defaults`: component input → value, as the catalog gives them. */
  defaults: Record<string, Scalar>;
  finetuneAllowList?: string[];
  inferenceAllowList?: string[];
  finetuneMinSpec?: MinSpec;
  inferenceMinSpec?: MinSpec;
  finetune: UseDates;
  inference: UseDates;
  /** The Hugging Face repository of the same model, when the catalog names one (else no guess is made). */
  huggingfaceId?: string;
  /** Tags that were present but could not be read, in words (the model is still usable). */
  unreadable: string[];
}

export type Use = "finetune" | "inference";
type Phase = "live" | "deprecated" | "retired";

export interface Lifecycle {
  use: Use;
  /** retired: past the retirement date; deprecated: past the deprecation date, not yet retired. */
  phase: Phase;
  archived: boolean;
  deprecation?: string;
  retirement?: string;
  /** One sentence: "Phi-3-mini-4k-instruct version 15 is archived; fine-tuning was retired on 2025-08-30." */
  sentence: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Python literals as ast.literal_eval takes them (dict, list, tuple, str, int, float, True/False/None). */
export function parsePythonLiteral(text: string): unknown {
  const p = new LiteralParser(text);
  const value = p.value();
  p.end();
  return value;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  value(): unknown {
    this.space();
    const c = this.s[this.i];
    if (c === "{") return this.dict();
    if (c === "[") return this.sequence("[", "]");
    if (c === "(") return this.sequence("(", ")");
    if (c === "'" || c === '"') return this.string(c);
    return this.word();
  }

  end(): void {
    this.space();
    if (this.i < this.s.length) this.fail("unexpected text");
  }

  private dict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    for (;;) {
      this.space();
      if (this.eat("}")) return out;
      const key = this.value();
      this.space();
      if (!this.eat(":")) this.fail("expected ':'");
      out[String(key)] = this.value();
      this.space();
      if (this.eat("}")) return out;
      if (!this.eat(",")) this.fail("expected ',' or '}'");
    }
  }

  private sequence(open: string, close: string): unknown[] {
    const out: unknown[] = [];
    this.i += open.length;
    for (;;) {
      this.space();
      if (this.eat(close)) return out;
      out.push(this.value());
      this.space();
      if (this.eat(close)) return out;
      if (!this.eat(",")) this.fail(`expected ',' or '${close}'`);
    }
  }

  private string(quote: string): string {
    let out = "";
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
      if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else if (e === "u" || e === "x") {
        const len = e === "u" ? 4 : 2;
        out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + len), 16));
        this.i += len;
      } else out += `\\${e ?? ""}`;
    }
    return this.fail("unterminated string");
  }

  private word(): unknown {
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(?![\w.])|^[A-Za-z_][\w.]*/.exec(this.s.slice(this.i));
    if (!m) return this.fail("expected a value");
    this.i += m[0].length;
    const w = m[0];
    if (w === "True") return true;
    if (w === "False") return false;
    if (w === "None") return null;
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(w)) return Number(w);
    return this.fail(`unknown name ${w}`);
  }

  private space(): void {
    while (/\s/.test(this.s[this.i] ?? "")) this.i++;
  }

  private eat(c: string): boolean {
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }

  private fail(what: string): never {
    throw new Error(`${what} at character ${this.i} of ${JSON.stringify(this.s.slice(0, 80))}`);
  }
}

/** "24|1|220|64" → MinSpec; undefined for anything else. */
export function parseMinSpec(text: unknown): MinSpec | undefined {
  if (typeof text !== "string") return undefined;
  const parts = text.split("|").map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n) || n < 0)) return undefined;
  const [vCPUs, gpus, memoryGB, diskGB] = parts as [number, number, number, number];
  return { vCPUs, gpus, memoryGB, diskGB, text: text.trim() };
}

/** A list tag: a Python/JSON list literal, or a comma-separated string ("A, B"). */
export function parseList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string" || !value.trim()) return undefined;
  const t = value.trim();
  if (/^[[({'"]/.test(t)) {
    const parsed = parsePythonLiteral(t);
    if (!Array.isArray(parsed)) throw new Error("not a list");
    return parsed.map(String);
  }
  return t
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A dict tag such as model_specific_defaults: a Python/JSON dict literal of scalars. */
export function parseDefaults(value: unknown): Record<string, Scalar> {
  const parsed = typeof value === "string" ? parsePythonLiteral(value) : value;
  if (!isObject(parsed)) throw new Error("not a dict");
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}

/** yyyy-mm-dd of a catalog date ("2025-08-30", "2025-08-30T00:00:00.000000Z"), or undefined. */
export function catalogDate(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  return m && !Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`)) ? m[1] : undefined;
}

/** A key looked up case-insensitively, ignoring '-' and '_' (tags are written in several styles). */
function pick(bag: Record<string, unknown>, ...keys: string[]): unknown {
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, "");
  const want = new Set(keys.map(norm));
  const hit = Object.keys(bag).find((k) => want.has(norm(k)));
  return hit === undefined ? undefined : bag[hit];
}

/** Reads one tag, recording (not throwing) a tag that is present but malformed. */
function readTag<T>(bag: Record<string, unknown>, key: string, read: (v: unknown) => T, unreadable: string[]) {
  const raw = pick(bag, key);
  if (raw === undefined || raw === "") return undefined;
  try {
    return read(raw);
  } catch (e) {
    unreadable.push(`the tag ${key} (${(e as Error).message})`);
    return undefined;
  }
}

/** The catalog facts of a registry model version resource (GET .../models/{name}/versions/{v}). */
export function catalogModel(resource: unknown, registry?: string): CatalogModel {
  const r = isObject(resource) ? resource : {};
  const p = isObject(r.properties) ? r.properties : {};
  const tags = isObject(p.tags) ? p.tags : {};
  const props = isObject(p.properties) ? p.properties : {};
  const unreadable: string[] = [];
  const bag = { ...props, ...tags };
  const tasks = parseList(pick(bag, "finetuning-tasks", "fineTuningTasks")) ?? [];
  return {
    registry,
    name: typeof r.name === "string" && !/^\d+$/.test(r.name) ? r.name : (nameFromId(r.id) ?? String(r.name ?? "")),
    version: versionFromId(r.id) ?? String(r.name ?? ""),
    archived: p.isArchived === true || String(p.isArchived).toLowerCase() === "true",
    finetuningTasks: tasks.map((t) => t.toLowerCase()),
    defaults: readTag(tags, "model_specific_defaults", parseDefaults, unreadable) ?? {},
    finetuneAllowList: readTag(tags, "finetune_compute_allow_list", parseList, unreadable),
    inferenceAllowList: readTag(tags, "inference_compute_allow_list", parseList, unreadable),
    finetuneMinSpec: parseMinSpec(pick(bag, "finetune-min-sku-spec", "finetuneMinSkuSpec")),
    inferenceMinSpec: parseMinSpec(pick(bag, "inference-min-sku-spec", "inferenceMinSkuSpec")),
    finetune: {
      deprecation: catalogDate(pick(bag, "FinetuneDeprecationDate")),
      retirement: catalogDate(pick(bag, "FinetuneRetirementDate")),
    },
    inference: {
      deprecation: catalogDate(pick(bag, "InferenceDeprecationDate")),
      retirement: catalogDate(pick(bag, "InferenceRetirementDate")),
    },
    huggingfaceId: hfId(pick(bag, "huggingface_model_id", "hf_model_id", "huggingfaceModelId")),
    unreadable,
  };
}

/** "owner/name" as Hugging Face spells a repository, or undefined. */
function hfId(v: unknown): string | undefined {
  const t = typeof v === "string" ? v.trim() : "";
  return /^[\w.-]{1,96}\/[\w.-]{1,96}$/.test(t) ? t : undefined;
}

const ID = /\/models\/([^/]+)\/versions\/([^/?]+)/i;
const nameFromId = (id: unknown) => (typeof id === "string" ? ID.exec(id)?.[1] : undefined);
const versionFromId = (id: unknown) => (typeof id === "string" ? ID.exec(id)?.[2] : undefined);

const USE_WORD: Record<Use, string> = { finetune: "fine-tuning", inference: "deployment (inference)" };

/** Where a model version stands for a use on `now`. Archived counts as retired. */
export function lifecycle(m: CatalogModel, use: Use, now: Date = new Date()): Lifecycle {
  const dates = m[use];
  const today = now.toISOString().slice(0, 10);
  const label = `${m.name} version ${m.version}${m.registry ? ` (registry ${m.registry})` : ""}`;
  const retiredByDate = dates.retirement !== undefined && dates.retirement <= today;
  const phase: Phase =
    retiredByDate || m.archived
      ? "retired"
      : dates.deprecation !== undefined && dates.deprecation <= today
        ? "deprecated"
        : "live";
  const parts: string[] = [];
  if (m.archived) parts.push(`${label} is archived in the catalog`);
  if (retiredByDate) parts.push(`${USE_WORD[use]} of ${m.name} was retired on ${dates.retirement}`);
  else if (phase === "deprecated")
    parts.push(
      `${USE_WORD[use]} of ${label} is deprecated since ${dates.deprecation}${dates.retirement ? ` and retires on ${dates.retirement}` : ""}`,
    );
  else if (m.archived && dates.retirement) parts.push(`its ${USE_WORD[use]} retirement date is ${dates.retirement}`);
  const sentence = parts.length ? `${capital(parts.join("; "))}.` : `${label} is live for ${USE_WORD[use]}.`;
  return { use, phase, archived: m.archived, ...dates, sentence };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** True when the catalog lists the task among the model's fine-tuning tasks. */
export const finetunesFor = (m: CatalogModel, task = "chat-completion") => m.finetuningTasks.includes(task);

/**
 * The catalog name a Hugging Face id most likely has: microsoft/Phi-3-mini-4k-instruct → Phi-3-mini-4k-instruct
 * (the azureml registry names Microsoft's models after their Hugging Face repository).
 */
export const catalogNameOf = (huggingfaceId: string) => huggingfaceId.trim().split("/").at(-1) ?? huggingfaceId;

/**
 * Live catalog models that list a fine-tuning task: the registry's active models whose latest version is
 * neither archived nor retired for fine-tuning and lists the task. Read from the registry, never a list kept
 * here. Models named like `near` (same first word, e.g. "Phi") are looked at first, and at most `max`
 * versions are read, since the public catalog holds thousands of models.
 */
export async function liveFinetuneModels(
  registry: Pick<Registry, "name" | "list" | "version">,
  o: { task?: string; near?: string; max?: number; now?: Date } = {},
): Promise<CatalogModel[]> {
  const containers = await registry.list("models", { listViewType: "ActiveOnly" });
  const stem = (o.near ?? "").split(/[-_/ .]/)[0]?.toLowerCase() ?? "";
  const near = (n: string) => (stem && n.toLowerCase().startsWith(stem) ? 0 : 1);
  const ordered = containers
    .filter((c) => c.properties.isArchived !== true && c.properties.latestVersion)
    .sort((a, b) => near(a.name) - near(b.name) || a.name.localeCompare(b.name))
    .slice(0, o.max ?? 12);
  const found: CatalogModel[] = [];
  for (const c of ordered) {
    const v = await registry.version("models", c.name, c.properties.latestVersion!);
    if (!v) continue;
    const m = catalogModel(v, registry.name);
    if (finetunesFor(m, o.task) && lifecycle(m, "finetune", o.now).phase !== "retired") found.push(m);
  }
  return found;
}
