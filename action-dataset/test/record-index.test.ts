import { RecordIndex, grown } from "../src/record-index.js";
import { orderKey, orderKeyBytes, shuffleAndSplit } from "../src/shuffle-split.js";

describe("the record index", () => {
  it("orders by key exactly as shuffleAndSplit orders the keys' hex strings, equal keys in the order added", () => {
    // 3000 conversations, every seventh a repeat of an earlier one (dedupe off).
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `{"messages":[{"role":"user","content":"q${i % 7 === 6 ? i - 3 : i}"}]}`,
    );
    const index = new RecordIndex();
    lines.forEach((line, i) => index.add(orderKeyBytes(42, line), i * 100, 99, i));
    const expected = shuffleAndSplit(
      lines.map((line, i) => ({ key: orderKey(42, line), i })),
      0,
    ).train.map((x) => x.i);
    expect([...index.order()]).toEqual(expected);
  });

  it("breaks ties beyond the first six bytes of the key", () => {
    const index = new RecordIndex();
    const key = (last: number) => Buffer.from([...new Array<number>(31).fill(1), last]);
    index.add(key(9), 0, 1, 0);
    index.add(key(3), 1, 1, 0);
    index.add(key(9), 2, 1, 0);
    index.add(Buffer.alloc(32, 0), 3, 1, 0);
    expect([...index.order()]).toEqual([3, 1, 0, 2]);
  });

  it("keeps offsets beyond 4 GB, lengths and token counts", () => {
    const index = new RecordIndex();
    for (let i = 0; i < 2500; i++) index.add(orderKeyBytes(1, String(i)), 5_000_000_000 + i, 10 + i, 3 * i);
    expect(index.size).toBe(2500);
    expect(index.offset(2499)).toBe(5_000_002_499);
    expect(index.length(1234)).toBe(1244);
    expect(index.tokens()).toHaveLength(2500);
    expect(index.tokens()[100]).toBe(300);
  });

  it("grows typed arrays by doubling, keeping their content", () => {
    const a = Float64Array.from([1, 2, 3]);
    expect(grown(a, 3)).toBe(a);
    const b = grown(a, 4);
    expect(b.length).toBeGreaterThanOrEqual(1024);
    expect([...b.subarray(0, 3)]).toEqual([1, 2, 3]);
  });
});
