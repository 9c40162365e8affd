import { Deduplicator } from "../src/dedupe.js";
import { canonicalJson, fingerprint, sha256Hex } from "../src/fingerprint.js";
import type { FingerprintSettings } from "../src/fingerprint.js";
import { orderKeyBytes } from "../src/shuffle-split.js";
import { percentile, tokenStats } from "../src/stats.js";

const settings: FingerprintSettings = {
  slice: "[:1%]",
  validationSplit: 0.2,
  seed: 42,
  messagesField: "messages",
  maxTokens: 4096,
  onTooLong: "drop",
  dedupe: true,
};

describe("the fingerprint", () => {
  it("is a sha256 that is the same for the same data and settings", () => {
    const f = fingerprint(sha256Hex("t"), sha256Hex("v"), settings);
    expect(f).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(sha256Hex("t"), sha256Hex("v"), { ...settings })).toBe(f);
  });

  it("changes with either file, with swapping them, and with any setting", () => {
    const f = fingerprint(sha256Hex("t"), sha256Hex("v"), settings);
    expect(fingerprint(sha256Hex("t2"), sha256Hex("v"), settings)).not.toBe(f);
    expect(fingerprint(sha256Hex("t"), sha256Hex("v2"), settings)).not.toBe(f);
    expect(fingerprint(sha256Hex("v"), sha256Hex("t"), settings)).not.toBe(f);
    expect(fingerprint(sha256Hex("t"), sha256Hex("v"), { ...settings, seed: 43 })).not.toBe(f);
    expect(fingerprint(sha256Hex("t"), sha256Hex("v"), { ...settings, systemPrompt: "Be brief." })).not.toBe(f);
  });

  it("does not depend on the order settings are written in, or on absent ones", () => {
    const reordered = Object.fromEntries(Object.entries(settings).reverse()) as unknown as FingerprintSettings;
    expect(fingerprint("a", "b", { ...reordered, systemPrompt: undefined })).toBe(fingerprint("a", "b", settings));
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined } })).toBe('{"a":{"d":2},"b":1}');
  });
});

describe("dedupe", () => {
  const key = (text: string) => orderKeyBytes(42, text);

  it("lets the first occurrence through and points repeats at it", () => {
    const d = new Deduplicator();
    expect(d.check(key("k1"), { file: "f", line: 1 })).toBeUndefined();
    expect(d.check(key("k2"), { file: "f", line: 2 })).toBeUndefined();
    expect(d.check(key("k1"), { file: "f", line: 3 })).toStrictEqual({ file: "f", line: 1 });
    expect(d.check(key("k1"), { file: "f", line: 4 })).toStrictEqual({ file: "f", line: 1 });
    expect(d.duplicates).toBe(2);
  });

  it("remembers the file, line and row of each first occurrence through its growth", () => {
    const d = new Deduplicator();
    const n = 5000; // the table starts at 1024 slots: several rehashes
    for (let i = 0; i < n; i++)
      expect(
        d.check(key(`c${i}`), {
          file: i % 2 ? "a.parquet" : "b.jsonl",
          ...(i % 2 ? { row: i } : { line: i + 1, row: i }),
        }),
      ).toBeUndefined();
    for (let i = 0; i < n; i++) {
      expect(d.check(key(`c${i}`), { file: "later", line: 1 })).toStrictEqual(
        i % 2 ? { file: "a.parquet", row: i } : { file: "b.jsonl", line: i + 1, row: i },
      );
    }
    expect(d.duplicates).toBe(n);
  });

  it("tells apart keys that share their first bytes (the slot)", () => {
    const d = new Deduplicator();
    const a = Buffer.alloc(32, 7);
    const b = Buffer.from(a);
    b[31] = 8;
    expect(d.check(a, { file: "f", line: 1 })).toBeUndefined();
    expect(d.check(b, { file: "f", line: 2 })).toBeUndefined();
    expect(d.check(b, { file: "f", line: 3 })).toStrictEqual({ file: "f", line: 2 });
  });
});

describe("token statistics", () => {
  it("uses nearest-rank percentiles", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99)]).toEqual([50, 90, 99]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it("bins lengths in eighths of max-tokens and one bin above it", () => {
    const s = tokenStats([10, 600, 4096, 5000, 9000], 4096);
    expect(s).toMatchObject({ count: 5, p50: 4096, max: 9000, overMax: 2 });
    expect(s.histogram.map((b) => b.count)).toEqual([1, 1, 0, 0, 0, 0, 0, 1, 2]);
    expect(s.histogram[0]).toEqual({ from: 0, to: 512, count: 1 });
    expect(s.histogram[8]).toEqual({ from: 4096, to: null, count: 2 });
  });

  it("reads the counts from a typed array as well (what prepare's index holds), without reordering it", () => {
    const counts = Uint32Array.from([9000, 10, 5000, 600, 4096]);
    expect(tokenStats(counts, 4096)).toEqual(tokenStats([10, 600, 4096, 5000, 9000], 4096));
    expect([...counts]).toEqual([9000, 10, 5000, 600, 4096]);
  });
});
