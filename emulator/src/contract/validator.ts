import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import AjvDraft04, { type ErrorObject, type ValidateFunction } from "ajv-draft-04";

// A CommonJS module: under NodeNext its default import is module.exports, whose .default is the class.
const Ajv = AjvDraft04.default;
type Ajv = InstanceType<typeof Ajv>;

/**
 * Checks Azure ML REST bodies against the official OpenAPI (Swagger 2.0) files in ../shared/specs:
 * what the emulator answers, and what clients send it. Swagger schemas are draft-04 JSON Schema plus
 * extensions; three of them matter for validation and are translated here:
 * - `discriminator` + `x-ms-discriminator-value`: a body is also validated against the subtype its
 *   discriminator names (custom keyword `x-polymorph`);
 * - `x-nullable: true`: null is allowed;
 * - `readOnly`: allowed in requests (Resource Manager ignores them).
 * `additionalProperties: false` is not enforced (see transform). Paths the files do not describe (the
 * workspace itself lives in workspaceRP.json, not among the shared specs) are reported, not checked.
 */
export interface ContractCheck {
  ok: boolean;
  operationId?: string;
  errors: string[];
}

export interface Contract {
  checkResponse(method: string, path: string, status: number, body: unknown): ContractCheck;
  checkRequest(method: string, path: string, body: unknown): ContractCheck;
  findOperation(method: string, path: string): { operationId: string; pathTemplate: string } | undefined;
}

const BASE = "https://specs.local";
const SPEC_FILES = ["mfe.json", "machineLearningServices.json", "registries.json"];
const COMMON = "common-types/resource-management/v3";

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  pathTemplate: string;
  method: string;
  regex: RegExp;
  literals: number;
  file: string;
  pointer: string;
  responses: Record<string, unknown>;
  bodyPointer?: string;
}

/** The specs folder: $PHI3_SPECS_DIR, else ../shared/specs beside the repository. Undefined when absent. */
export function specsDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.PHI3_SPECS_DIR, join(here, "..", "..", "..", "..", "shared", "specs")].filter(Boolean) as string[];
  return candidates.find((d) => existsSync(join(d, "azureml", "2025-12-01", "mfe.json")));
}

const pointerEscape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** Rewrites one schema tree for Ajv: x-nullable, and references to polymorphic bases from their own subtypes. */
function transform(node: unknown, f: (n: Json) => void): void {
  if (Array.isArray(node)) node.forEach((n) => transform(n, f));
  else if (node && typeof node === "object") {
    f(node as Json);
    for (const v of Object.values(node as Json)) transform(v, f);
  }
}

let cached: { dir: string; contract: Contract } | undefined;

