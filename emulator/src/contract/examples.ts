import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { mlSpecFolder } from "../azure-files.js";
import { API_VERSION, SPEC_FILES } from "./openapi.js";

type Json = Record<string, unknown>;

/** One official example (azure-rest-api-specs `x-ms-examples`), with the operation it belongs to. */
export interface OfficialExample {
  /** Its path under examples/ ("Job/cancel.json"). */
  name: string;
  operationId: string;
  method: string;
  /** The operation's path template ("/subscriptions/{subscriptionId}/…"). */
  template: string;
  parameters: Json;
  /** The name of the operation's body parameter, when it has one. */
  bodyName?: string;
  responses: Record<string, { body?: unknown; headers?: Record<string, string | number> }>;
}

interface SpecOperation {
  operationId: string;
  template: string;
  method: string;
  bodyName?: string;
  examples: string[];
}

/** Every operation of the spec files, with the example files its x-ms-examples name. */
function specOperations(dir: string): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const file of SPEC_FILES) {
    const doc = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      paths: Record<string, Record<string, Json>>;
      parameters?: Record<string, Json>;
    };
    // A parameter is written in place, or as a $ref to the file's own `parameters`.
    const resolve = (p: Json) =>
      typeof p.$ref === "string" && p.$ref.startsWith("#/parameters/")
        ? (doc.parameters?.[p.$ref.slice("#/parameters/".length)] ?? p)
        : p;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === "parameters") continue;
        const params = [...((item.parameters ?? []) as Json[]), ...((op.parameters ?? []) as Json[])].map(resolve);
        const body = params.find((p) => p.in === "body");
        const refs = Object.values((op["x-ms-examples"] ?? {}) as Record<string, { $ref: string }>);
        operations.push({
          operationId: String(op.operationId),
          template,
          method: method.toUpperCase(),
          bodyName: body?.name as string | undefined,
          examples: refs.map((r) => join(dir, r.$ref)),
        });
      }
    }
  }
  return operations;
}

/** Every example under the spec folder's examples/**, each with its operation (by default, API_VERSION's). */
export function officialExamples(dir = mlSpecFolder(API_VERSION)): OfficialExample[] {
  const operations = specOperations(dir);
  const files = (readdirSync(join(dir, "examples"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".json"))
    .map((f) => join(dir, "examples", f));
  return files.sort().map((file) => {
    const name = relative(join(dir, "examples"), file);
    const example = JSON.parse(readFileSync(file, "utf8")) as {
      operationId?: string;
      parameters: Json;
      responses: OfficialExample["responses"];
    };
    const op =
      operations.find((o) => o.examples.includes(file)) ??
      operations.find((o) => o.operationId === example.operationId);
    if (!op) throw new Error(`example ${name} belongs to no operation of ${SPEC_FILES.join(", ")}`);
    return { name, ...op, parameters: example.parameters, responses: example.responses };
  });
}

/** The example's request path, its parameters (or the overrides given) put into the template. */
export function examplePath(e: OfficialExample, overrides: Json = {}): string {
  const params = { ...e.parameters, ...overrides };
  return (
    e.template.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(String(params[p]))) +
    `?api-version=${String(params["api-version"])}`
  );
}
