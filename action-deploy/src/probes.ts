import type { Inputs } from "@phi3-aml/shared/inputs";
import { isoDuration } from "@phi3-aml/shared/inputs";

/** A probe as the inputs `liveness-probe` and `readiness-probe` give it (seconds and counts). */
export interface Probe {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold: number;
}

/** ProbeSettings of the 2025-12-01 spec (mfe.json): durations in ISO 8601. */
export interface ProbeSettings {
  initialDelay: string;
  period: string;
  timeout: string;
  failureThreshold: number;
  successThreshold: number;
}

/**
 * Microsoft's values for LLMs served from MLflow models: Azure/azureml-examples pull request #3983 ("Fix liveness
 * probe failure in share-models-components-environments notebook") set both probes to initial_delay 500 s,
 * period 100 s, failure_threshold 30 after "Liveness probe failed: HTTP probe failed with statuscode: 502", as
 * mlflow-deployment-with-explanations.ipynb already did. Timeout and success threshold keep the service's
 * defaults (ProbeSettings in azure-rest-api-specs …/machinelearningservices/stable/2025-12-01/mfe.json:
 * timeout PT2S, successThreshold 1).
 */
export const LLM_PROBE: Readonly<Probe> = {
  initialDelaySeconds: 500,
  periodSeconds: 100,
  timeoutSeconds: 2,
  failureThreshold: 30,
  successThreshold: 1,
};

/** Input keys → fields, with the range each accepts. */
const FIELDS: ReadonlyArray<{ key: string; field: keyof Probe; min: number; max: number }> = [
  { key: "initial-delay-seconds", field: "initialDelaySeconds", min: 0, max: 3600 },
  { key: "period-seconds", field: "periodSeconds", min: 1, max: 3600 },
  { key: "timeout-seconds", field: "timeoutSeconds", min: 1, max: 3600 },
  { key: "failure-threshold", field: "failureThreshold", min: 1, max: 1000 },
  { key: "success-threshold", field: "successThreshold", min: 1, max: 1000 },
];

const EXAMPLE = '{"initial-delay-seconds": 500, "period-seconds": 100, "failure-threshold": 30}';

export type ProbeKind = "liveness" | "readiness" | "startup";

/**
 * A startup probe's values where `startup-probe` leaves a key out: look every 10 s from the start, for up to
 * 90 failures (15 minutes) while the model loads, with the service's timeout (PT2S). Kubernetes starts the
 * liveness and readiness probes only once the startup probe has succeeded, so with one they can stay tight
 * (kubernetes.io, "Configure Liveness, Readiness and Startup Probes": "Protect slow starting containers with
 * startup probes"); the 2025-12-01 OnlineDeployment's `startupProbe` is a ProbeSettings like the others (mfe.json).
 */
export const STARTUP_PROBE: Readonly<Probe> = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 2,
  failureThreshold: 90,
  successThreshold: 1,
};

/** The `startup-probe` input: undefined when not given (the deployment then has no startup probe). */
export function readStartupProbe(i: Inputs): Probe | undefined {
  if (!i.raw("startup-probe").trim()) return undefined;
  const given = i.json<Record<string, unknown>>("startup-probe", {
    expect: `a JSON object such as ${STARTUP_EXAMPLE}`,
    check: (v) =>
      v && typeof v === "object" && !Array.isArray(v) ? undefined : `is not a JSON object such as ${STARTUP_EXAMPLE}`,
  });
  if (!given) return undefined;
  const probe: Probe = { ...STARTUP_PROBE };
  for (const problem of probeProblems("startup", given, probe))
    i.problem("startup-probe", i.raw("startup-probe"), problem);
  return probe;
}

const STARTUP_EXAMPLE = '{"period-seconds": 10, "failure-threshold": 90}';

/**
 * One probe input: a JSON object of the keys above, each optional (missing keys keep Microsoft's LLM value,
 * or `startup-delay-seconds` for the initial delay). Everything wrong is reported at once, naming the key.
 */
export function readProbe(i: Inputs, kind: ProbeKind, startupDelaySeconds?: number): Probe {
  const input = `${kind}-probe`;
  const probe: Probe = { ...LLM_PROBE };
  if (startupDelaySeconds !== undefined) probe.initialDelaySeconds = startupDelaySeconds;
  const given = i.json<Record<string, unknown>>(input, {
    expect: `a JSON object such as ${EXAMPLE}`,
    check: (v) =>
      v && typeof v === "object" && !Array.isArray(v) ? undefined : `is not a JSON object such as ${EXAMPLE}`,
  });
  if (!given) return probe;
  for (const problem of probeProblems(kind, given, probe)) i.problem(input, i.raw(input), problem);
  return probe;
}

/** Fills `probe` from the given object and returns what is wrong with it (empty when nothing is). */
function probeProblems(kind: ProbeKind, given: Record<string, unknown>, probe: Probe): string[] {
  const problems: string[] = [];
  const known = new Set(FIELDS.map((f) => f.key));
  for (const key of Object.keys(given).filter((k) => !known.has(k)))
    problems.push(`has an unknown key "${key}"; the keys are ${[...known].join(", ")}`);
  for (const { key, field, min, max } of FIELDS) {
    if (!(key in given)) continue;
    const v = given[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      problems.push(`has ${key} ${JSON.stringify(v)}; expected a whole number from ${min} to ${max}`);
    else probe[field] = v;
  }
  // Kubernetes, which runs the containers, accepts only 1 for a liveness or startup probe's success threshold.
  if (kind !== "readiness" && probe.successThreshold !== 1)
    problems.push(`has success-threshold ${probe.successThreshold}; a ${kind} probe's must be 1`);
  if (probe.timeoutSeconds > probe.periodSeconds)
    problems.push(
      `has timeout-seconds ${probe.timeoutSeconds} above period-seconds ${probe.periodSeconds}; a probe must end before the next starts`,
    );
  return problems;
}

/** The probe as the deployment body writes it. */
export function probeSettings(p: Probe): ProbeSettings {
  return {
    initialDelay: isoDuration(p.initialDelaySeconds),
    period: isoDuration(p.periodSeconds),
    timeout: isoDuration(p.timeoutSeconds),
    failureThreshold: p.failureThreshold,
    successThreshold: p.successThreshold,
  };
}
