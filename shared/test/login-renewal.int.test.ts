import { runFixture, world } from "../../test/harness/emulator.js";

describe("a login that outlives its GitHub ID token (emulator)", () => {
  it("presents a fresh, unexpired assertion at every renewal, so a long job never fails on AADSTS700024", async () => {
    // GitHub tokens live 2 s; Entra tokens 60 s, which MSAL (renewing 5 minutes early) never caches:
    // every getToken is a renewal, as hours into a fine-tune, and each comes after the last GitHub token expired.
    const w = await world({ job: { lifetimeSeconds: 2 }, accessTokenLifetimeSeconds: 60 });
    const result = await runFixture<{ kind: string; results: string[]; fetches: number }>(
      "shared/test/fixtures/renewal.ts",
      { ...w.env, PAUSE_MS: "2500" },
    );

    expect(result.kind).toBe("github-oidc");
    expect(result.results).toEqual(["ok", "ok", "ok"]);
    const events = await w.tokenEvents();
    expect(events.map((e) => `${e.ok}${e.error ?? ""}`)).toEqual(["true", "true", "true"]);
    // A new GitHub token for each renewal (the expired one was never presented again) — at most two per
    // renewal, when a slow machine lets MSAL's two callbacks straddle the refresh margin of a 2-second token.
    expect(result.fetches).toBeGreaterThanOrEqual(3);
    expect(result.fetches).toBeLessThanOrEqual(6);
    expect(await w.idTokensIssued()).toBe(result.fetches);
  });
});
