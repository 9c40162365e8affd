import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mlSpecFolder } from "../src/azure-files.js";
import { API_VERSION, loadContract, SPEC_FILES } from "../src/contract/openapi.js";
import { examplePath, officialExamples } from "../src/contract/examples.js";

type Json = Record<string, unknown>;

/** The 2025-12-01 spec folder (emulator/azure/); a missing file fails the suite. */
const dir = mlSpecFolder(API_VERSION);

const WS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w";
const Q = `?api-version=${API_VERSION}`;

interface Case {
  /** `<example file> request` or `<example file> <status>`. */
  name: string;
  kind: "request" | "response";
  method: string;
  path: string;
  status: number;
  body: unknown;
  headers?: Record<string, string | number>;
}

const jobsPut = (label: string) =>
  `Jobs_CreateOrUpdate ${label}: /properties/jobType must be equal to one of the allowed values (AutoML, Command, Sweep, Pipeline, Spark)`;
const jobStatus = (label: string) =>
  `Jobs_CreateOrUpdate ${label}: /properties/status must be equal to one of the allowed values (NotStarted, Starting, Provisioning, Preparing, Queued, Running, Finalizing, CancelRequested, Completed, Failed, Canceled, NotResponding, Paused, Unknown)`;
// No 2025-12-01 operation refers to the FineTuningJob example (its own `operationId` names
// Jobs_CreateOrUpdate): it was written for the preview api-versions, where FineTuning is a job type; the
// stable JobType enum is AutoML, Command, Sweep, Pipeline, Spark (see emulator/azure/NOTICE.md). Its
// responses also answer status "Created", which the 2025-12-01 JobStatus enum does not have.
const fineTuning = "FineTuning jobs exist only in preview api-versions; status Created is not in the JobStatus enum";

/**
 * Official examples that break their own spec, with the reason and the exact errors they must still
 * give, so the table cannot outlive the problem. The validator is not loosened for them.
 */
const allowedViolations: Record<string, { reason: string; errors: string[] }> = {
  "Job/FineTuningJob/createOrUpdate.json request": { reason: fineTuning, errors: [jobsPut("request")] },
  "Job/FineTuningJob/createOrUpdate.json 200": { reason: fineTuning, errors: [jobsPut("200"), jobStatus("200")] },
  "Job/FineTuningJob/createOrUpdate.json 201": { reason: fineTuning, errors: [jobsPut("201"), jobStatus("201")] },
};

/** Every official example as the cases it gives: its request body, and each of its responses. */
function exampleCases(): Case[] {
  return officialExamples(dir).flatMap((e) => {
    const path = examplePath(e);
    const request = e.bodyName ? e.parameters[e.bodyName] : undefined;
    const cases: Case[] = [];
    if (request !== undefined)
      cases.push({ name: `${e.name} request`, kind: "request", method: e.method, path, status: 0, body: request });
    for (const [status, res] of Object.entries(e.responses)) {
      // A response without a body still shows that its status is a documented one.
      cases.push({
        name: `${e.name} ${status}${res.body === undefined ? " (no body)" : ""}`,
        kind: "response",
        method: e.method,
        path,
        status: Number(status),
        body: res.body,
        // Many examples write `"headers": {}` as a placeholder: only headers they do give are checked.
        headers: res.headers && Object.keys(res.headers).length ? res.headers : undefined,
      });
    }
    return cases;
  });
}

