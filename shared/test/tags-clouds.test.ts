import { standardTags, isManaged, expiresAt, workflowRunUrl } from "../src/tags.js";
import { cloud } from "../src/login/clouds.js";
import { studioLinks } from "../src/azureml/studio.js";

describe("tags", () => {
  const env = {
    GITHUB_REPOSITORY: "o/r",
    GITHUB_RUN_ID: "9",
    GITHUB_RUN_ATTEMPT: "2",
    GITHUB_SHA: "abc",
    GITHUB_SERVER_URL: "https://github.com",
  };

  it("marks what we create with who made it, from which run, and when it may be deleted", () => {
    const tags = standardTags({ env, now: new Date("2026-01-01T00:00:00Z"), ttlHours: 24 });
    expect(tags).toEqual({
      "managed-by": "phi3-aml-actions",
      "created-at": "2026-01-01T00:00:00.000Z",
      repository: "o/r",
      "workflow-run": "https://github.com/o/r/actions/runs/9/attempts/2",
      commit: "abc",
      "expires-at": "2026-01-02T00:00:00.000Z",
    });
    expect(isManaged(tags)).toBe(true);
    expect(isManaged({ "managed-by": "someone-else" })).toBe(false);
    expect(expiresAt(tags)?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
    expect(expiresAt({ "expires-at": "never" })).toBeUndefined();
  });

  it("has no run URL outside a workflow", () => expect(workflowRunUrl({})).toBeUndefined());
});

describe("clouds", () => {
  it("knows each sovereign cloud's authority, Resource Manager and federated audience", () => {
    expect(cloud("AzureUSGovernment")).toMatchObject({
      authorityHost: "https://login.microsoftonline.us",
      resourceManager: "https://management.usgovcloudapi.net",
      federatedAudience: "api://AzureADTokenExchangeUSGov",
      knownAuthority: true,
    });
    expect(cloud("AzureChinaCloud").managementScope).toBe("https://management.chinacloudapi.cn/.default");
  });

  it("reaches an overridden authority and Resource Manager the same way, keeping the real token scope", () => {
    const c = cloud("AzureCloud", {
      authorityHost: "https://127.0.0.1:9443/",
      resourceManager: "https://127.0.0.1:9444",
    });
    expect(c).toMatchObject({
      authorityHost: "https://127.0.0.1:9443",
      resourceManager: "https://127.0.0.1:9444",
      managementScope: "https://management.azure.com/.default",
      knownAuthority: false,
    });
  });

  it("links to the studio of the workspace", () => {
    const links = studioLinks(cloud("AzureCloud"), { subscriptionId: "s", resourceGroup: "rg", workspace: "ws" });
    expect(links.job("ft-1")).toBe(
      "https://ml.azure.com/runs/ft-1?wsid=/subscriptions/s/resourcegroups/rg/workspaces/ws",
    );
  });
});
