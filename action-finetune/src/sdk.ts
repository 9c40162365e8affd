/**
 * The one place where this action's REST bodies meet the SDK. @azure/arm-machinelearning 2.1.1 is typed for
 * api-version 2022-10-01, while the client sends 2026-07-01 (shared/src/azureml/client.ts API_VERSION) and the
 * bodies here follow its shapes (those of 2025-12-01 for these bodies) (compute-body.ts, job-body.ts; checked against the official OpenAPI files in
 * the tests). The SDK's serializer writes what its mappers know and passes a pipeline's `jobs` dictionary
 * through as it is, so the bodies reach the wire unchanged: only their TypeScript types differ, hence this
 * single cast.
 */
import type { ComputeResource, JobBase } from "@azure/arm-machinelearning";
import type { ComputeBody } from "./compute-body.js";
import type { PipelineJobBody } from "./job-body.js";

/** A 2025-12-01 body as the 2022-10-01-typed SDK parameter it is sent as. */
export function forSdk(body: ComputeBody): ComputeResource;
export function forSdk(body: PipelineJobBody): JobBase;
export function forSdk(body: ComputeBody | PipelineJobBody): ComputeResource | JobBase {
  return body as unknown as ComputeResource | JobBase;
}
