import { datasetsProblem, hasDatasets, withoutDatasets } from "../arm/model-datasets.js";
import type { Exchange } from "../http.js";
import { headerErrors, loadContract } from "./openapi.js";

/** The Retry-After (and Location) an mfeOperationResults 202 owes its client, as the DELETE's 202 declares them. */
function pollHeaderErrors(x: Exchange): string[] {
  if (x.status !== 202 || !/\/mfeOperationResults\//i.test(x.path) || !x.responseHeaders) return [];
  const declared = {
    Location: { type: "string" },
    "Retry-After": { type: "integer", minimum: 10, maximum: 600 },
  };
  return headerErrors(`mfeOperationResults ${x.status}`, declared, x.responseHeaders);
}

export interface ContractReport {
  checked: number;
  /** Exchanges on paths the spec does not describe (e.g. the async-operation status URLs). */
  undocumented: string[];
  violations: Array<{ exchange: string; errors: string[] }>;
  /** Subscriptions whose Retry-After a test shortened below the spec's 10 s: those headers are not counted. */
  shortenedPacing?: string[];
}

/** Leaves out the Retry-After bounds errors of an exchange whose subscription runs on shortened (test) pacing. */
const pacingErrorsDropped = (errors: string[], shortened: boolean) =>
  shortened ? errors.filter((e) => !/header Retry-After /.test(e)) : errors;

const MODEL_VERSION = /\/models\/[^/]+\/versions(\/[^/]+)?$/i;

/**
 * A 2026-07-01 model version exchange as 2025-12-01 (the vendored spec) would check it: its `datasets` (the one
 * field 2026-07-01 adds there, see arm/model-datasets.ts) checked on their own, then left out of the bodies.
 */
function as2025(x: Exchange): { x: Exchange; errors: string[] } {
  if (!MODEL_VERSION.test(x.path) || !hasDatasets(new URLSearchParams(x.query).get("api-version")))
    return { x, errors: [] };
  const bodies = (b: unknown): unknown[] =>
    Array.isArray((b as { value?: unknown[] } | undefined)?.value) ? (b as { value: unknown[] }).value : [b];
  const props = (r: unknown) => (r as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const errors = [...bodies(x.responseBody), ...(x.status < 400 ? [x.requestBody] : [])]
    .map((r) => datasetsProblem(props(r)))
    .filter((e) => e !== undefined)
    .map(([message, target]) => `2026-07-01 ${target}: ${message}`);
  const strip = (b: unknown) =>
    Array.isArray((b as { value?: unknown[] } | undefined)?.value)
      ? { ...(b as object), value: (b as { value: unknown[] }).value.map(withoutDatasets) }
      : withoutDatasets(b);
  return { x: { ...x, requestBody: strip(x.requestBody), responseBody: strip(x.responseBody) }, errors };
}

/** Checks what the emulator answered (and what clients sent) against the official OpenAPI files. */
export function checkExchanges(
  exchanges: Exchange[],
  pacingShortened: (path: string) => boolean = () => false,
): ContractReport {
  const contract = loadContract();
  const report: ContractReport = { checked: 0, undocumented: [], violations: [] };
  for (const exchange of exchanges) {
    const { x, errors: added } = as2025(exchange);
    const path = `${x.path}${x.query}`;
    const label = `${x.method} ${x.path} → ${x.status}`;
    if (!contract.findOperation(x.method, path)) {
      // The polling URLs are not in the spec; their 202s promise what the operation's 202 does (10–600 s).
      const pollErrors = pacingErrorsDropped(pollHeaderErrors(x), pacingShortened(x.path));
      if (pollErrors.length) report.violations.push({ exchange: label, errors: pollErrors });
      const shape = `${x.method} ${x.path.replace(/\/(workspaces|subscriptions|resourceGroups)\/[^/]+/gi, "/$1/{name}")}`;
      if (!/\/mfeOperation(s)?(Status|Results)\//i.test(x.path) && !report.undocumented.includes(shape))
        report.undocumented.push(shape);
      continue;
    }
    report.checked++;
    const errors: string[] = [...added];
    const res = contract.checkResponse(x.method, path, x.status, x.responseBody, x.responseHeaders);
    if (!res.ok) errors.push(...pacingErrorsDropped(res.errors, pacingShortened(x.path)));
    if (x.requestBody !== undefined && ["PUT", "POST", "PATCH"].includes(x.method) && x.status < 400) {
      const req = contract.checkRequest(x.method, path, x.requestBody);
      if (!req.ok) errors.push(...req.errors.map((e) => `request: ${e}`));
    }
    if (errors.length) report.violations.push({ exchange: label, errors });
  }
  return report;
}
