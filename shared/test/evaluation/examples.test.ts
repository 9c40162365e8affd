import { describe, expect, it } from "@jest/globals";
import { maxNewTokensFor, probablyCut, trimToContext } from "../../src/evaluation/decoding.js";
import { parseExamples, parsePairs, selectExamples } from "../../src/evaluation/examples.js";

const conv = (i: number, extra: object = {}) =>
  JSON.stringify({
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: `question ${i}` },
      { role: "assistant", content: `first answer ${i}` },
      { role: "user", content: `follow-up ${i}` },
      { role: "assistant", content: `reference ${i}` },
    ],
    ...extra,
  });

describe("parseExamples", () => {
  it("prompt = every turn before the last assistant turn; reference = that turn", () => {
    const { examples, dropped } = parseExamples(conv(1, { prompt_id: "abc" }) + "\n");
    expect(dropped).toEqual([]);
    expect(examples[0]).toMatchObject({ id: "abc", line: 1, reference: "reference 1" });
    expect(examples[0]!.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
  });
  it("counts unusable lines with their reason", () => {
    const text = [
      "not json",
      JSON.stringify({ messages: [{ role: "user", content: "q" }] }),
      JSON.stringify({ messages: [{ role: "assistant", content: "a" }] }),
      JSON.stringify({
        messages: [
          { role: "user", content: "q" },
          { role: "assistant", content: "  " },
        ],
      }),
      JSON.stringify({ messages: "x" }),
      "",
      conv(2),
    ].join("\n");
    const { examples, dropped } = parseExamples(text);
    expect(examples.map((e) => e.id)).toEqual(["line 7"]);
    expect(dropped.map((d) => [d.line, d.reason])).toEqual([
      [1, "not JSON"],
      [2, "no assistant turn to use as the reference"],
      [3, "no user turn before the last assistant turn"],
      [4, "the last assistant turn is empty"],
      [5, 'no "messages" list of {"role", "content"} turns'],
    ]);
  });
});

describe("selectExamples", () => {
  const all = parseExamples(Array.from({ length: 500 }, (_, i) => conv(i)).join("\n")).examples;
  it("keeps at most max, the same ones for the same data whatever the order", () => {
    const a = selectExamples(all, 200);
    const b = selectExamples([...all].reverse(), 200);
    expect(a).toHaveLength(200);
    expect(new Set(a.map((e) => e.reference))).toEqual(new Set(b.map((e) => e.reference)));
    // in file order
    expect(a.map((e) => e.line)).toEqual([...a.map((e) => e.line)].sort((x, y) => x - y));
  });
  it("changes with the seed, and keeps everything when there are few", () => {
    const a = selectExamples(all, 50, "one").map((e) => e.line);
    const b = selectExamples(all, 50, "two").map((e) => e.line);
    expect(a).not.toEqual(b);
    expect(selectExamples(all.slice(0, 10), 200)).toHaveLength(10);
  });
  it("adding lines keeps most of the earlier selection", () => {
    const before = new Set(selectExamples(all.slice(0, 450), 100).map((e) => e.line));
    const after = selectExamples(all, 100).map((e) => e.line);
    expect(after.filter((l) => before.has(l)).length).toBeGreaterThanOrEqual(80);
  });
});

describe("parsePairs", () => {
  it("reads response/reference lines; an empty response is valid", () => {
    const { pairs, dropped } = parsePairs('{"response":"","reference":"x"}\n{"response":1,"reference":"x"}\n');
    expect(pairs).toEqual([{ id: "line 1", line: 1, response: "", reference: "x" }]);
    expect(dropped[0]).toMatchObject({ line: 2, reason: 'needs string "response" and "reference" fields' });
  });
});

describe("decoding", () => {
  it("max_new_tokens covers the longest reference, capped", () => {
    expect(maxNewTokensFor(["short"])).toBe(64);
    expect(maxNewTokensFor(["x".repeat(2400)])).toBe(Math.ceil(800 * 1.25) + 16);
    expect(maxNewTokensFor(["x".repeat(30_000)])).toBe(1024);
    expect(maxNewTokensFor(["x".repeat(30_000)], { maxNewTokens: 77 })).toBe(77);
  });
  it("trims the oldest non-system turns to fit the context, keeping the last", () => {
    const long = "w".repeat(3000);
    const messages = [
      { role: "system", content: "sys" },
      { role: "user", content: long },
      { role: "assistant", content: long },
      { role: "user", content: "last question" },
    ];
    const t = trimToContext(messages, 1024, 2048);
    expect(t).toMatchObject({ ok: true, trimmedTurns: 2 });
    if (t.ok) expect(t.messages.map((m) => m.content)).toEqual(["sys", "last question"]);
    expect(trimToContext(messages, 100, 4096)).toMatchObject({ ok: true, trimmedTurns: 0 });
    expect(trimToContext([{ role: "user", content: long + long + long + long + long }], 100, 4096).ok).toBe(false);
  });
  it("flags an answer that reaches max_new_tokens", () => {
    expect(probablyCut("x".repeat(400), 100)).toBe(true);
    expect(probablyCut("x".repeat(100), 100)).toBe(false);
  });
});