export function loadContract(dir = specsDir()): Contract | undefined {
  if (!dir) return undefined;
  if (cached?.dir === dir) return cached.contract;
  const docs = new Map<string, Json>();
  for (const f of SPEC_FILES) docs.set(`${BASE}/azureml/${f}`, JSON.parse(readFileSync(join(dir, "azureml", "2025-12-01", f), "utf8")) as Json);
  for (const f of readdirSync(join(dir, COMMON)).filter((n) => n.endsWith(".json"))) {
    docs.set(`${BASE}/${COMMON}/${f}`, JSON.parse(readFileSync(join(dir, COMMON, f), "utf8")) as Json);
  }

  // Polymorphic bases and their subtypes, across files: base id → (discriminator, value → subtype id).
  const abs = (ref: string, fileId: string) => new URL(ref, fileId).href;
  const bases = new Map<string, { property: string; map: Record<string, string> }>();
  for (const [id, doc] of docs) {
    for (const [name, def] of Object.entries((doc.definitions ?? {}) as Record<string, Json>)) {
      if (typeof def.discriminator === "string") bases.set(`${id}#/definitions/${name}`, { property: def.discriminator, map: {} });
    }
  }
  for (const [id, doc] of docs) {
    for (const [name, def] of Object.entries((doc.definitions ?? {}) as Record<string, Json>)) {
      for (const part of (def.allOf ?? []) as Json[]) {
        const base = typeof part.$ref === "string" ? bases.get(abs(part.$ref, id)) : undefined;
        if (base) base.map[String(def["x-ms-discriminator-value"] ?? name)] = `${id}#/definitions/${name}`;
      }
    }
  }
  // Each base becomes { allOf: [<base as written>], x-polymorph }; subtypes keep referring to the base as written.
  for (const [id, doc] of docs) {
    const defs = (doc.definitions ?? {}) as Record<string, Json>;
    for (const name of Object.keys(defs)) {
      const poly = bases.get(`${id}#/definitions/${name}`);
      if (!poly) continue;
      const { discriminator: _d, ...plain } = defs[name]!;
      defs[`${name}__base`] = plain;
      defs[name] = { allOf: [{ $ref: `#/definitions/${name}__base` }], "x-polymorph": poly };
    }
    transform(defs, (n) => {
      for (const part of (n.allOf ?? []) as Json[]) {
        if (typeof part.$ref === "string" && bases.has(abs(part.$ref, id))) part.$ref = `${abs(part.$ref, id)}__base`;
      }
      // AutoRest reads additionalProperties: false over a whole allOf chain; JSON Schema applies it to
      // each branch alone, where every inherited property looks "additional". Not enforced here.
      if (n.additionalProperties === false) delete n.additionalProperties;
      if (n["x-nullable"] === true) {
        if (typeof n.type === "string") n.type = [n.type, "null"];
        else if (n.$ref) {
          n.anyOf = [{ $ref: n.$ref }, { type: "null" }];
          delete n.$ref;
        }
      }
    });
  }

  const make = (request: boolean) => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false, logger: false });
    ajv.addKeyword({
      keyword: "x-polymorph",
      validate: function polymorph(this: unknown, schema: { property: string; map: Record<string, string> }, data: unknown) {
        const self = polymorph as unknown as { errors?: ErrorObject[] };
        if (!data || typeof data !== "object") return true;
        const target = schema.map[String((data as Json)[schema.property])];
        if (!target) return true; // an unknown value is checked by the base's own enum, if it has one
        const v = ajv.getSchema(target);
        if (!v || v(data)) return true;
        self.errors = (v.errors ?? []).map((e: ErrorObject) => ({ ...e, message: `${e.message} (as ${target.split("/").pop()})` }));
        return false;
      },
      errors: true,
    });
    if (request) {
      // ARM ignores read-only properties in requests: drop them from `required` lists.
      ajv.addKeyword({ keyword: "readOnly", schemaType: "boolean" });
    }
    for (const [id, doc] of docs) ajv.addSchema(request ? stripReadOnlyRequired(structuredClone(doc)) : doc, id);
    return ajv;
  };
  let responseAjv: Ajv | undefined;
  let requestAjv: Ajv | undefined;

  // Operations: every path + method of the three Azure ML files.
  const operations: Operation[] = [];
  for (const f of SPEC_FILES) {
    const id = `${BASE}/azureml/${f}`;
    const doc = docs.get(id)!;
    for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      const segments = template.split("/");
      const regex = new RegExp(`^${segments.map((s) => (/^\{.+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/")}$`, "i");
      for (const [method, op] of Object.entries(item) as Array<[string, Json]>) {
        if (!["get", "put", "post", "patch", "delete", "head"].includes(method)) continue;
        const pointer = `#/paths/${pointerEscape(template)}/${method}`;
        let bodyPointer: string | undefined;
        const scan = (list: Json[], at: string) =>
          list.forEach((p, k) => {
            const resolved = typeof p.$ref === "string" ? resolvePointer(docs, abs(p.$ref, id)) : p;
            if (resolved?.in === "body") bodyPointer = typeof p.$ref === "string" ? `${abs(p.$ref, id)}/schema` : `${id}${at}/parameters/${k}/schema`;
          });
        scan((item.parameters ?? []) as Json[], `#/paths/${pointerEscape(template)}`);
        scan((op.parameters ?? []) as Json[], pointer);
        operations.push({
          operationId: String(op.operationId),
          pathTemplate: template,
          method: method.toUpperCase(),
          regex,
          literals: segments.filter((s) => s && !/^\{.+\}$/.test(s)).length,
          file: id,
          pointer,
          responses: (op.responses ?? {}) as Record<string, unknown>,
          bodyPointer,
        });
      }
    }
  }

  const find = (method: string, path: string) => {
    const p = path.split("?")[0]!;
    return operations
      .filter((o) => o.method === method.toUpperCase() && o.regex.test(p))
      .sort((a, b) => b.literals - a.literals)[0];
  };
  const compiled = new Map<string, ValidateFunction | undefined>();
  const validator = (ajv: Ajv, ref: string) => {
    const key = `${ajv === requestAjv ? "req" : "res"} ${ref}`;
    if (!compiled.has(key)) compiled.set(key, ajv.compile({ $ref: ref }));
    return compiled.get(key);
  };
  const describe = (op: Operation, label: string, errors: ErrorObject[] | null | undefined) =>
    (errors ?? []).slice(0, 10).map((e) => `${op.operationId} ${label}: ${e.instancePath || "/"} ${e.message}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}`);

  const contract: Contract = {
    findOperation(method, path) {
      const op = find(method, path);
      return op && { operationId: op.operationId, pathTemplate: op.pathTemplate };
    },
    checkResponse(method, path, status, body) {
      const op = find(method, path);
      if (!op) return { ok: true, errors: [] };
      const documented = op.responses[String(status)] as Json | undefined;
      const response = documented ?? (status >= 400 ? (op.responses.default as Json | undefined) : undefined);
      if (!response) return { ok: false, operationId: op.operationId, errors: [`${status} is not a documented response of ${op.operationId} (documented: ${Object.keys(op.responses).join(", ")})`] };
      if (!response.schema) return { ok: true, operationId: op.operationId, errors: [] };
      responseAjv ??= make(false);
      const code = documented ? String(status) : "default";
      const v = validator(responseAjv, `${op.file}${op.pointer}/responses/${code}/schema`)!;
      return v(body) ? { ok: true, operationId: op.operationId, errors: [] } : { ok: false, operationId: op.operationId, errors: describe(op, String(status), v.errors) };
    },
    checkRequest(method, path, body) {
      const op = find(method, path);
      if (!op?.bodyPointer) return { ok: true, operationId: op?.operationId, errors: [] };
      requestAjv ??= make(true);
      const ref = op.bodyPointer.includes("#") ? op.bodyPointer : `${op.file}${op.bodyPointer}`;
      const v = validator(requestAjv, ref)!;
      return v(body) ? { ok: true, operationId: op.operationId, errors: [] } : { ok: false, operationId: op.operationId, errors: describe(op, "request", v.errors) };
    },
  };
  cached = { dir, contract };
  return contract;
}

function resolvePointer(docs: Map<string, Json>, ref: string): Json | undefined {
  const [id, fragment = ""] = ref.split("#");
  let node: unknown = docs.get(id!);
  for (const part of fragment.split("/").filter(Boolean)) node = (node as Json | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return node as Json | undefined;
}

/** Request copies of the specs: a read-only property is never required of a client. */
function stripReadOnlyRequired(doc: Json): Json {
  transform(doc, (n) => {
    if (Array.isArray(n.required) && n.properties && typeof n.properties === "object") {
      const props = n.properties as Record<string, Json>;
      n.required = (n.required as string[]).filter((r) => props[r]?.readOnly !== true);
    }
  });
  return doc;
}
