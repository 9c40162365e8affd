import { randomUUID } from "node:crypto";
import { control, exchanges, runFixture, world } from "../../test/harness/emulator.js";

/**
 * The one polling loop honours Retry-After, capped, measured against the emulator's default pacing: a
 * subscription of its own, which the harness's shortening (global-setup) does not touch, so its 202s say
 * `Retry-After: 10` as Azure's do. With a 2-second cap each look waits 2 s, never the SDK's "at once".
 */
describe("Retry-After on long-running operations (emulator, default pacing)", () => {
  it("holds every poll of a DELETE until Retry-After has passed, up to the cap", async () => {
    const w = await world();
    const subscriptionId = randomUUID();
    await control("POST", "/subscriptions", { subscriptionId });
    await control("PUT", "/arm/config", { subscriptionId, retryAfterSeconds: null });
    await control("POST", "/workspaces", { name: w.workspace, subscriptionId });
    const endpoint = `pace-${randomUUID().slice(0, 8)}`;
    const capMs = 2_000;
    const result = await runFixture<{
      holds: number[];
      deleteMs: number;
      patch: { accepted: number; final: { status: number; body?: { name?: string; tags?: Record<string, string> } } };
    }>("shared/test/fixtures/pacing.ts", {
      ...w.env,
      AZURE_SUBSCRIPTION_ID: subscriptionId,
      MAX_RETRY_AFTER_MS: String(capMs),
      ENDPOINT_NAME: endpoint,
    });

    // The PATCH's final Location answer is the updated endpoint, not an empty 200.
    expect(result.patch.accepted).toBe(202);
    expect(result.patch.final.status).toBe(200);
    expect(result.patch.final.body).toMatchObject({ name: endpoint, tags: { patched: "yes" } });

    const seen = (await exchanges({ service: "arm", path: subscriptionId })).filter(
      (x) => x.method === "DELETE" || /mfeOperationResults/i.test(x.path),
    );
    const del = seen.find((x) => x.method === "DELETE" && x.path.endsWith(`/onlineEndpoints/${endpoint}`))!;
    expect(del.status).toBe(202);
    expect(del.responseHeaders?.["Retry-After"] ?? del.responseHeaders?.["retry-after"]).toBe("10");
    const polls = seen.filter((x) => x.seq > del.seq);
    expect(polls.map((x) => x.status)).toEqual([202, 200]);
    // Each look came no sooner than the cap after the answer that asked for 10 s (and well before 10 s).
    const gaps = [polls[0]!.at - del.at, polls[1]!.at - polls[0]!.at];
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(capMs - 50);
      expect(gap).toBeLessThan(9_000);
    }
    expect(result.holds).toHaveLength(2);
    for (const h of result.holds) expect(h).toBeGreaterThan(capMs - 100);
  });
});
