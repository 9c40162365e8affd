import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { githubIdToken, decodeClaims, forkOf, noOidcReason } from "../src/login/github-token.js";

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

describe("the GitHub ID token behind the login", () => {
  const env = { ...process.env };
  beforeEach(() => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = "https://example.invalid/token?api-version=2.0";
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = "x";
  });
  afterEach(() => {
    process.env = { ...env };
  });

  it("fetches once while the token is valid, however often MSAL asks", async () => {
    let now = 1_000_000;
    let fetched = 0;
    const source = githubIdToken({
      audience: "api://AzureADTokenExchange",
      now: () => now,
      fetch: async () => jwt({ n: ++fetched, exp: now / 1000 + 300 }),
    });
    for (let k = 0; k < 6; k++) await source.get();
    expect(fetched).toBe(1);
    now += 200_000; // 200 s later: still more than the 60 s margin left
    await source.get();
    expect(fetched).toBe(1);
  });

  it("fetches a new token when the cached one is near expiry, so a job of many hours never presents an expired one", async () => {
    let now = 1_000_000;
    let fetched = 0;
    const source = githubIdToken({
      audience: "aud",
      now: () => now,
      fetch: async () => jwt({ n: ++fetched, exp: Math.floor(now / 1000) + 300 }),
    });
    const first = await source.get();
    now += 250_000; // 50 s left, under the margin
    const second = await source.get();
    expect(second).not.toBe(first);
    expect(decodeClaims(second).n).toBe(2);
    now += 6 * 3600_000; // six hours on
    expect(decodeClaims(await source.get()).n).toBe(3);
  });

  it("asks GitHub once when MSAL's two callbacks arrive together", async () => {
    let fetched = 0;
    const source = githubIdToken({
      audience: "aud",
      fetch: async () => (
        await new Promise((r) => setTimeout(r, 10)),
        jwt({ n: ++fetched, exp: Date.now() / 1000 + 300 })
      ),
    });
    await Promise.all([source.get(), source.get()]);
    expect(fetched).toBe(1);
  });

  it("retries a failing request, then explains", async () => {
    let calls = 0;
    const source = githubIdToken({
      audience: "aud",
      retries: 2,
      fetch: async () => {
        calls++;
        throw new Error("502 Bad Gateway");
      },
    });
    await expect(source.get()).rejects.toThrow(/Could not get a GitHub ID token for audience aud: 502 Bad Gateway/);
    expect(calls).toBe(2);
  });

  it("explains a job without id-token permission, and a fork pull request", () => {
    expect(noOidcReason({})).toMatch(/permissions: id-token: write|id-token: write/);
    const event = (head: string) => {
      const file = join(mkdtempSync(join(tmpdir(), "event-")), "event.json");
      writeFileSync(file, JSON.stringify({ pull_request: { head: { repo: { full_name: head } } } }));
      return { GITHUB_EVENT_NAME: "pull_request", GITHUB_REPOSITORY: "o/r", GITHUB_EVENT_PATH: file };
    };
    // GitHub sets no variable for the head repository: the event payload says where the pull request comes from.
    expect(forkOf(event("someone/r"))).toBe("someone/r");
    expect(forkOf(event("O/R"))).toBeUndefined();
    expect(forkOf({ ...event("someone/r"), GITHUB_EVENT_NAME: "push" })).toBeUndefined();
    expect(forkOf({ ...event("someone/r"), GITHUB_EVENT_PATH: "/nonexistent/event.json" })).toBeUndefined();
    const fork = noOidcReason(event("someone/r"));
    expect(fork).toContain("pull request from the fork someone/r");
    expect(fork).toContain("no variables, no secrets and no ID token");
  });
});
