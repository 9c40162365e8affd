import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { checkName, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";

export interface TeardownInputs {
  maxAgeHours?: number;
  endpoint?: string;
  includeExpired: boolean;
  dryRun: boolean;
  azure: AzureSettings;
}

/** Every input of the teardown action, checked before any request (defaults equal action.yml's). */
export function readInputs(i: Inputs): TeardownInputs {
  const endpoint = i.string("endpoint");
  if (endpoint && checkName(ONLINE_ENDPOINT, endpoint))
    i.problem("endpoint", endpoint, `is not a valid ${ONLINE_ENDPOINT.what}: ${ONLINE_ENDPOINT.rule}`);
  return {
    maxAgeHours: i.float("max-age-hours", { min: 0, max: 24 * 365 }),
    endpoint,
    includeExpired: i.boolean("include-expired", { default: true }) ?? true,
    dryRun: i.boolean("dry-run", { default: false }) ?? false,
    azure: readAzureInputs(i),
  };
}