describe("the Azure ML contract: official OpenAPI files and examples in emulator/azure/", () => {
  const contract = loadContract(dir);
  const cases = exampleCases();

  it("loads the spec files", () => {
    expect(contract).toBeDefined();
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases.map((c) => [c.name, c] as const))("checks the official example %s", (_name, c) => {
    const r =
      c.kind === "request"
        ? contract.checkRequest(c.method, c.path, c.body)
        : contract.checkResponse(c.method, c.path, c.status, c.body, c.headers);
    expect(r.operationId).toBeDefined();
    const allowed = allowedViolations[c.name];
    if (allowed) {
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual(allowed.errors);
    } else {
      expect(r.errors).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it("has no allowed violation for an example it does not check", () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(allowedViolations).filter((n) => !names.has(n))).toEqual([]);
  });

  describe("rejects what the spec forbids", () => {
    const deploymentExample = () => {
      const file = join(dir, "examples", "OnlineDeployment", "ManagedOnlineDeployment", "createOrUpdate.json");
      return (JSON.parse(readFileSync(file, "utf8")) as { parameters: { body: { properties: Json } } }).parameters.body;
    };

    it("an online endpoint whose authMode Azure does not have", () => {
      const r = contract.checkResponse("PUT", `${WS}/onlineEndpoints/e${Q}`, 201, {
        location: "eastus",
        properties: { authMode: "Password" },
      });
      expect(r).toEqual({
        ok: false,
        operationId: "OnlineEndpoints_CreateOrUpdate",
        errors: [
          "OnlineEndpoints_CreateOrUpdate 201: /properties/authMode must be equal to one of the allowed values (AMLToken, Key, AADToken)",
        ],
      });
    });

    it("a managed online deployment request without its discriminator endpointComputeType", () => {
      const body = deploymentExample();
      expect(contract.checkRequest("PUT", `${WS}/onlineEndpoints/e/deployments/d${Q}`, body).ok).toBe(true);
      delete body.properties.endpointComputeType;
      expect(contract.checkRequest("PUT", `${WS}/onlineEndpoints/e/deployments/d${Q}`, body).errors).toEqual([
        "OnlineDeployments_CreateOrUpdate request: /properties must have required property 'endpointComputeType'",
      ]);
    });

    it("a 202 for a PUT that documents only 200 and 201", () => {
      const r = contract.checkResponse("PUT", `${WS}/onlineEndpoints/e${Q}`, 202, undefined);
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual([
        "202 is not a documented response of OnlineEndpoints_CreateOrUpdate (documented: 200, 201, default)",
      ]);
    });

    it("a path the spec does not describe", () => {
      expect(contract.findOperation("GET", `${WS}/nothingHere/x${Q}`)).toBeUndefined();
      expect(contract.findOperation("DELETE", `${WS}/jobs/j/cancel`)).toBeUndefined();
    });

    it("a subtype's own property of the wrong type, named with its full JSON path", () => {
      const body = deploymentExample();
      (body.properties.scaleSettings as Json) = { scaleType: "Default", minInstances: 1 };
      (body.properties.requestSettings as Json).maxConcurrentRequestsPerInstance = "two";
      const errors = contract.checkRequest("PUT", `${WS}/onlineEndpoints/e/deployments/d${Q}`, body).errors;
      expect(errors).toEqual([
        "OnlineDeployments_CreateOrUpdate request: /properties/requestSettings/maxConcurrentRequestsPerInstance must be integer",
        "OnlineDeployments_CreateOrUpdate request: /properties/scaleSettings must NOT have additional properties (minInstances)",
      ]);
    });

    it("a property no definition of the allOf chain has, but not an inherited one", () => {
      const endpoint = (extra: Json) => ({
        id: "/x",
        name: "e",
        type: "t",
        systemData: {},
        location: "eastus",
        tags: {},
        properties: { authMode: "Key", ...extra },
      });
      expect(
        contract.checkResponse(
          "GET",
          `${WS}/onlineEndpoints/e`,
          200,
          endpoint({ description: "d", traffic: { blue: 100 } }),
        ).errors,
      ).toEqual([]);
      expect(
        contract.checkResponse("GET", `${WS}/onlineEndpoints/e`, 200, endpoint({ scoringURI: "https://x" })).errors,
      ).toEqual(["OnlineEndpoints_Get 200: /properties must NOT have additional properties (scoringURI)"]);
    });

    it("null where the spec does not say x-nullable", () => {
      const endpoint = (properties: Json) => ({ location: "eastus", properties: { authMode: "Key", ...properties } });
      expect(
        contract.checkResponse(
          "GET",
          `${WS}/onlineEndpoints/e`,
          200,
          endpoint({ description: null, scoringUri: null, traffic: null, keys: null }),
        ).ok,
      ).toBe(true);
      expect(
        contract.checkResponse("GET", `${WS}/onlineEndpoints/e`, 200, endpoint({ publicNetworkAccess: null })).errors,
      ).toEqual([
        "OnlineEndpoints_Get 200: /properties/publicNetworkAccess must be string",
        "OnlineEndpoints_Get 200: /properties/publicNetworkAccess must be equal to one of the allowed values (Enabled, Disabled)",
      ]);
    });

    it("a success under an api-version Azure ML does not serve, but not under an older one it does", () => {
      const endpoint = { location: "eastus", properties: { authMode: "Key" } };
      expect(
        contract.checkResponse("GET", `${WS}/onlineEndpoints/e?api-version=2019-05-01`, 200, endpoint).errors,
      ).toEqual(["OnlineEndpoints_Get: api-version 2019-05-01 is not one Azure ML serves (arm/api-versions.ts)"]);
      expect(
        contract.checkResponse("GET", `${WS}/onlineEndpoints/e?api-version=2022-10-01`, 200, endpoint).errors,
      ).toEqual([]);
    });

    it("a 202 without the Location its spec declares, or with a Retry-After outside 10–600", () => {
      const del = `${WS}/onlineEndpoints/e${Q}`;
      const location = "https://management.azure.com/x";
      expect(contract.checkResponse("DELETE", del, 202, undefined, { "Retry-After": "10" }).errors).toEqual([
        "OnlineEndpoints_Delete 202: header Location is missing",
      ]);
      expect(contract.checkResponse("DELETE", del, 202, undefined, { location, "retry-after": "0" }).errors).toEqual([
        "OnlineEndpoints_Delete 202: header Retry-After 0 is outside 10–600",
      ]);
      expect(contract.checkResponse("DELETE", del, 202, undefined, { location, "retry-after": "soon" }).errors).toEqual(
        ["OnlineEndpoints_Delete 202: header Retry-After must be an integer, not 'soon'"],
      );
      expect(contract.checkResponse("DELETE", del, 202, undefined, { location, "retry-after": "10" }).ok).toBe(true);
    });

    it("a PUT that creates with a status its operation does not declare (workspaceRP.json)", () => {
      const r = contract.checkResponse("PUT", `${WS}/connections/c${Q}`, 201, { properties: { authType: "None" } });
      expect(r.errors).toEqual([
        "201 is not a documented response of WorkspaceConnections_Create (documented: 200, default)",
      ]);
    });
  });

  describe("accepts what Resource Manager accepts", () => {
    it("read-only properties in a request, but not a missing required one", () => {
      const body = {
        location: "eastus",
        properties: { authMode: "Key", scoringUri: "not checked", provisioningState: "Whatever" },
      };
      expect(contract.checkRequest("PUT", `${WS}/onlineEndpoints/e${Q}`, body)).toEqual({
        ok: true,
        operationId: "OnlineEndpoints_CreateOrUpdate",
        errors: [],
      });
      expect(
        contract.checkRequest("PUT", `${WS}/onlineEndpoints/e${Q}`, { location: "eastus", properties: {} }).errors,
      ).toEqual(["OnlineEndpoints_CreateOrUpdate request: /properties must have required property 'authMode'"]);
    });

    it("an ARM error body for an undocumented failure status (the default response)", () => {
      const r = contract.checkResponse("GET", `${WS}/onlineEndpoints/e${Q}`, 404, {
        error: { code: "ResourceNotFound", message: "no such endpoint" },
      });
      expect(r).toEqual({ ok: true, operationId: "OnlineEndpoints_Get", errors: [] });
      expect(contract.checkResponse("GET", `${WS}/onlineEndpoints/e`, 404, { error: { code: 404 } }).errors).toEqual([
        "OnlineEndpoints_Get 404: /error/code must be string",
      ]);
    });

    it("the async-operation status URLs, which the spec does not describe: the caller decides", () => {
      for (const kind of ["mfeOperationsStatus", "mfeOperationResults"]) {
        const path = `/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/${kind}/op1${Q}`;
        expect(contract.findOperation("GET", path)).toBeUndefined();
        expect(contract.checkResponse("GET", path, 200, { status: "Succeeded" })).toEqual({ ok: true, errors: [] });
      }
    });

    it("paths whatever the case of their literal segments, with the most specific template", () => {
      expect(contract.findOperation("post", `${WS.toLowerCase()}/JOBS/j1/Cancel${Q}`)).toEqual({
        operationId: "Jobs_Cancel",
        pathTemplate:
          "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}/jobs/{id}/cancel",
      });
      expect(contract.findOperation("GET", `${WS}/jobs/cancel`)?.operationId).toBe("Jobs_Get");
    });
  });
});

// The official files have no two templates that match one path, so precedence is shown on a made-up spec.
describe("the path matcher", () => {
  it("prefers the template with the most literal segments", () => {
    const root = mkdtempSync(join(tmpdir(), "contract-"));
    try {
      const op = (operationId: string) => ({
        get: { operationId, responses: { "200": { description: "ok", schema: { type: "object" } } } },
      });
      const files: Record<string, Json> = {
        [SPEC_FILES[0]!]: {
          swagger: "2.0",
          paths: {
            "/things/{name}/parts/{part}": op("Any"),
            "/things/{name}/parts/special": op("Special"),
            "/things/shared/parts/special": op("Shared"),
          },
        },
        [SPEC_FILES[1]!]: { swagger: "2.0", paths: {} },
        [SPEC_FILES[2]!]: { swagger: "2.0", paths: {} },
        [SPEC_FILES[3]!]: { swagger: "2.0", paths: {} },
      };
      for (const [file, doc] of Object.entries(files)) {
        mkdirSync(join(root, file, ".."), { recursive: true });
        writeFileSync(join(root, file), JSON.stringify(doc));
      }
      const contract = loadContract(root);
      expect(contract.findOperation("GET", "/things/a/parts/b")?.operationId).toBe("Any");
      expect(contract.findOperation("GET", "/things/a/parts/special")?.operationId).toBe("Special");
      expect(contract.findOperation("GET", "/things/shared/parts/special")?.operationId).toBe("Shared");
      expect(contract.findOperation("GET", "/things/a/parts")).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
