import { readAzureInputs, type AzureSettings } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { checkName, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";

export interface TeardownInputs {
  maxAgeHours?: number;
  endpoint?: string;
  includeExpired: boolean;
  dryRun: boolean;
  /** GITHUB_REPOSITORY (owner/name): only endpoints whose repository tag names it are ours. */
  repository: string;
  azure: AzureSettings;
}

/** Every input of the teardown action, checked before any request (defaults equal action.yml's). */
export function readInputs(i: Inputs, env: NodeJS.ProcessEnv = process.env): TeardownInputs {
  const endpoint = i.string("endpoint");
  if (endpoint && checkName(ONLINE_ENDPOINT, endpoint))
    i.problem("endpoint", endpoint, `is not a valid ${ONLINE_ENDPOINT.what}: ${ONLINE_ENDPOINT.rule}`);
  const repository = env.GITHUB_REPOSITORY?.trim() ?? "";
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository))
    i.problem(
      "GITHUB_REPOSITORY",
      repository,
      "is not owner/name: teardown deletes only endpoints whose repository tag names this repository; run it in a GitHub workflow (or set GITHUB_REPOSITORY)",
    );
  return {
    maxAgeHours: i.float("max-age-hours", { min: 0, max: 24 * 365 }),
    endpoint,
    includeExpired: i.boolean("include-expired", { default: true }) ?? true,
    dryRun: i.boolean("dry-run", { default: false }) ?? false,
    repository,
    azure: readAzureInputs(i),
  };
}
