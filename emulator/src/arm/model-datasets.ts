/**
 * A model version's `datasets`: the one field that 2026-07-01 adds to what the emulator serves. The
 * ModelVersionProperties of 2026-07-01 is the ModelVersion of 2025-12-01 plus `datasets`, an array of
 * DatasetReference ({ name, id }, both nullable strings) (azure-rest-api-specs, commit
 * 20273ef8cd9e7bf29321c13d4a076bd92d4ad851, specification/machinelearningservices/resource-manager/
 * Microsoft.MachineLearningServices/MachineLearningServices/stable/2026-07-01/openapi.json; docs/emulator.md,
 * "2025-12-01 → 2026-07-01"). 2025-12-01's ModelVersion has `additionalProperties: false`, so a client of an older
 * version neither sends nor gets it. The 2026 previews were not compared: they answer as before.
 */
const DATASETS_VERSIONS: ReadonlySet<string> = new Set(["2026-07-01"]);

/** Whether a request of this api-version may carry, and gets back, a model version's `datasets`. */
export const hasDatasets = (apiVersion: string | null | undefined): boolean =>
  Boolean(apiVersion && DATASETS_VERSIONS.has(apiVersion));

const nullableString = (x: unknown) => x === undefined || x === null || typeof x === "string";

function isDatasetReference(d: unknown): boolean {
  if (typeof d !== "object" || d === null || Array.isArray(d)) return false;
  const r = d as Record<string, unknown>;
  return nullableString(r.name) && nullableString(r.id);
}

/** The problem (message, target) of a version's `datasets`, or undefined when absent, null or well-formed. */
export function datasetsProblem(p: Record<string, unknown>): [string, string] | undefined {
  const d = p.datasets;
  if (d === undefined || d === null || (Array.isArray(d) && d.every(isDatasetReference))) return undefined;
  return ["datasets must be an array of dataset references ({ name, id }).", "properties.datasets"];
}

/** A model version resource without `datasets` (as an older api-version shows it); others unchanged. */
export function withoutDatasets<T>(resource: T): T {
  const r = resource as { properties?: Record<string, unknown> } | undefined;
  if (!r?.properties || !("datasets" in r.properties)) return resource;
  const { datasets: _datasets, ...properties } = r.properties;
  return { ...r, properties } as T;
}
