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

describe("the deploy inputs", () => {
  const read = async (values: Record<string, string>) => {
    const { Inputs } = await import("@phi3-aml/shared/inputs");
    const { readInputs } = await import("../src/inputs.js");
    const guid = "00000000-0000-4000-8000-000000000001";
    const azure = {
      "subscription-id": guid,
      "resource-group": "rg",
      workspace: "ws-1",
      "tenant-id": guid,
      "client-id": guid,
    };
    const all: Record<string, string> = { ...azure, ...values };
    const i = new Inputs((n) => all[n] ?? "");
    return { inputs: readInputs(i), problems: i.problems.map((p) => `${p.input}: ${p.message}`) };
  };

  it("default to auto, Microsoft's probes, no identity, a shared connection in the endpoint's workspace", async () => {
    const { inputs, problems } = await read({ "job-name": "ft-1" });
    expect(problems).toEqual([]);
    expect(inputs).toMatchObject({ instanceType: "auto", identity: undefined, promptflowShared: true });
    expect(inputs.livenessProbe.initialDelaySeconds).toBe(500);
    expect(inputs.promptflowWorkspace).toBeUndefined();
  });

  it("report every bad serving input together", async () => {
    const { problems } = await read({
      "job-name": "ft-1",
      "instance-type": "NC24ads",
      identity: "my-identity",
      "promptflow-workspace": "rg/ws/x",
      "startup-delay-seconds": "2h",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "identity",
      "instance-type",
      "promptflow-workspace",
      "promptflow-workspace",
      "startup-delay-seconds",
    ]);
  });
});
