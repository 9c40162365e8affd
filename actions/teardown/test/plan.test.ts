import { notOurs } from "@phi3-aml/shared/ownership";
import { plan, createdAt, foreignDeployment, refusals } from "../src/plan.js";

const now = new Date("2026-11-25T12:00:00Z");
const REPO = "octo-org/phi3-demo";
const ours = (extra: Record<string, string> = {}) => ({
  "managed-by": "phi3-aml-actions",
  repository: REPO,
  ...extra,
});
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const base = { now, repository: REPO, includeExpired: true };

describe("teardown plan", () => {
  it("deletes our endpoints past their expiry, and keeps fresh ones with the reason", () => {
    const d = plan(
      [
        { name: "old", tags: ours({ "expires-at": hoursAgo(2).toISOString() }) },
        { name: "fresh", tags: ours({ "expires-at": new Date(now.getTime() + 3_600_000).toISOString() }) },
      ],
      base,
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
    expect(plan([theirs], { ...base, maxAgeHours: 1 })[0]).toMatchObject({
      delete: false,
      reason: expect.stringContaining("no managed-by tag"),
    });
    expect(plan([theirs], { ...base, endpoint: "prod" })[0]!.delete).toBe(false);
  });

  it("never deletes another repository's endpoint or one without a repository tag, expired or old", () => {
    const expiredOld = { "expires-at": hoursAgo(5).toISOString() };
    const endpoints = [
      { name: "other", tags: ours({ ...expiredOld, repository: "octo-org/other" }), createdAt: hoursAgo(720) },
      { name: "untagged", tags: { "managed-by": "phi3-aml-actions", ...expiredOld }, createdAt: hoursAgo(720) },
      { name: "mine", tags: ours(expiredOld), createdAt: hoursAgo(720) },
      { name: "mine-case", tags: ours({ ...expiredOld, repository: "Octo-Org/Phi3-Demo" }) },
    ];
    const d = plan(endpoints, { ...base, maxAgeHours: 24 });
    expect(d.map((x) => [x.name, x.delete])).toEqual([
      ["other", false],
      ["untagged", false],
      ["mine", true],
      ["mine-case", true],
    ]);
    expect(d[0]!.reason).toBe("belongs to repository octo-org/other, not octo-org/phi3-demo: left alone");
    expect(d[1]!.reason).toContain("no repository tag");
  });

  it("keeps an endpoint whose expires-at is not a full ISO-8601 timestamp, with a warning, even when old", () => {
    for (const value of ["0", "2026", "2026-01-01", "yesterday", "1700000000", "2026-01-01T00:00"]) {
      const [d] = plan([{ name: "odd", tags: ours({ "expires-at": value }), createdAt: hoursAgo(500) }], {
        ...base,
        maxAgeHours: 24,
      });
      expect(d).toMatchObject({ delete: false, reason: `unreadable expires-at "${value}": kept` });
      expect(d!.warning).toContain("not a full ISO-8601 timestamp");
    }
    const offset = plan([{ name: "ok", tags: ours({ "expires-at": "2026-11-25T13:30:00+02:00" }) }], base)[0]!;
    expect(offset.delete).toBe(true);
  });

  it("deletes ours older than max-age-hours, and honours include-expired: false", () => {
    const e = [{ name: "a", tags: ours({ "expires-at": hoursAgo(1).toISOString() }), createdAt: hoursAgo(3) }];
    expect(plan(e, { ...base, includeExpired: false })[0]!.delete).toBe(false);
    expect(plan(e, { ...base, includeExpired: false, maxAgeHours: 2 })[0]).toMatchObject({
      delete: true,
      reason: expect.stringContaining("more than max-age-hours (2)"),
    });
  });

  it("without max-age-hours keeps ours that have no expiry, however old (production)", () => {
    const d = plan([{ name: "prod", tags: ours(), createdAt: hoursAgo(24 * 365) }], base);
    expect(d[0]).toMatchObject({ delete: false, reason: "no expiry" });
  });

  it("with an endpoint named, considers only that one, and refuses it when it is not ours", () => {
    const endpoints = [
      { name: "pr-12", tags: ours() },
      { name: "pr-13", tags: ours({ "expires-at": hoursAgo(1).toISOString() }) },
      { name: "pr-14", tags: ours({ repository: "octo-org/other" }) },
    ];
    const o = { ...base, endpoint: "PR-12" };
    const d = plan(endpoints, o);
    expect(d).toEqual([{ name: "pr-12", delete: true, reason: "named for teardown" }]);
    expect(refusals(d, o)).toEqual([]);
    const foreign = { ...base, endpoint: "pr-14" };
    expect(refusals(plan(endpoints, foreign), foreign)).toEqual([
      'endpoint "pr-14" is not ours to delete: belongs to repository octo-org/other, not octo-org/phi3-demo: left alone',
    ]);
  });

  it("tells why an endpoint is not ours", () => {
    expect(notOurs(ours(), REPO)).toBeUndefined();
    expect(notOurs({ "managed-by": "someone" }, REPO)).toContain("no managed-by tag");
  });

  it("reads the creation time from our tag when it is a timestamp, else from Azure", () => {
    expect(createdAt({ "created-at": "2026-01-01T00:00:00Z" }, now)?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(createdAt({ "created-at": "soon" }, now)).toBe(now);
    expect(createdAt({ "created-at": "0" }, now)).toBe(now);
  });

  it("names a deployment of another repository, which keeps its endpoint", () => {
    const theirs = { "managed-by": "phi3-aml-actions", repository: "octo-org/other" };
    expect(foreignDeployment([{ name: "a", tags: ours() }], REPO)).toBeUndefined();
    expect(foreignDeployment([{ name: "a" }, { name: "b", tags: theirs }], REPO)).toBe(
      "its deployment b belongs to repository octo-org/other",
    );
  });
});
