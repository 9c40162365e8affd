import { applySlice, formatSplitSpec, parseSplitSpec, roundHalfEven, sliceNeedsRowCount } from "../src/split-spec.js";
import type { SplitSpec } from "../src/split-spec.js";

function parsed(input: string): SplitSpec {
  const r = parseSplitSpec(input);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function rejected(input: string): string {
  const r = parseSplitSpec(input);
  if (r.ok) throw new Error(`${input} was accepted as ${JSON.stringify(r.value)}`);
  return r.message;
}

describe("the split input (Hugging Face slice syntax)", () => {
  it("reads a bare split name as the whole split", () => {
    expect(parsed("train_sft")).toEqual({ split: "train_sft", unit: "abs" });
    expect(applySlice(parsed("train_sft"), 250)).toEqual([0, 250]);
  });

  it("reads train_sft[:1%] as the first percent, rounded to the closest row", () => {
    const spec = parsed("train_sft[:1%]");
    expect(spec).toEqual({ split: "train_sft", to: 1, unit: "pct", rounding: "closest" });
    // ultrachat_200k's train_sft has 207,865 rows: 1% is 2,078.65 → 2,079.
    expect(applySlice(spec, 207_865)).toEqual([0, 2079]);
  });

  it("reads train[100:2000] as rows 100 to 1999", () => {
    expect(parsed("train[100:2000]")).toEqual({ split: "train", from: 100, to: 2000, unit: "abs" });
    expect(applySlice(parsed("train[100:2000]"), 10_000)).toEqual([100, 2000]);
  });

  it("reads train[:5000] as the first 5000 rows, or all of a smaller split", () => {
    expect(applySlice(parsed("train[:5000]"), 10_000)).toEqual([0, 5000]);
    expect(applySlice(parsed("train[:5000]"), 1200)).toEqual([0, 1200]);
  });

  it("reads train[10%:20%] as the second tenth", () => {
    expect(parsed("train[10%:20%]")).toEqual({ split: "train", from: 10, to: 20, unit: "pct", rounding: "closest" });
    expect(applySlice(parsed("train[10%:20%]"), 1000)).toEqual([100, 200]);
  });

  it("counts negative bounds from the end, as datasets does", () => {
    expect(applySlice(parsed("train[-100:]"), 1000)).toEqual([900, 1000]);
    expect(applySlice(parsed("train[:-100]"), 1000)).toEqual([0, 900]);
    expect(applySlice(parsed("train[-10%:]"), 1000)).toEqual([900, 1000]);
    expect(applySlice(parsed("train[-5000:]"), 1000)).toEqual([0, 1000]);
  });

  it("rounds percent bounds half to even, like Python's round() in datasets", () => {
    expect(roundHalfEven(0.5)).toBe(0);
    expect(roundHalfEven(1.5)).toBe(2);
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(2.51)).toBe(3);
    // 1% of 50 rows is 0.5 → 0; of 150 rows 1.5 → 2; of 250 rows 2.5 → 2.
    expect(applySlice(parsed("train[:1%]"), 50)).toEqual([0, 0]);
    expect(applySlice(parsed("train[:1%]"), 150)).toEqual([0, 2]);
    expect(applySlice(parsed("train[:1%]"), 250)).toEqual([0, 2]);
  });

  it("supports datasets' pct1_dropremainder rounding, which needs at least 100 rows", () => {
    const spec = parsed("train[:1%](pct1_dropremainder)");
    expect(spec.rounding).toBe("pct1_dropremainder");
    expect(applySlice(spec, 250)).toEqual([0, 2]);
    expect(applySlice(spec, 199)).toEqual([0, 1]);
    expect(() => applySlice(spec, 99)).toThrow(/at least 100 rows/);
  });

  it("gives an empty range when the bounds cross only once the row count is known", () => {
    expect(applySlice(parsed("train[-10:5]"), 100)).toEqual([90, 90]);
  });

  it("knows which slices need the row count first", () => {
    expect(sliceNeedsRowCount(parsed("train[100:2000]"))).toBe(false);
    expect(sliceNeedsRowCount(parsed("train[:1%]"))).toBe(true);
    expect(sliceNeedsRowCount(parsed("train[-5:]"))).toBe(true);
  });

  it("writes a spec back in canonical form", () => {
    expect(formatSplitSpec(parsed(" train[10%:20%] "))).toBe("train[10%:20%]");
    expect(formatSplitSpec(parsed("train[:5000]"))).toBe("train[:5000]");
    expect(formatSplitSpec(parsed("train[:1%](pct1_dropremainder)"))).toBe("train[:1%](pct1_dropremainder)");
    expect(formatSplitSpec(parsed("test"))).toBe("test");
  });

  describe("rejects a malformed slice with a message naming the value and the accepted forms", () => {
    it.each([
      ["", "is empty"],
      ["train[5]", "not a split name with an optional slice"],
      ["train[1:2", "not a split name with an optional slice"],
      ["train[a:b]", "not a split name with an optional slice"],
      ["train[1.5:2]", "not a split name with an optional slice"],
      ["train sft", "not a split name with an optional slice"],
      ["[:10]", "not a split name with an optional slice"],
      ["train[%:10%]", "a % without a number"],
      ["train[10%:2000]", "mixes a percent and an absolute bound"],
      ["train[:150%]", "outside -100%..100%"],
      ["train[500:100]", "selects no rows"],
      ["train[5:5]", "selects no rows"],
      ["train[:0]", "selects no rows"],
      ["train[-5:-10]", "selects no rows"],
      ["train[:10](closest)", "only applies to percent slices"],
      ["train[:10%](nearest)", 'unknown rounding "nearest"'],
      ["train[:10%]+test[:10%]", "not supported"],
    ])("rejects %j", (input, why) => {
      const message = rejected(input);
      expect(message).toContain(`split "${input}"`);
      expect(message).toContain(why);
      expect(message).toContain("train_sft[:1%]");
    });
  });
});
