import { checkAnswer, parseRegex } from "../src/expect.js";

describe("checking an answer", () => {
  it("passes when every expectation holds", () => {
    expect(
      checkAnswer("The capital of France is Paris.", {
        contains: ["Paris"],
        notContains: ["As an AI"],
        regex: "capital",
        minChars: 10,
        maxChars: 100,
      }),
    ).toEqual({ pass: true, reasons: [] });
  });

  it("matches contains and not-contains ignoring case", () => {
    expect(checkAnswer("paris, of course", { contains: ["PARIS"] }).pass).toBe(true);
    expect(checkAnswer("as an ai model, I cannot", { notContains: ["As an AI"] }).reasons).toEqual([
      'matches forbidden text "As an AI"',
    ]);
  });

  it("matches text written with different Unicode normalisation", () => {
    expect(checkAnswer("Cafe\u0301 de Flore", { contains: ["Café"] }).pass).toBe(true);
  });

  it("reports every failed expectation, not only the first", () => {
    const r = checkAnswer(
      "As an AI, I think London.",
      { contains: ["Paris", "France"], notContains: ["As an AI"], regex: "^Paris", maxChars: 10 },
      { latencyMs: 2310, maxLatencyMs: 2000 },
    );
    expect(r).toEqual({
      pass: false,
      reasons: [
        'does not contain "Paris"',
        'does not contain "France"',
        'matches forbidden text "As an AI"',
        "does not match regex /^Paris/",
        "is 25 characters, more than max-chars 10",
        "took 2,310 ms, more than max-latency-ms 2,000",
      ],
    });
  });

  it("keeps a regex case-sensitive unless written /…/i", () => {
    expect(checkAnswer("paris", { regex: "Paris" }).reasons).toEqual(["does not match regex /Paris/"]);
    expect(checkAnswer("paris", { regex: "/Paris/i" }).pass).toBe(true);
  });

  it("counts characters of the trimmed answer, an emoji as one", () => {
    expect(checkAnswer("  hi 👋\n", { minChars: 5 }).reasons).toEqual(["is 4 characters, fewer than min-chars 5"]);
    expect(checkAnswer("a", { minChars: 20 }).reasons).toEqual(["is 1 character, fewer than min-chars 20"]);
    expect(checkAnswer("hi 👋", { maxChars: 4 }).pass).toBe(true);
  });

  it("passes a latency equal to max-latency-ms and ignores it when there is no limit", () => {
    expect(checkAnswer("x", {}, { latencyMs: 2000, maxLatencyMs: 2000 }).pass).toBe(true);
    expect(checkAnswer("x", {}, { latencyMs: 99_999 }).pass).toBe(true);
  });

  it("reports an invalid regex rather than throwing", () => {
    expect(checkAnswer("x", { regex: "(" }).reasons[0]).toMatch(
      /^regex \( is invalid: error parsing regexp: missing closing \)/,
    );
  });
});

describe("reading a regex", () => {
  it("takes a bare pattern as is and /pattern/flags with flags", () => {
    const a = parseRegex("^\\d+$");
    const b = parseRegex("/a/b/ms");
    expect("regex" in a && a.regex.source).toBe("^\\d+$");
    expect("regex" in b && [b.regex.source, b.regex.flags]).toEqual(["a/b", "ms"]);
  });

  it("matches in linear time: ^(a+)+$ against a 35-character answer is decided at once", () => {
    const answer = `${"a".repeat(34)}!`;
    const started = performance.now();
    expect(checkAnswer(answer, { regex: "^(a+)+$" }).reasons).toEqual(["does not match regex /^(a+)+$/"]);
    expect(checkAnswer("a".repeat(100_000) + "!", { regex: "/^(a|aa)+$/s" }).pass).toBe(false);
    // V8 would take minutes (2^34 paths); RE2 takes milliseconds. 1 s leaves room for a slow runner.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("applies i, m and s as JavaScript does, and reads \\u escapes", () => {
    expect(checkAnswer("PARIS", { regex: "/paris/i" }).pass).toBe(true);
    expect(checkAnswer("x\nParis\ny", { regex: "/^Paris$/m" }).pass).toBe(true);
    expect(checkAnswer("x\nParis\ny", { regex: "^Paris$" }).pass).toBe(false);
    expect(checkAnswer("a\nb", { regex: "/a.b/s" }).pass).toBe(true);
    expect(checkAnswer("a\nb", { regex: "a.b" }).pass).toBe(false);
    expect(checkAnswer("café", { regex: "caf\\u00e9" }).pass).toBe(true);
    expect(checkAnswer("😀", { regex: "^\\u{1F600}$" }).pass).toBe(true);
    expect(checkAnswer("\\u00e9", { regex: "^\\\\u00e9$" }).pass).toBe(true);
  });

  it("refuses backreferences and lookaround, saying why", () => {
    for (const r of ["(a)\\1", "Paris(?= is)", "(?<!not )Paris"]) {
      const parsed = parseRegex(r);
      expect("error" in parsed && parsed.error).toContain("backreferences and lookaround are not supported");
    }
  });

  it("rejects stateful and repeated flags", () => {
    expect(parseRegex("/x/gy")).toEqual({ error: "unsupported flags gy: use i, m, s or u" });
    expect(parseRegex("/x/ii")).toEqual({ error: "flag repeated in ii" });
  });
});
