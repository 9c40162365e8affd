/**
 * The api-versions the emulator answers, in one place.
 *
 * Microsoft.MachineLearningServices: the stable versions and the previews that Azure's own clients send.
 * Sources: the folders of azure-rest-api-specs
 * (specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/{stable,preview}/…),
 * and the tags azure-ai-ml generates its `_restclient` from
 * (Azure/azure-sdk-for-python, sdk/ml/azure-ai-ml/swagger/machinelearningservices/resource-manager/readme.md:
 * v2022_01_01_preview … v2025_01_01_preview). @azure/arm-machinelearning 2.1.1 sends 2022-10-01;
 * azure-mgmt-machinelearningservices sends 2022-10-01 (the Debian 2023-01 snapshot) or later.
 *
 * Every version is answered in the shapes of 2025-12-01 (whose spec the contract test holds); 2026-07-01's
 * definitions of what the emulator serves have the same wire shapes (docs/emulator.md, "2025-12-01 → 2026-07-01"),
 * but for a model version's `datasets`, which 2026-07-01 added (model-datasets.ts: kept and shown on 2026-07-01 only):
 * for the operations the emulator serves, the older shapes are subsets of it (fields were added over the
 * versions, none the emulator fills was removed or renamed), so an older client reads what it knows and
 * ignores the rest. Where a meaning changed, the older meaning is followed; see docs/emulator.md.
 */
export const ML_API_VERSIONS = [
  // stable
  "2021-07-01",
  "2022-05-01",
  "2022-10-01",
  "2023-04-01",
  "2023-10-01",
  "2024-04-01",
  "2024-10-01",
  "2025-04-01",
  "2025-09-01",
  "2025-12-01",
  // 2026-07-01: the newest stable (one TypeSpec-generated openapi.json); docs/emulator.md compares it with 2025-12-01
  "2026-07-01",
  // previews azure-ai-ml uses
  "2022-01-01-preview",
  "2022-02-01-preview",
  "2022-06-01-preview",
  "2022-10-01-preview",
  "2022-12-01-preview",
  "2023-02-01-preview",
  "2023-04-01-preview",
  "2023-06-01-preview",
  "2023-08-01-preview",
  "2024-01-01-preview",
  "2024-04-01-preview",
  "2024-07-01-preview",
  "2024-10-01-preview",
  "2025-01-01-preview",
  // 2026 previews (azure-rest-api-specs …/MachineLearningServices/preview/); @azure/arm-machinelearning 4.0.0-beta.1
  // sends 2026-03-15-preview by default
  "2026-01-15-preview",
  "2026-03-15-preview",
  "2026-07-15-preview",
  // data-plane previews azure-ai-ml sends to a registry's management frontend (same readme's tags)
  "2020-09-01-dataplanepreview",
  "2021-10-01-dataplanepreview",
  "2024-04-01-dataplanepreview",
] as const;

/**
 * Microsoft.Resources (GET /subscriptions, GET /tenants), as az login, azure/login and the Azure SDKs'
 * subscription clients send them (azure-rest-api-specs specification/resources/resource-manager/
 * Microsoft.Resources/stable/{2016-06-01 … 2022-12-01}/subscriptions.json).
 */
const RESOURCES_API_VERSIONS = [
  "2016-06-01",
  "2018-06-01",
  "2019-06-01",
  "2019-11-01",
  "2020-01-01",
  "2021-01-01",
  "2022-12-01",
] as const;

export interface ApiVersionProblem {
  code: "MissingApiVersionParameter" | "NoRegisteredProviderFound" | "InvalidApiVersionParameter";
  message: string;
}

const isResourcesPath = (path: string) =>
  /^\/(subscriptions|tenants)\/?$/i.test(path) || /^\/subscriptions\/[^/]+\/?$/i.test(path);

/** Why a request's api-version is refused, in Azure Resource Manager's words; undefined when it is accepted. */
export function apiVersionProblem(path: string, version: string | null): ApiVersionProblem | undefined {
  if (!version)
    return {
      code: "MissingApiVersionParameter",
      message: "The api-version query parameter (?api-version=) is required for all requests.",
    };
  if (isResourcesPath(path)) {
    if ((RESOURCES_API_VERSIONS as readonly string[]).includes(version)) return undefined;
    return {
      code: "InvalidApiVersionParameter",
      message: `The api-version '${version}' is invalid. The supported versions are '${RESOURCES_API_VERSIONS.join(",")}'.`,
    };
  }
  if ((ML_API_VERSIONS as readonly string[]).includes(version)) return undefined;
  return {
    code: "NoRegisteredProviderFound",
    message: `No registered resource provider found for location and API version '${version}' and type 'Microsoft.MachineLearningServices'. The supported api-versions are '${ML_API_VERSIONS.join(", ")}'.`,
  };
}
