import { RestError } from "@azure/core-rest-pipeline";
import { describeError, aadstsCodes, redactUrl, ActionError } from "../src/errors.js";
import { explainLoginFailure } from "../src/login/diagnose.js";

describe("errors in plain words", () => {
  it("turns an ARM error body into one readable message with its details", () => {
    const e = new RestError("raw", {
      statusCode: 400,
      request: { method: "PUT", url: "https://management.azure.com/x?api-version=2025-12-01&sig=secret" } as never,
    });
    (e as { details?: unknown }).details = {
      error: {
        code: "UserError",
        message: "Invalid deployment",
        target: "properties.instanceType",
        details: [{ code: "QuotaExceeded", message: "Not enough quota for NCSv3" }],
      },
    };
    const text = describeError(e);
    expect(text).toContain("Azure answered 400 (PUT https://management.azure.com/x?api-version=2025-12-01)");
    expect(text).toContain("UserError: Invalid deployment (target: properties.instanceType)");
    expect(text).toContain("- QuotaExceeded: Not enough quota for NCSv3");
    expect(text).not.toContain("secret");
  });

  it("keeps the hint of an ActionError", () => {
    expect(describeError(new ActionError("No quota", "Request more in the portal"))).toBe(
      "No quota\nRequest more in the portal",
    );
  });

  it("drops query strings that may hold signatures, but keeps the api-version", () => {
    expect(redactUrl("https://a.blob.core.windows.net/c/f?sv=1&sig=abc")).toBe("https://a.blob.core.windows.net/c/f");
  });

  it("finds AADSTS codes and explains the common login failures", () => {
    expect(aadstsCodes("AADSTS700213: x ... AADSTS700213")).toEqual(["AADSTS700213"]);
    const c = {
      tenantId: "t",
      clientId: "c",
      authorityHost: "https://login.microsoftonline.com",
      claims: {
        sub: "repo:o/r:pull_request",
        iss: "https://token.actions.githubusercontent.com",
        aud: "api://AzureADTokenExchange",
      },
    };
    expect(explainLoginFailure(new Error("invalid_client: AADSTS700016: Application c not found"), c)).toContain(
      "Application c was not found in tenant t",
    );
    const mismatch = explainLoginFailure(new Error("AADSTS700213: No matching federated identity record"), c);
    expect(mismatch).toContain("subject:  repo:o/r:pull_request");
    expect(mismatch).toContain("repo:OWNER/REPO:environment:NAME");
  });
});
