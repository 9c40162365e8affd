import { checkName, deriveName, ONLINE_ENDPOINT, COMPUTE } from "../src/names.js";

describe("names", () => {
  it("accepts a valid online endpoint name and rejects ones Azure would refuse", () => {
    expect(checkName(ONLINE_ENDPOINT, "phi3-chat")).toBeUndefined();
    expect(checkName(ONLINE_ENDPOINT, "ab")).toMatch(/3-32 characters/);
    expect(checkName(ONLINE_ENDPOINT, "1phi")).toMatch(/starting with a letter/);
    expect(checkName(ONLINE_ENDPOINT, "phi_3")).toBeDefined();
    expect(checkName(ONLINE_ENDPOINT, "phi3-")).toBeDefined();
    expect(checkName(ONLINE_ENDPOINT, "a".repeat(33))).toBeDefined();
  });

  it("derives a valid endpoint name from a repository, however long", () => {
    const short = deriveName(ONLINE_ENDPOINT, "Octo-Org/Phi3_Demo");
    expect(short).toBe("octo-org-phi3-demo");
    const long = deriveName(
      ONLINE_ENDPOINT,
      "a-very-long-organisation-name/and-an-even-longer-repository-name",
      "pr-12",
    );
    expect(long.length).toBeLessThanOrEqual(32);
    expect(long.endsWith("-pr-12")).toBe(true);
    expect(checkName(ONLINE_ENDPOINT, long)).toBeUndefined();
    expect(checkName(COMPUTE, deriveName(COMPUTE, "123"))).toBeUndefined();
  });
});
