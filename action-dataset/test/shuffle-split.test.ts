import { orderKey, shuffleAndSplit, validationCount } from "../src/shuffle-split.js";

const lines = (n: number, from = 0) =>
  Array.from(
    { length: n },
    (_, i) => `{"messages":[{"role":"user","content":"q${from + i}"},{"role":"assistant","content":"a${from + i}"}]}`,
  );
const keyed = (seed: number, ls: string[]) => ls.map((line) => ({ key: orderKey(seed, line), line }));

describe("the validation count", () => {
  it("is validation-split × rows, rounded to the nearest row", () => {
    expect(validationCount(1000, 0.2)).toEqual({ ok: true, count: 200, adjusted: false });
    expect(validationCount(43, 0.2)).toEqual({ ok: true, count: 9, adjusted: false }); // 8.6
    expect(validationCount(42, 0.2)).toEqual({ ok: true, count: 8, adjusted: false }); // 8.4
    expect(validationCount(5, 0.5)).toEqual({ ok: true, count: 3, adjusted: false }); // 2.5: halves up
  });

  it("keeps both sides non-empty from two rows up, and says when it had to adjust", () => {
    expect(validationCount(2, 0.2)).toEqual({ ok: true, count: 1, adjusted: true });
    expect(validationCount(3, 0.99)).toEqual({ ok: true, count: 2, adjusted: true });
    expect(validationCount(10, 0.01)).toEqual({ ok: true, count: 1, adjusted: true });
  });

  it("refuses to split fewer than two conversations", () => {
    expect(validationCount(1, 0.2)).toEqual({
      ok: false,
      message: expect.stringContaining("1 conversation(s) left: splitting needs at least 2"),
    });
    expect(validationCount(0, 0.2).ok).toBe(false);
  });

  it("refuses a validation-split outside (0, 1)", () => {
    for (const share of [0, 1, -0.1, 1.5, Number.NaN])
      expect(validationCount(100, share)).toMatchObject({
        ok: false,
        message: expect.stringContaining("between 0 and 1"),
      });
  });
});

describe("the seeded shuffle and split", () => {
  it("gives the same order for the same seed", () => {
    const a = shuffleAndSplit(keyed(42, lines(100)), 20);
    const b = shuffleAndSplit(keyed(42, lines(100)), 20);
    expect(a).toEqual(b);
  });

  it("gives another order for another seed", () => {
    const a = shuffleAndSplit(keyed(42, lines(100)), 20);
    const b = shuffleAndSplit(keyed(7, lines(100)), 20);
    expect(b.train.map((x) => x.line)).not.toEqual(a.train.map((x) => x.line));
    expect(new Set(b.validation.map((x) => x.line))).not.toEqual(new Set(a.validation.map((x) => x.line)));
  });

  it("actually shuffles: the output order is not the input order", () => {
    const { train } = shuffleAndSplit(keyed(42, lines(100)), 20);
    expect(train.map((x) => x.line)).not.toEqual(lines(100).filter((l) => train.some((t) => t.line === l)));
  });

  it("does not depend on the input order", () => {
    const ls = lines(200);
    const a = shuffleAndSplit(keyed(42, ls), 40);
    const b = shuffleAndSplit(keyed(42, [...ls].reverse()), 40);
    expect(b).toEqual(a);
  });

  it("puts exactly the requested count in validation, and every item on exactly one side", () => {
    const { train, validation } = shuffleAndSplit(keyed(42, lines(1000)), 200);
    expect(validation).toHaveLength(200);
    expect(train).toHaveLength(800);
    expect(new Set([...train, ...validation].map((x) => x.line)).size).toBe(1000);
  });

  it("is stable under appending: old records keep their relative order and almost all keep their side", () => {
    const old = lines(1000);
    const before = shuffleAndSplit(keyed(42, old), 200);
    const grown = [...old, ...lines(100, 1000)];
    const after = shuffleAndSplit(keyed(42, grown), 220);
    const wasValidation = new Set(before.validation.map((x) => x.line));
    const isValidation = new Set(after.validation.map((x) => x.line));
    const moved = old.filter((l) => wasValidation.has(l) !== isValidation.has(l)).length;
    expect(moved).toBeLessThanOrEqual(20); // ≤ 2% of the old records, only around the cut-off
    const oldSet = new Set(old);
    const relOrder = (r: typeof before) =>
      [...r.validation, ...r.train].map((x) => x.line).filter((l) => oldSet.has(l));
    // Read as one sequence (validation, then train), the old records are in the same order as before.
    expect(relOrder(after)).toEqual(relOrder(before));
  });

  it("keeps identical lines (dedupe off) in input order", () => {
    const items = [
      { key: "b", line: "x", id: 1 },
      { key: "a", line: "y", id: 2 },
      { key: "b", line: "x", id: 3 },
    ];
    expect(shuffleAndSplit(items, 1)).toEqual({ validation: [items[1]], train: [items[0], items[2]] });
  });

  it("derives keys from the seed and the line only", () => {
    expect(orderKey(42, "x")).toBe(orderKey(42, "x"));
    expect(orderKey(42, "x")).not.toBe(orderKey(43, "x"));
    expect(orderKey(42, "x")).toMatch(/^[0-9a-f]{64}$/);
  });
});
