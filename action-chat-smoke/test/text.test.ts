import { charLength, excerpt, formatInt, redact, truncate } from "../src/text.js";

describe("text helpers", () => {
  it("counts characters as code points", () => {
    expect(charLength("héllo 👋")).toBe(7);
  });

  it("truncates without splitting a surrogate pair and never exceeds the limit", () => {
    expect(truncate("a👋b👋c", 3)).toBe("a👋…");
    expect(truncate("short", 5)).toBe("short");
    expect(truncate("abc", 0)).toBe("");
  });

  it("makes a one-line excerpt", () => {
    expect(excerpt('  {\n  "a": 1\n}\n')).toBe('{ "a": 1 }');
  });

  it("redacts secrets of any length, longest first (one rule: shared/src/redact.ts), but never the empty string", () => {
    expect(redact("abcdef abc", ["abcdef", "abcd"])).toBe("*** abc");
    expect(redact("abcdef xy", ["abcdef", "xy", ""])).toBe("*** ***");
  });

  it("writes thousands separators whatever the locale", () => {
    expect([formatInt(0), formatInt(999), formatInt(2310), formatInt(1234567.6), formatInt(-1500)]).toEqual([
      "0",
      "999",
      "2,310",
      "1,234,568",
      "-1,500",
    ]);
  });
});
