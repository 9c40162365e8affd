import {
  deploymentBody,
  modelLabel,
  msToIsoDuration,
  settingsHash,
  type DeploymentOptions,
} from "../src/deployment-body.js";
import { LLM_PROBE } from "../src/probes.js";
import { ARM, ENV, NOW, officialContract, OURS, Q } from "./helpers.js";

const options: DeploymentOptions = {
  location: "eastus",
  modelId: `${ARM}/models/phi3-chat-ft/versions/7`,
  instanceType: "Standard_NC6s_v3",
  instanceCount: 1,
  requestTimeoutMs: 90000,
  maxConcurrentRequests: 1,
  livenessProbe: LLM_PROBE,
  readinessProbe: LLM_PROBE,
  environmentVariables: { MAX_TOTAL_TOKENS: "4096" },
  now: NOW,
  env: ENV,
};

describe("managed online deployment body", () => {
  it("writes a 90 s request timeout as PT1M30S", () => {
    expect(msToIsoDuration(90000)).toBe("PT1M30S");
    expect(deploymentBody(options).properties.requestSettings.requestTimeout).toBe("PT1M30S");
  });

  it("keeps fractions of a second and writes hours", () => {
    expect(msToIsoDuration(1500)).toBe("PT1.5S");
    expect(msToIsoDuration(90250)).toBe("PT1M30.25S");
    expect(msToIsoDuration(5000)).toBe("PT5S");
    expect(msToIsoDuration(3_600_000)).toBe("PT1H");
    expect(msToIsoDuration(0)).toBe("PT0S");
    expect(() => msToIsoDuration(-1)).toThrow();
  });

  it("is a managed deployment of the model with Default sku capacity = instance count", () => {
    const b = deploymentBody({ ...options, instanceCount: 3, instanceType: "Standard_NC4as_T4_v3" });
    expect(b.location).toBe("eastus");
    expect(b.sku).toEqual({ name: "Default", capacity: 3 });
    expect(b.properties).toMatchObject({
      endpointComputeType: "Managed",
      model: `${ARM}/models/phi3-chat-ft/versions/7`,
      instanceType: "Standard_NC4as_T4_v3",
      scaleSettings: { scaleType: "Default" },
      requestSettings: { maxConcurrentRequestsPerInstance: 1 },
      environmentVariables: { MAX_TOTAL_TOKENS: "4096" },
    });
    // An MLflow model needs no environment or scoring script.
    expect(b.properties).not.toHaveProperty("environmentId");
    expect(b.properties).not.toHaveProperty("codeConfiguration");
  });

  it("writes both probes out in full, by default with Microsoft's LLM values (500 s delay, 100 s period, 30 failures)", () => {
    const llm = {
      initialDelay: "PT8M20S",
      period: "PT1M40S",
      timeout: "PT2S",
      failureThreshold: 30,
      successThreshold: 1,
    };
    expect(deploymentBody(options).properties.livenessProbe).toEqual(llm);
    expect(deploymentBody(options).properties.readinessProbe).toEqual(llm);
    const ready = { ...LLM_PROBE, initialDelaySeconds: 90, successThreshold: 2 };
    expect(deploymentBody({ ...options, readinessProbe: ready }).properties.readinessProbe).toEqual({
      ...llm,
      initialDelay: "PT1M30S",
      successThreshold: 2,
    });
  });

  it("tags the deployment as ours, with its model and a fingerprint of its settings", () => {
    const b = deploymentBody(options);
    expect(b.tags).toMatchObject({ ...OURS, model: "phi3-chat-ft:7", commit: ENV.GITHUB_SHA });
    expect(b.tags.settings).toMatch(/^[0-9a-f]{16}$/);
    for (const v of Object.values(b.tags)) expect(v.length).toBeLessThanOrEqual(256);
  });

  it("fingerprints what the deployment runs, not when or by whom it was made", () => {
    const a = deploymentBody(options).tags.settings;
    expect(deploymentBody({ ...options, now: new Date("2030-01-01"), env: {} }).tags.settings).toBe(a);
    expect(deploymentBody({ ...options, environmentVariables: { MAX_TOTAL_TOKENS: "8192" } }).tags.settings).not.toBe(
      a,
    );
    expect(deploymentBody({ ...options, modelId: `${ARM}/models/phi3-chat-ft/versions/8` }).tags.settings).not.toBe(a);
    expect(deploymentBody({ ...options, instanceCount: 2 }).tags.settings).not.toBe(a);
    const slower = { ...LLM_PROBE, periodSeconds: 120 };
    expect(deploymentBody({ ...options, readinessProbe: slower }).tags.settings).not.toBe(a);
    // Environment variables are hashed, never written out in a tag.
    expect(JSON.stringify(deploymentBody(options).tags)).not.toContain("4096");
    const b = deploymentBody(options);
    expect(settingsHash({ ...b, properties: { ...b.properties, environmentVariables: { B: "2", A: "1" } } })).toBe(
      settingsHash({ ...b, properties: { ...b.properties, environmentVariables: { A: "1", B: "2" } } }),
    );
  });

  it("labels a model id as name:version", () => {
    expect(modelLabel(`${ARM}/models/phi3-chat-ft/versions/7`)).toBe("phi3-chat-ft:7");
    expect(modelLabel("azureml:phi3:7")).toBe("azureml:phi3:7");
  });
});

describe("managed online deployment body against the official OpenAPI contract", () => {
  it("is a valid OnlineDeployments_CreateOrUpdate request", () => {
    const r = officialContract().checkRequest(
      "PUT",
      `${ARM}/onlineEndpoints/phi3-chat/deployments/v07${Q}`,
      deploymentBody(options),
    );
    expect(r.errors).toEqual([]);
    expect(r.operationId).toBe("OnlineDeployments_CreateOrUpdate");
  });

  it("is a check that can fail: an unknown property is refused", () => {
    const b = deploymentBody(options) as unknown as { properties: Record<string, unknown> };
    b.properties.gpuCount = 1;
    expect(officialContract().checkRequest("PUT", `${ARM}/onlineEndpoints/phi3-chat/deployments/v07${Q}`, b).ok).toBe(
      false,
    );
  });
});
