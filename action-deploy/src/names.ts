import { checkName, deriveName, ONLINE_DEPLOYMENT, ONLINE_ENDPOINT } from "@phi3-aml/shared/names";

/**
 * The endpoint name when the `endpoint` input is empty: derived from the repository ("Octo-Org/Phi3_Demo"
 * → "octo-org-phi3-demo"). Scoring URIs are <endpoint>.<region>.inference.ml.azure.com, so the name must be
 * unique in the region; the repository is what tells one project's endpoint from another's. Outside
 * Actions (no GITHUB_REPOSITORY) a fixed name keeps local runs predictable.
 */
export function defaultEndpointName(repository: string | undefined): string {
  return deriveName(ONLINE_ENDPOINT, repository?.trim() ? repository : "phi3-chat");
}

/**
 * The deployment name for a model version: "v" and the version. Azure wants 3-32 characters, so one-digit
 * versions are zero-padded ("v07", not "v7", which Azure refuses); versions that are not plain numbers are
 * turned into a valid name the same way other names are derived.
 */
export function deploymentNameFor(version: string): string {
  const v = version.trim();
  if (/^\d+$/.test(v)) {
    const name = `v${v.padStart(2, "0")}`;
    if (!checkName(ONLINE_DEPLOYMENT, name)) return name;
  }
  return deriveName(ONLINE_DEPLOYMENT, `v-${v}`);
}

/**
 * `base` when no deployment has that name, else the first free "base-2", "base-3", … (cut so that the
 * suffix fits in 32 characters). Deployment names are compared case-insensitively, as Azure does.
 */
export function freeName(base: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const tail = `-${i}`;
    const name = `${base.slice(0, ONLINE_DEPLOYMENT.max - tail.length).replace(/-+$/, "")}${tail}`;
    if (!used.has(name.toLowerCase())) return name;
  }
}
