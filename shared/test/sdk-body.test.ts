import { isSdkBody, sdkBody, SDK_KINDS } from "../src/azureml/sdk-body.js";

describe("the adapter between the REST bodies and the Azure ML SDK's request types", () => {
  it("passes each kind the actions send through as the very same object", () => {
    const compute = { location: "westeurope", properties: { computeType: "AmlCompute", properties: {} } };
    const job = { properties: { jobType: "Pipeline", jobs: { a: { type: "command" } } } };
    const deployment = { location: "westeurope", properties: { endpointComputeType: "Managed" } };
    expect(sdkBody("computeType", compute)).toBe(compute);
    expect(sdkBody("jobType", job)).toBe(job);
    expect(sdkBody("endpointComputeType", deployment)).toBe(deployment);
  });

  it("refuses a body whose discriminator the SDK would serialize as another kind, or that has none", () => {
    expect(() => sdkBody("jobType", { properties: { jobType: "Sweep" } })).toThrow(
      'A request body with properties.jobType "Sweep" is not one the Azure ML SDK serializes as written (expected Pipeline).',
    );
    expect(() => sdkBody("computeType", { properties: { jobType: "Pipeline" } })).toThrow(
      /properties\.computeType undefined .*expected AmlCompute/,
    );
    expect(isSdkBody("endpointComputeType", { properties: [] })).toBe(false);
    expect(isSdkBody("endpointComputeType", null)).toBe(false);
    expect(isSdkBody("endpointComputeType", { properties: { endpointComputeType: "Kubernetes" } })).toBe(false);
  });

  it("knows one kind per discriminator, the one each action sends", () => {
    expect(SDK_KINDS).toEqual({ computeType: ["AmlCompute"], jobType: ["Pipeline"], endpointComputeType: ["Managed"] });
  });
});
