import { newEndpointBody, trafficProblem, withTraffic } from "../src/endpoint-body.js";
import { ARM, endpointGet, ENV, NOW, officialContract, OURS, Q } from "./helpers.js";

describe("online endpoint body", () => {
  it("creates our endpoint with key auth, our tags and no traffic", () => {
    const b = newEndpointBody({ location: "eastus", now: NOW, env: ENV });
    expect(b.location).toBe("eastus");
    expect(b.properties.authMode).toBe("Key");
    expect(b.properties.traffic).toEqual({});
    expect(b.identity).toEqual({ type: "SystemAssigned" });
    expect(b.tags).toMatchObject({
      ...OURS,
      repository: "octo-org/phi3-demo",
      commit: ENV.GITHUB_SHA,
      "created-at": NOW.toISOString(),
    });
    expect(b.tags["expires-at"]).toBeUndefined();
  });

  it("writes an expiry tag when ttl-hours is set", () => {
    const b = newEndpointBody({ location: "eastus", ttlHours: 48, now: NOW, env: ENV });
    expect(b.tags["expires-at"]).toBe("2026-11-27T10:00:00.000Z");
  });

  it("moves traffic only through a full PUT that keeps the endpoint's tags", () => {
    const got = endpointGet({ traffic: { v06: 100 } });
    const b = withTraffic(got, { v06: 0, v07: 100 });
    expect(b.properties.traffic).toEqual({ v06: 0, v07: 100 });
    expect(b.tags).toEqual(got.tags);
    // Everything a PUT may carry is carried over, so the PUT changes nothing but the traffic.
    expect(b.location).toBe("eastus");
    expect(b.kind).toBe("Managed");
    expect(b.identity).toEqual({ type: "SystemAssigned" });
    expect(b.properties.authMode).toBe("Key");
    expect(b.properties.description).toBe("The team's chat endpoint");
    expect(b.properties.properties).toEqual(got.properties.properties);
    expect(b.properties.publicNetworkAccess).toBe("Enabled");
  });

  it("leaves out what a client must not send: ids, system data, URIs, state, keys, principal ids", () => {
    const b = withTraffic(endpointGet({ traffic: { v06: 100 } }), { v06: 100 }) as unknown as Record<
      string,
      unknown
    > & { properties: Record<string, unknown> };
    for (const k of ["id", "name", "type", "systemData"]) expect(b).not.toHaveProperty(k);
    for (const k of ["scoringUri", "swaggerUri", "provisioningState", "keys"])
      expect(b.properties).not.toHaveProperty(k);
    expect(b.identity).toEqual({ type: "SystemAssigned" });
  });

  it("keeps user-assigned identities by name only", () => {
    const got = endpointGet();
    got.identity = {
      type: "UserAssigned",
      userAssignedIdentities: { "/subscriptions/s/id/uai": { principalId: "p", clientId: "c" } },
    };
    expect(withTraffic(got, {}).identity).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: { "/subscriptions/s/id/uai": {} },
    });
  });

  it("never re-tags an endpoint without our managed-by tag", () => {
    const theirs = endpointGet({ tags: { owner: "data-team" }, traffic: { blue: 100 } });
    const b = withTraffic(theirs, { blue: 0, v07: 100 }, { retag: { ttlHours: 24, now: NOW, env: ENV } });
    expect(b.tags).toEqual({ owner: "data-team" });
  });

  it("refreshes our own endpoint's run, commit and expiry, but not when it was created", () => {
    const ours = endpointGet({
      tags: {
        ...OURS,
        "created-at": "2026-01-01T00:00:00.000Z",
        "expires-at": "2026-01-02T00:00:00.000Z",
        team: "chat",
      },
    });
    const longer = withTraffic(ours, {}, { retag: { ttlHours: 24, now: NOW, env: ENV } });
    expect(longer.tags).toMatchObject({
      "created-at": "2026-01-01T00:00:00.000Z",
      "expires-at": "2026-11-26T10:00:00.000Z",
      commit: ENV.GITHUB_SHA,
      team: "chat",
    });
    // A deploy without ttl-hours asks for no expiry: the old one would let teardown delete a live endpoint.
    expect(withTraffic(ours, {}, { retag: { now: NOW, env: ENV } }).tags["expires-at"]).toBeUndefined();
  });

  it("drops the mirror traffic of deployments about to be deleted and keeps the rest", () => {
    const got = endpointGet({ traffic: { v06: 100 }, mirror: { v06: 10, shadow: 5 } });
    expect(withTraffic(got, { v06: 0, v07: 100 }, { dropMirrorFor: ["v06"] }).properties.mirrorTraffic).toEqual({
      shadow: 5,
    });
  });

  it("refuses traffic that does not add up to 100 (or 0) in whole percentages", () => {
    expect(trafficProblem({ a: 60, b: 40 })).toBeUndefined();
    expect(trafficProblem({ a: 0, b: 0 })).toBeUndefined();
    expect(trafficProblem({ a: 60, b: 30 })).toMatch(/add up to 90%/);
    expect(trafficProblem({ a: 99.5, b: 0.5 })).toMatch(/whole percentage/);
    expect(() => withTraffic(endpointGet(), { a: 50 })).toThrow(/add up to 50%/);
  });
});

describe("online endpoint bodies against the official OpenAPI contract", () => {
  const path = `${ARM}/onlineEndpoints/phi3-chat${Q}`;

  it("accepts the body that creates our endpoint", () => {
    const r = officialContract().checkRequest(
      "PUT",
      path,
      newEndpointBody({ location: "eastus", ttlHours: 24, now: NOW, env: ENV }),
    );
    expect(r.errors).toEqual([]);
    expect(r.operationId).toBe("OnlineEndpoints_CreateOrUpdate");
  });

  it("accepts an endpoint that runs as a user-assigned identity", () => {
    const id =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/phi3";
    const body = newEndpointBody({ location: "eastus", identity: { kind: "user", id }, now: NOW, env: ENV });
    expect(body.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { [id]: {} } });
    expect(officialContract().checkRequest("PUT", path, body).errors).toEqual([]);
  });

  it("accepts the full PUT that moves traffic, built from a GET", () => {
    const got = endpointGet({ traffic: { v06: 100 }, mirror: { v06: 10 } });
    got.sku = { name: "Default", capacity: 1 };
    const r = officialContract().checkRequest(
      "PUT",
      path,
      withTraffic(got, { v06: 10, v07: 90 }, { retag: { ttlHours: 2, now: NOW, env: ENV } }),
    );
    expect(r.errors).toEqual([]);
  });

  it("is a check that can fail: a body without authMode is refused", () => {
    const body = newEndpointBody({ location: "eastus", now: NOW, env: ENV }) as unknown as {
      properties: Record<string, unknown>;
    };
    delete body.properties.authMode;
    expect(officialContract().checkRequest("PUT", path, body).ok).toBe(false);
  });
});
