import { LroPacing } from "../src/azureml/lro-pacing.js";
import { MAX_RETRY_AFTER_MS, nextPause } from "../src/wait.js";

const OP =
  "https://mgmt.example/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus2/mfeOperationResults/1?api-version=2025-12-01";
const headers = (h: Record<string, string>) => (n: string) => h[n];

describe("LroPacing: Retry-After on long-running operations", () => {
  it("holds the first look at a DELETE's Location for the Retry-After Azure sends (10 s), not 4 ms", () => {
    let t = 1_000;
    const p = new LroPacing({ now: () => t });
    p.observe(
      "DELETE",
      "https://mgmt.example/x/onlineEndpoints/e",
      202,
      headers({ location: OP, "retry-after": "10" }),
    );
    expect(p.holdMs("GET", OP)).toBe(10_000);
    // The api-version in the query does not matter: the SDK's policy may rewrite it.
    expect(p.holdMs("GET", OP.replace("2025-12-01", "2026-07-01"))).toBe(10_000);
    t += 4;
    expect(p.holdMs("GET", OP)).toBe(9_996);
    expect(p.holdMs("DELETE", OP)).toBe(0);
  });

  it("caps a long ask (600 s, the spec's maximum) at the cap", () => {
    const p = new LroPacing({ now: () => 0 });
    p.observe("DELETE", "https://mgmt.example/x", 202, headers({ location: OP, "retry-after": "600" }));
    expect(p.holdMs("GET", OP)).toBe(MAX_RETRY_AFTER_MS);
    const small = new LroPacing({ now: () => 0, maxRetryAfterMs: 2_000 });
    small.observe("DELETE", "https://mgmt.example/x", 202, headers({ location: OP, "retry-after": "10" }));
    expect(small.holdMs("GET", OP)).toBe(2_000);
  });

  it("follows each look's own Retry-After, and forgets the operation once it answered without one", () => {
    let t = 0;
    const p = new LroPacing({ now: () => t });
    p.observe("DELETE", "https://mgmt.example/x", 202, headers({ location: OP, "retry-after": "10" }));
    t = 10_000;
    p.observe("GET", OP, 202, headers({ location: OP, "retry-after": "30" }));
    expect(p.holdMs("GET", OP)).toBe(30_000);
    t = 40_000;
    p.observe("GET", OP, 200, headers({}));
    expect(p.holdMs("GET", OP)).toBe(0);
  });

  it("holds nothing when no Retry-After was asked (a PUT's Azure-AsyncOperation)", () => {
    const p = new LroPacing({ now: () => 0 });
    p.observe("PUT", "https://mgmt.example/x", 201, headers({ "azure-asyncoperation": OP }));
    expect(p.holdMs("GET", OP)).toBe(0);
  });

  it("sleeps in the pipeline for the hold, then lets the request go", async () => {
    let t = 0;
    const slept: number[] = [];
    const p = new LroPacing({ now: () => t, sleep: async (ms) => void slept.push((t += ms)) });
    p.observe("DELETE", "https://mgmt.example/x", 202, headers({ location: OP, "retry-after": "10" }));
    const res = { status: 200, headers: { get: () => undefined } };
    const sent = await p.policy().sendRequest({ method: "GET", url: OP } as never, async () => res as never);
    expect(sent).toBe(res);
    expect(p.holds).toEqual([10_000]);
    expect(slept).toEqual([10_000]);
  });
});

describe("nextPause: the loop's pause", () => {
  it("is the longer of its interval and the capped Retry-After, never past the time left", () => {
    expect(nextPause(5_000, 10_000, MAX_RETRY_AFTER_MS, 60_000)).toBe(10_000);
    expect(nextPause(5_000, 600_000, MAX_RETRY_AFTER_MS, 3_600_000)).toBe(MAX_RETRY_AFTER_MS);
    expect(nextPause(5_000, undefined, MAX_RETRY_AFTER_MS, 60_000)).toBe(5_000);
    expect(nextPause(5_000, 10_000, MAX_RETRY_AFTER_MS, 3_000)).toBe(3_000);
  });
});
