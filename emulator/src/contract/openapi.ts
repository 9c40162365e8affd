import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ML_API_VERSIONS } from "../arm/api-versions.js";
import { mlSpecFolder } from "../azure-files.js";
import AjvDraft04, { type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from "ajv-draft-04";

// A CommonJS module: under NodeNext its default import is module.exports, whose .default is the class.
const Ajv = AjvDraft04.default;
type Ajv = InstanceType<typeof Ajv>;

/**
 * Checks Azure ML REST bodies against the official OpenAPI (Swagger 2.0) files (vendored in emulator/azure/,
 * see azure-files.ts), read at run time. Swagger schemas are draft-04 JSON Schema plus extensions that AutoRest (and so Azure's
 * SDKs) read in ways plain JSON Schema does not; the loader rewrites them before Ajv sees them:
 * - `discriminator`: a reference to a polymorphic base validates against the subtype the body names
 *   (`x-ms-discriminator-value`, else the definition name), or the base alone for another value;
 * - `allOf` inheritance: `additionalProperties: false` covers the properties of the whole chain, not of
 *   one branch, so ancestors are referenced through a copy without it and the definition itself lists
 *   the inherited names;
 * - `x-nullable: true`: null is accepted;
 * - `readOnly`: ignored in requests (ARM ignores such properties), neither required nor checked.
 * Enums are checked as listed even where `x-ms-enum.modelAsString` makes them extensible in SDKs: the
 * emulator should only answer values the spec names.
 */
interface ContractCheck {
  ok: boolean;
  operationId?: string;
  errors: string[];
}

export interface Contract {
  /**
   * Validate a response the emulator gives: method, URL path (no host; query string allowed and ignored
   * except api-version), status code (declared for the operation), parsed JSON body (or undefined), and,
   * when given, its headers (see headerErrors).
   */
  checkResponse(
    method: string,
    path: string,
    status: number,
    body: unknown,
    headers?: Record<string, string | number>,
  ): ContractCheck;
  /** Validate a request body a client sends (PUT/POST/PATCH) against the operation's body parameter schema. */
  checkRequest(method: string, path: string, body: unknown): ContractCheck;
  /** Find the operation for a method + path, or undefined when the spec has no such path. */
  findOperation(method: string, path: string): { operationId: string; pathTemplate: string } | undefined;
}

export const API_VERSION = "2025-12-01";
/**
 * The Azure ML files, in the api-version's folder of azure-rest-api-specs (mlSpecFolder). Their `$ref`s pull
 * in the common types, which resolve as written since the files keep their places in that repository.
 */
export const SPEC_FILES = ["mfe.json", "machineLearningServices.json", "registries.json", "workspaceRP.json"];

/** Headers whose presence the spec's declaration of them requires (a client cannot follow the operation without). */
const REQUIRED_HEADERS = ["location", "azure-asyncoperation"];

/**
 * The errors of a response's headers against the operation's declaration: a declared Location or
 * Azure-AsyncOperation must be there, and a declared integer (Retry-After: 10–600) must be one, in bounds.
 */
export function headerErrors(
  label: string,
  declared: Record<string, Json>,
  headers: Record<string, string | number>,
): string[] {
  const byName = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const errors: string[] = [];
  for (const [name, schema] of Object.entries(declared)) {
    const value = byName.get(name.toLowerCase());
    if (value === undefined) {
      if (REQUIRED_HEADERS.includes(name.toLowerCase())) errors.push(`${label}: header ${name} is missing`);
      continue;
    }
    if (schema.type !== "integer") continue;
    const n = Number(value);
    const [min, max] = [schema.minimum as number | undefined, schema.maximum as number | undefined];
    if (!/^-?\d+$/.test(value.trim())) errors.push(`${label}: header ${name} must be an integer, not '${value}'`);
    else if ((min !== undefined && n < min) || (max !== undefined && n > max))
      errors.push(`${label}: header ${name} ${n} is outside ${min ?? "-∞"}–${max ?? "∞"}`);
  }
  return errors;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

interface Operation {
  operationId: string;
  pathTemplate: string;
  method: string;
  regex: RegExp;
  /** Literal segments, then literal characters: the most literal template wins. */
  score: [number, number];
  responses: Record<string, Json>;
  body?: { name: string; required: boolean; schema: unknown };
}

const cache = new Map<string, Contract>();

/** The contract of the spec files in a folder: by default, the API_VERSION folder of Azure's files. */
export function loadContract(dir = mlSpecFolder(API_VERSION)): Contract {
  const key = resolve(dir);
  let contract = cache.get(key);
  if (!contract) cache.set(key, (contract = compile(key)));
  return contract;
}

function compile(dir: string): Contract {
  const docs = readSpecs(dir);
  const operations = readOperations(docs);
  const validatorFor = validatorCache(docs);

  const find = (method: string, path: string) => findIn(operations, method, path);
  // Every accepted api-version is answered in the newest spec's shapes (arm/api-versions.ts): a success
  // under any of them is checked against this spec; one under a version Azure does not serve is an error.
  const apiVersionError = (op: Operation, path: string) => {
    const v = new URLSearchParams(path.split("?")[1] ?? "").get("api-version");
    return v !== null && !(ML_API_VERSIONS as readonly string[]).includes(v)
      ? [`${op.operationId}: api-version ${v} is not one Azure ML serves (arm/api-versions.ts)`]
      : [];
  };
  const run = (op: Operation, label: string, v: ValidateFunction, body: unknown): ContractCheck => {
    if (v(body)) return { ok: true, operationId: op.operationId, errors: [] };
    return { ok: false, operationId: op.operationId, errors: describe(`${op.operationId} ${label}`, v.errors) };
  };

  return {
    findOperation(method, path) {
      const op = find(method, path);
      return op && { operationId: op.operationId, pathTemplate: op.pathTemplate };
    },

    checkResponse(method, path, status, body, headers) {
      const op = find(method, path);
      // Not in the spec (e.g. the mfeOperationsStatus / mfeOperationResults polling URLs): the caller decides.
      if (!op) return { ok: true, errors: [] };
      const fail = (errors: string[]): ContractCheck => ({ ok: false, operationId: op.operationId, errors });
      const code = op.responses[String(status)]
        ? String(status)
        : status >= 400 && op.responses.default
          ? "default"
          : undefined;
      if (!code)
        return fail([
          `${status} is not a documented response of ${op.operationId} (documented: ${Object.keys(op.responses).join(", ")})`,
        ]);
      // A failure may answer under any api-version; a success claims the spec's.
      const declared = (op.responses[code]!.headers ?? {}) as Record<string, Json>;
      const versionErrors = [
        ...(status < 400 ? apiVersionError(op, path) : []),
        ...(headers ? headerErrors(`${op.operationId} ${status}`, declared, headers) : []),
      ];
      const schema = op.responses[code]!.schema;
      if (schema === undefined)
        return versionErrors.length ? fail(versionErrors) : { ok: true, operationId: op.operationId, errors: [] };
      if (body === undefined)
        return fail([...versionErrors, `${op.operationId} ${status}: no body, but the spec documents one`]);
      const r = run(op, String(status), validatorFor(`${op.method} ${op.pathTemplate} ${code}`, false, schema), body);
      return versionErrors.length ? fail([...versionErrors, ...r.errors]) : r;
    },

    checkRequest(method, path, body) {
      const op = find(method, path);
      if (!op) return { ok: true, errors: [] };
      const errors = apiVersionError(op, path);
      // Without a body parameter there is nothing to check: ARM ignores a stray `{}`.
      if (op.body && body === undefined && op.body.required)
        errors.push(`${op.operationId} request: the body parameter '${op.body.name}' is required`);
      if (op.body && body !== undefined)
        errors.push(
          ...run(op, "request", validatorFor(`${op.method} ${op.pathTemplate} request`, true, op.body.schema), body)
            .errors,
        );
      return { ok: errors.length === 0, operationId: op.operationId, errors };
    },
  };
}

/** The operation of a method and path: the most literal template that matches. */
function findIn(operations: Operation[], method: string, path: string): Operation | undefined {
  const p = path.split("?")[0]!.replace(/\/+$/, "");
  let best: Operation | undefined;
  for (const op of operations) {
    if (op.method !== method.toUpperCase() || !op.regex.test(p)) continue;
    if (!best || op.score[0] > best.score[0] || (op.score[0] === best.score[0] && op.score[1] > best.score[1]))
      best = op;
  }
  return best;
}

/**
 * Validators by key, compiled on first use: requests and responses each get their copy of the rewritten
 * schemas (requests rarely get checked outside tests, so theirs is built on first use).
 */
function validatorCache(docs: Map<string, Json>) {
  const responseDocs = rewrite(docs, false);
  let requestDocs: Map<string, Json> | undefined;
  const ajvs = new Map<boolean, Ajv>();
  const ajvFor = (request: boolean) => {
    let ajv = ajvs.get(request);
    if (!ajv) ajvs.set(request, (ajv = newAjv(request ? (requestDocs ??= rewrite(docs, true)) : responseDocs)));
    return ajv;
  };
  const validators = new Map<string, ValidateFunction>();
  return (key: string, request: boolean, schema: unknown) => {
    let v = validators.get(key);
    if (!v) {
      const ajv = ajvFor(request);
      // A plain reference is compiled once per definition, shared by every operation that answers it.
      const ref =
        isObject(schema) && Object.keys(schema).length === 1 && typeof schema.$ref === "string"
          ? schema.$ref
          : undefined;
      v = ref ? ajv.getSchema(ref) : ajv.compile(adjust(structuredClone(schema), request) as Json);
      if (!v) throw new Error(`contract: cannot resolve ${ref}`);
      validators.set(key, v);
    }
    return v;
  };
}

const within = (path: string, parent: string) => path === parent || path.startsWith(`${parent}/`);

/** Ajv messages as `<operation> <status>: <JSON path> <problem>`, nulls' alternatives left out. */
function describe(prefix: string, errors: ErrorObject[] | null | undefined): string[] {
  const all = errors ?? [];
  const lines = all
    // `x-nullable` wrappers ({anyOf: [null, X]}) would add "must be null" and "must match a schema in
    // anyOf" to each real error of X: keep only X's, unless X had none to show.
    .filter((e) => !(isObject(e.parentSchema) && e.parentSchema[NULL_BRANCH]))
    .filter(
      (e) =>
        !(
          e.keyword === "anyOf" &&
          isObject(e.parentSchema) &&
          e.parentSchema[NULLABLE] &&
          all.some(
            (o) =>
              o !== e &&
              within(o.instancePath, e.instancePath) &&
              !(isObject(o.parentSchema) && o.parentSchema[NULL_BRANCH]),
          )
        ),
    )
    .map((e) => {
      const p = e.params as Record<string, unknown>;
      const detail = Array.isArray(p.allowedValues)
        ? ` (${p.allowedValues.join(", ")})`
        : typeof p.additionalProperty === "string"
          ? ` (${p.additionalProperty})`
          : "";
      const message =
        e.keyword === "type" ? `must be ${String(p.type).split(",").join(" or ")}` : (e.message ?? e.keyword);
      return `${prefix}: ${e.instancePath || "/"} ${message}${detail}`;
    });
  return [...new Set(lines)].slice(0, 20);
}

/** The three Azure ML files and every file their `$ref`s reach, by file URL, with absolute `$ref`s. */
function readSpecs(dir: string): Map<string, Json> {
  const docs = new Map<string, Json>();
  const pending = SPEC_FILES.map((f) => join(dir, f));
  while (pending.length) {
    const file = pending.pop()!;
    const id = pathToFileURL(file).href;
    if (docs.has(id)) continue;
    const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
    delete doc["x-ms-examples"];
    walk(doc, (node) => {
      delete node["x-ms-examples"];
      if (typeof node.$ref !== "string") return;
      const [target = "", fragment = ""] = node.$ref.split("#");
      const path = target ? refFile(dir, file, target) : file;
      node.$ref = `${pathToFileURL(path).href}#${fragment}`;
      if (target) pending.push(path);
    });
    docs.set(id, doc);
  }
  return docs;
}

/** A referenced file's path, relative to the file that refers to it (as in azure-rest-api-specs). */
function refFile(dir: string, from: string, target: string): string {
  const path = resolve(dirname(from), target);
  if (!existsSync(path)) throw new Error(`contract: ${from} refers to ${target}, which is not there (under ${dir}?)`);
  return path;
}

function walk(node: unknown, f: (n: Json) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, f);
  else if (isObject(node)) {
    f(node);
    for (const v of Object.values(node)) walk(v, f);
  }
}

function pointer(docs: Map<string, Json>, ref: string): unknown {
  const [id, fragment = ""] = ref.split("#");
  let node: unknown = docs.get(id!);
  for (const part of fragment.split("/").filter(Boolean))
    node = isObject(node) ? node[decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  return node;
}

const METHODS = ["get", "put", "post", "patch", "delete", "head"];

function readOperations(docs: Map<string, Json>): Operation[] {
  const operations: Operation[] = [];
  for (const file of SPEC_FILES) {
    const doc = [...docs.entries()].find(([id]) => id.endsWith(`/${file}`))![1];
    for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
      const segments = template.split("/").filter(Boolean);
      const regex = new RegExp(
        `^/${segments
          .map((s) =>
            s
              .split(/(\{[^}]+\})/)
              .map((part) => (/^\{.+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
              .join(""),
          )
          .join("/")}$`,
        "i",
      );
      const literal = segments.filter((s) => !s.includes("{"));
      for (const method of METHODS) {
        const op = item[method];
        if (!isObject(op)) continue;
        const params = [...((item.parameters ?? []) as Json[]), ...((op.parameters ?? []) as Json[])].map((p) =>
          typeof p.$ref === "string" ? (pointer(docs, p.$ref) as Json) : p,
        );
        const body = params.find((p) => p?.in === "body");
        operations.push({
          operationId: String(op.operationId),
          pathTemplate: template,
          method: method.toUpperCase(),
          regex,
          score: [literal.length, literal.join("").length],
          responses: (op.responses ?? {}) as Record<string, Json>,
          body: body && { name: String(body.name), required: body.required === true, schema: body.schema },
        });
      }
    }
  }
  return operations;
}

// Markers the rewritten schemas carry, read back by the keyword and the error filter.
const POLYMORPH = "x-polymorph";
const NULLABLE = "x-nullable-wrapper";
const NULL_BRANCH = "x-null-branch";
const BASE = "__base";

interface Polymorph {
  property: string;
  /** The base without its discriminator: what a value no subtype claims is checked against. */
  base: string;
  subtypes: Record<string, string>;
}

/**
 * A copy of the specs as Ajv should read them (see the comment at the top): inheritance and
 * polymorphism made explicit, then nulls and (for requests) read-only properties.
 */
function rewrite(original: Map<string, Json>, request: boolean): Map<string, Json> {
  const docs = structuredClone(original);
  const defs = new Map<string, Json>();
  for (const [id, doc] of docs)
    for (const [name, def] of Object.entries((doc.definitions ?? {}) as Record<string, Json>))
      defs.set(`${id}#/definitions/${name}`, def);

  // Every property name a definition has through its allOf chain, as AutoRest reads it.
  const inherited = (def: Json, seen = new Set<Json>()): string[] => {
    if (seen.has(def)) return [];
    seen.add(def);
    const own = Object.keys((def.properties ?? {}) as Json);
    const parents = ((def.allOf ?? []) as Json[]).flatMap((p) => {
      const target = typeof p.$ref === "string" ? defs.get(p.$ref) : p;
      return target ? inherited(target, seen) : [];
    });
    return [...own, ...parents];
  };
  const ancestors = new Set<string>();
  const polymorphs = new Map<string, Polymorph>();
  for (const [id, def] of defs) {
    if (typeof def.discriminator === "string")
      polymorphs.set(id, { property: def.discriminator, base: id + BASE, subtypes: {} });
  }
  for (const [id, def] of defs) {
    for (const part of (def.allOf ?? []) as Json[]) {
      if (typeof part.$ref !== "string") continue;
      ancestors.add(part.$ref);
      const poly = polymorphs.get(part.$ref);
      if (poly) poly.subtypes[String(def["x-ms-discriminator-value"] ?? id.split("/").pop())] = id;
    }
  }
  const names = new Map(
    [...defs].map(([id, def]) => [id, def.additionalProperties === false && def.allOf ? inherited(def) : undefined]),
  );

  for (const [id, def] of defs) {
    const [docId, name] = [id.split("#")[0]!, id.split("/").pop()!];
    const definitions = docs.get(docId)!.definitions as Record<string, Json>;
    if (ancestors.has(id)) {
      // What a subtype inherits: the definition without its own closure rules.
      const { discriminator: _d, additionalProperties, ...rest } = structuredClone(def);
      definitions[name + BASE] =
        additionalProperties === false || additionalProperties === undefined ? rest : { ...rest, additionalProperties };
    }
    const poly = polymorphs.get(id);
    if (poly && Object.keys(poly.subtypes).length) {
      definitions[name] = { [POLYMORPH]: poly, ...(def["x-nullable"] === true ? { "x-nullable": true } : {}) };
      continue;
    }
    delete def.discriminator;
    const list = names.get(id);
    if (list) def.properties = { ...Object.fromEntries(list.map((n) => [n, {}])), ...(def.properties as Json) };
  }
  for (const doc of docs.values()) {
    walk(doc, (node) => {
      for (const part of (node.allOf ?? []) as Json[])
        if (typeof part.$ref === "string" && ancestors.has(part.$ref)) part.$ref += BASE;
    });
    walk(doc.definitions, (node) => adjustNode(node, request));
  }
  return docs;
}

/** x-nullable, and read-only properties of requests, for one schema tree (used for inline schemas too). */
function adjust(schema: unknown, request: boolean): unknown {
  walk(schema, (node) => adjustNode(node, request));
  return schema;
}

function adjustNode(node: Json, request: boolean): void {
  if (request && isObject(node.properties)) {
    const props = node.properties as Record<string, unknown>;
    const readOnly = Object.keys(props).filter((k) => isObject(props[k]) && (props[k] as Json).readOnly === true);
    for (const k of readOnly) props[k] = {};
    if (Array.isArray(node.required)) node.required = (node.required as string[]).filter((k) => !readOnly.includes(k));
  }
  if (node["x-nullable"] !== true || node[NULLABLE]) return;
  if (typeof node.type === "string" || Array.isArray(node.type)) {
    node.type = [...new Set([node.type, "null"].flat())];
    if (Array.isArray(node.enum)) node.enum = [...node.enum, null];
  } else if (node.$ref !== undefined || node.allOf !== undefined || node[POLYMORPH] !== undefined) {
    // The referenced schema says "object": null can only be an alternative to it.
    const inner: Json = {};
    for (const k of ["$ref", "allOf", POLYMORPH]) {
      if (node[k] !== undefined) inner[k] = node[k];
      delete node[k];
    }
    node.anyOf = [{ type: "null", [NULL_BRANCH]: true }, inner];
    node[NULLABLE] = true;
  } else if (Array.isArray(node.enum)) {
    node.enum = [...node.enum, null];
  }
}

function newAjv(docs: Map<string, Json>): Ajv {
  // verbose: the error filter needs each error's parentSchema.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, verbose: true, logger: false });
  const isInt = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
  ajv.addFormat("int32", { type: "number", validate: isInt(-(2 ** 31), 2 ** 31 - 1) });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i);
  // ISO 8601 (PT5M, P1DT2H); .NET writes TimeSpans as [d.]hh:mm:ss[.fffffff].
  ajv.addFormat(
    "duration",
    /^(-?P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?|-?(\d+\.)?\d{1,2}:\d{2}:\d{2}(\.\d+)?)$/i,
  );
  ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  for (const f of [
    "uri",
    "url",
    "arm-id",
    "double",
    "float",
    "byte",
    "binary",
    "date",
    "password",
    "unixtime",
    "base64url",
    "email",
  ])
    ajv.addFormat(f, true);

  const polymorph: SchemaValidateFunction = function (
    schema: Polymorph,
    data: unknown,
    _parent?: unknown,
    cxt?: Parameters<ValidateFunction>[1],
  ) {
    const value = isObject(data) ? data[schema.property] : undefined;
    const target = (typeof value === "string" && schema.subtypes[value]) || schema.base;
    const v = ajv.getSchema(target);
    if (!v) throw new Error(`contract: cannot resolve ${target}`);
    // The context carries the JSON path so far: nested errors name the full path.
    if (v(data, cxt)) return true;
    polymorph.errors = v.errors ?? [];
    return false;
  };
  ajv.addKeyword({ keyword: POLYMORPH, schemaType: "object", errors: true, validate: polymorph });
  for (const [id, doc] of docs) ajv.addSchema(doc, id);
  return ajv;
}
