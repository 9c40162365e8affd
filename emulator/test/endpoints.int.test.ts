import { randomUUID } from "node:crypto";
import { control, runFixture, world } from "../../test/harness/emulator.js";

describe("the emulator's online endpoints and connections, as ARM answers them", () => {
  it("keeps identities, serves tokens, PATCH and SKUs, fails an unoffered size later, and keeps connections shared", async () => {
    const location = "canadacentral";
    const name = `ws-${randomUUID().slice(0, 8)}`;
    const other = `hub-${randomUUID().slice(0, 8)}`;
    const w = await world({ workspace: name });
    await control("POST", "/workspaces", { name, location });
    await control("POST", "/workspaces", { name: other, location });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r = await runFixture<Record<string, any>>("emulator/test/fixtures/endpoints-tour.ts", {
      ...w.env,
      TOUR_LOCATION: location,
      TOUR_OTHER_WS: other,
    });

    expect(r.created).toMatchObject({ status: 201, state: "Creating", identity: { type: "UserAssigned" } });
    const [uai] = Object.values(r.created.identity.userAssignedIdentities) as Array<Record<string, string>>;
    expect(uai).toEqual({ principalId: expect.any(String), clientId: expect.any(String) });
    expect(r.badIdentity).toEqual({ status: 400, code: "BadRequest" });
    expect(r.sameName).toMatchObject({ status: 409, message: expect.stringContaining("unique within a region") });
    expect(r.token).toEqual({ status: 200, type: "Bearer", hasToken: true });
    expect(r.keys.status).toBe(400);
    expect(r.patch).toEqual({ status: 202, location: true, tags: { team: "chat" } });

    expect(r.deployment).toMatchObject({
      status: 201,
      state: "Creating",
      scaleSettings: { scaleType: "Default" },
      readinessProbe: { period: "PT10S", timeout: "PT2S", failureThreshold: 30, successThreshold: 1 },
    });
    expect(r.polls.length).toBeGreaterThan(1);
    const last = r.polls.at(-1);
    for (const p of r.polls.slice(0, -1)) expect(p).toEqual({ status: "InProgress", resource: "Creating" });
    expect(last).toMatchObject({ status: "Failed", resource: "Failed", error: { code: "SkuNotAvailable" } });
    expect(last.error.message).toContain("Standard_NC6s_v3 is currently not available in location 'canadacentral'");
    expect(r.skus.value[0]).toMatchObject({ sku: { name: "Default" }, capacity: { minimum: 1 } });

    expect(r.connections).toEqual({ first: 200, again: 200, shared: true, secretShown: false, listed: ["pf"] });
  });
});
