/**
 * The one place where the actions' REST bodies meet @azure/arm-machinelearning's request types. The SDK
 * (2.1.1) is typed for api-version 2022-10-01, while the client sends 2025-12-01 (client.ts API_VERSION) and
 * the bodies follow that spec (action-finetune's compute-body.ts and job-body.ts, action-deploy's
 * deployment-body.ts; checked against the official OpenAPI files in their tests). The SDK's serializer picks
 * a body's mapper by the discriminator in `properties` (computeType, jobType, endpointComputeType), writes what
 * that mapper knows and passes a pipeline's `jobs` dictionary through as it is, so a body reaches the wire
 * unchanged when its discriminator names a kind the SDK knows. That is what the guard checks at run time.
 */
import type { ComputeResource, JobBase, OnlineDeployment } from "@azure/arm-machinelearning";

/** Each SDK request type the actions send, by the discriminator its `properties` carry. */
export interface SdkBodies {
  computeType: ComputeResource;
  jobType: JobBase;
  endpointComputeType: OnlineDeployment;
}
export type SdkKind = keyof SdkBodies;

/**
 * The kinds the actions send, each a subtype the SDK has a mapper for (Compute: AmlCompute; JobBaseProperties:
 * PipelineJob; OnlineDeploymentProperties: ManagedOnlineDeployment).
 */
export const SDK_KINDS: { readonly [K in SdkKind]: readonly string[] } = {
  computeType: ["AmlCompute"],
  jobType: ["Pipeline"],
  endpointComputeType: ["Managed"],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether `body` is a resource body whose `properties[kind]` is one of the kinds the SDK serializes as sent. */
export function isSdkBody<K extends SdkKind>(kind: K, body: unknown): body is SdkBodies[K] {
  if (!isObject(body) || !isObject(body.properties)) return false;
  const value = body.properties[kind];
  return typeof value === "string" && SDK_KINDS[kind].includes(value);
}

/** `body` as the SDK request type it is sent as; throws when the guard fails (the body would not serialize as written). */
export function sdkBody<K extends SdkKind>(kind: K, body: { properties: object }): SdkBodies[K] {
  if (isSdkBody(kind, body)) return body;
  const value = isObject(body.properties) ? body.properties[kind] : undefined;
  throw new Error(
    `A request body with properties.${kind} ${JSON.stringify(value)} is not one the Azure ML SDK serializes as written (expected ${SDK_KINDS[kind].join(", ")}).`,
  );
}
