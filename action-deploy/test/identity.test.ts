import { identityBody, parseIdentity, parseWorkspaceRef, sameIdentity } from "../src/identity.js";

const UAI =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/phi3-deployer";

describe("identity", () => {
  it("is system, or a user-assigned identity's resource id", () => {
    expect(parseIdentity("system")).toEqual({ kind: "system" });
    expect(parseIdentity(UAI)).toEqual({ kind: "user", id: UAI });
    for (const bad of [
      "phi3-deployer",
      UAI.replace("Microsoft.ManagedIdentity", "Microsoft.Compute"),
      UAI.replace("00000000-0000-0000-0000-000000000001", "my-sub"),
      `${UAI}/extra`,
      UAI.replace("phi3-deployer", "x"),
    ])
      expect(parseIdentity(bad)).toMatch(/^is not an identity/);
  });

  it("is written as ARM's ManagedServiceIdentity, and compared with what an endpoint has", () => {
    expect(identityBody({ kind: "system" })).toEqual({ type: "SystemAssigned" });
    expect(identityBody({ kind: "user", id: UAI })).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: { [UAI]: {} },
    });
    const have = { type: "UserAssigned", userAssignedIdentities: { [UAI.toLowerCase()]: { principalId: "p" } } };
    expect(sameIdentity({ kind: "user", id: UAI }, have)).toBe(true);
    expect(sameIdentity({ kind: "system" }, have)).toBe(false);
    expect(sameIdentity({ kind: "system" }, { type: "SystemAssigned" })).toBe(true);
  });
});

describe("promptflow-workspace", () => {
  it("is a name, or resource-group/name", () => {
    expect(parseWorkspaceRef("my-ai-hub")).toEqual({ name: "my-ai-hub" });
    expect(parseWorkspaceRef("rg-ai/my_project")).toEqual({ resourceGroup: "rg-ai", name: "my_project" });
    for (const bad of ["a", "rg/", "/ws", "a/b/c", "-ws", "ws name"])
      expect(parseWorkspaceRef(bad)).toMatch(/^is not a workspace/);
  });
});
