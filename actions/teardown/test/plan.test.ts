import { plan, createdAt } from "../src/plan.js";

const now = new Date("2026-11-25T12:00:00Z");
const ours = (extra: Record<string, string> = {}) => ({ "managed-by": "phi3-aml-actions", ...extra });
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

describe("teardown plan", () => {
  it("deletes our endpoints past their expiry, and keeps fresh ones with the reason", () => {
    const d = plan(
      [
        { name: "old", tags: ours({ "expires-at": hoursAgo(2).toISOString() }) },
        { name: "fresh", tags: ours({ "expires-at": new Date(now.getTime() + 3_600_000).toISOString() }) },
      ],
      { now, includeExpired: true },
    );
    expect(d.map((x) => [x.name, x.delete])).toEqual([
      ["old", true],
      ["fresh", false],
    ]);
    expect(d[0]!.reason).toMatch(/^expired 2\.0 h ago/);
    expect(d[1]!.reason).toBe("expires at 2026-11-25T13:00:00.000Z");
  });

  it("never deletes an endpoint without our managed-by tag, even when named or expired", () => {
    const theirs = { name: "prod", tags: { "expires-at": hoursAgo(5).toISOString() }, createdAt: hoursAgo(100) };
    expect(plan([theirs], { now, includeExpired: true, maxAgeHours: 1 })[0]).toMatchObject({
      delete: false,
      reason: expect.stringContaining("no managed-by tag"),
    });
    expect(plan([theirs], { now, includeExpired: true, endpoint: "prod" })[0]!.delete).toBe(false);
  });

  it("deletes ours older than max-age-hours, and honours include-expired: false", () => {
    const e = [{ name: "a", tags: ours({ "expires-at": hoursAgo(1).toISOString() }), createdAt: hoursAgo(3) }];
    expect(plan(e, { now, includeExpired: false })[0]!.delete).toBe(false);
    expect(plan(e, { now, includeExpired: false, maxAgeHours: 2 })[0]).toMatchObject({
      delete: true,
      reason: expect.stringContaining("more than max-age-hours (2)"),
    });
  });

  it("with an endpoint named, considers only that one", () => {
    const d = plan(
      [
        { name: "pr-12", tags: ours() },
        { name: "pr-13", tags: ours({ "expires-at": hoursAgo(1).toISOString() }) },
      ],
      { now, includeExpired: true, endpoint: "PR-12" },
    );
    expect(d).toEqual([{ name: "pr-12", delete: true, reason: "named for teardown" }]);
  });

  it("reads the creation time from our tag, else from Azure", () => {
    expect(createdAt({ "created-at": "2026-01-01T00:00:00Z" }, now)?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(createdAt({ "created-at": "soon" }, now)).toBe(now);
  });
});
