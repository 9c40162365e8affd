// Issue 21 item 6: the smaller wrong answers, each with its test.
import { bearerTokenAuthenticationPolicyName } from "@azure/core-rest-pipeline";
import { catalogModel } from "../src/azureml/catalog.js";
import { FRESH_TOKEN_POLICY } from "../src/azureml/fresh-token.js";
import { registryClient } from "../src/azureml/registry.js";
import { cloud } from "../src/login/clouds.js";
import { readExpiry } from "../src/tags.js";

describe("the strict ISO expiry", () => {
  it("refuses dates and times that do not exist, instead of rolling them over", () => {
    for (const v of [
      "2026-02-30T10:00Z",
      "2026-02-29T10:00Z",
      "2026-04-31T10:00Z",
      "2026-13-01T10:00Z",
      "2026-00-10T10:00Z",
      "2026-01-00T10:00Z",
      "2026-01-01T24:00Z",
      "2026-01-01T10:60Z",
      "2026-01-01T10:00:60Z",
    ])
      expect([v, readExpiry({ "expires-at": v }).kind]).toEqual([v, "unreadable"]);
  });

  it("still reads real dates, leap days and offsets", () => {
    expect(readExpiry({ "expires-at": "2028-02-29T10:00Z" })).toEqual({
      kind: "at",
      date: new Date("2028-02-29T10:00:00Z"),
    });
    expect(readExpiry({ "expires-at": "2026-12-31T23:59:59.5+01:00" }).kind).toBe("at");
  });
});

describe("the registry client", () => {
  it("goes through the fresh-token policy like every other Azure client, not the SDK's bearer policy", () => {
    const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const names = registryClient({ credential, cloud: cloud("AzureCloud") })
      .pipeline.getOrderedPolicies()
      .map((p) => p.name);
    expect(names).toContain(FRESH_TOKEN_POLICY);
    expect(names).not.toContain(bearerTokenAuthenticationPolicyName);
  });
});

describe("a catalog entry's Hugging Face id", () => {
  it("is read only where the catalog gives one, never guessed from the name", () => {
    const version = (tags: Record<string, string>) => ({
      id: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15",
      name: "15",
      properties: { tags, properties: {} },
    });
    expect(catalogModel(version({})).huggingfaceId).toBeUndefined();
    expect(catalogModel(version({ huggingface_model_id: "microsoft/Phi-3-mini-4k-instruct" })).huggingfaceId).toBe(
      "microsoft/Phi-3-mini-4k-instruct",
    );
    expect(catalogModel(version({ huggingface_model_id: "not an id; rm -rf" })).huggingfaceId).toBeUndefined();
  });
});
