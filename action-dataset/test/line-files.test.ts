import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { BufferedWriter, LineBatch, RangeReader, SPOOL_BUCKETS, Spool } from "../src/line-files.js";
import { scratch } from "./helpers.js";
import type { Scratch } from "./helpers.js";

let tmp: Scratch;
beforeAll(() => {
  tmp = scratch();
});
afterAll(() => tmp.remove());

describe("the buffered writer and the range reader", () => {
  it("writes bytes across buffer flushes and larger than the buffer, hashing what it writes", () => {
    const path = `${tmp.dir}/out.bin`;
    const w = new BufferedWriter(path, { sha256: true });
    const pieces: Buffer[] = [];
    const ranges: Array<[number, number]> = [];
    const texts = ["plain", "ünïcødé ✓ 日本語 🚀", "x".repeat(1_500_000), "é".repeat(400_000), "end"];
    for (const text of texts) {
      const at = w.size;
      const bytes = Buffer.from(text, "utf8");
      w.write(bytes);
      const n = bytes.length;
      pieces.push(bytes);
      ranges.push([at, n]);
      w.write(Buffer.from("\n"));
      pieces.push(Buffer.from("\n"));
    }
    const { bytes, sha256 } = w.close();
    const expected = Buffer.concat(pieces);
    expect(readFileSync(path).equals(expected)).toBe(true);
    expect(bytes).toBe(expected.length);
    expect(sha256).toBe(createHash("sha256").update(expected).digest("hex"));

    const r = new RangeReader(path);
    texts.forEach((text, i) => {
      const [at, n] = ranges[i]!;
      expect(r.read(at, n).toString("utf8")).toBe(text);
    });
    r.close();
  });

  it("does not hash unless asked", () => {
    const w = new BufferedWriter(`${tmp.dir}/plain.bin`);
    w.write(Buffer.from("a"));
    expect(w.close()).toEqual({ bytes: 1, sha256: undefined });
  });

  it("says so when a range runs past the end of the file", () => {
    const path = tmp.file("short.bin", "abc");
    const r = new RangeReader(path);
    expect(() => r.read(1, 5)).toThrow(/ended at byte 3/);
    r.close();
  });
});

describe("the spool", () => {
  const key = (first: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? first : i));

  it.each([
    ["read whole", undefined],
    ["read line by line", 1000],
  ])(
    "keeps each line in the file of its key's range and reads them back in key order, deleting each file it has passed (%s)",
    (_, wholeFileMax) => {
      const spool = new Spool(`${tmp.dir}/lines-${wholeFileMax}.spool`, { wholeFileMax });
      const lines = Array.from({ length: 200 }, (_, i) => ({
        key: key((i * 37) % 256),
        text: `line ${i} ✓ ${"x".repeat(i * 50)}`,
      }));
      const placed = lines.map((l) => ({
        ...l,
        at: spool.append(l.key, Buffer.from(l.text)),
        length: Buffer.byteLength(l.text) + 1,
      }));
      spool.close();
      const files = Array.from({ length: SPOOL_BUCKETS }, (_, b) => `${tmp.dir}/lines-${wholeFileMax}.spool.${b}`);
      expect(files.every((f) => existsSync(f))).toBe(true);

      const reader = spool.reader();
      const inOrder = [...placed].sort((a, b) => (a.key[0] ?? 0) - (b.key[0] ?? 0));
      for (const p of inOrder) {
        expect(reader.read(p.at, p.length).toString()).toBe(`${p.text}\n`);
        const bucket = Spool.bucketOf(p.key);
        expect(files.slice(0, bucket).some((f) => existsSync(f))).toBe(false); // passed: deleted
        expect(existsSync(files[bucket]!)).toBe(true);
      }
      expect(() => reader.read(inOrder[0]!.at, inOrder[0]!.length)).toThrow(/key order/);
      reader.close();
      spool.remove();
      expect(files.some((f) => existsSync(f))).toBe(false);
    },
  );

  it("deletes its files when it is removed before it was read, even while open", () => {
    const spool = new Spool(`${tmp.dir}/dropped.spool`);
    spool.append(key(0), Buffer.from("a"));
    spool.remove();
    expect(existsSync(`${tmp.dir}/dropped.spool.0`)).toBe(false);
  });
});

describe("the line batch", () => {
  it("holds the lines ended, grows for a long line, hands its buffer over and takes it back", () => {
    const batch = new LineBatch(64);
    batch.writeText("é✓");
    batch.write(Buffer.from("🚀"));
    batch.endLine();
    const long = "ü".repeat(700_000);
    batch.writeText(long);
    batch.endLine();
    expect(batch.size).toBe(Buffer.byteLength("é✓🚀") + Buffer.byteLength(long));
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      lines.push(`line ${i}`);
      batch.writeText(`line ${i}`);
      batch.endLine();
    }
    const { bytes, ends } = batch.take();
    expect(ends).toHaveLength(602);
    const text = Buffer.from(bytes).toString();
    let start = 0;
    const got = [...ends].map((end) => {
      const line = Buffer.from(bytes.subarray(start, end)).toString();
      start = end;
      return line;
    });
    expect(got).toEqual(["é✓🚀", long, ...lines]);
    expect(text.length).toBeGreaterThan(700_000);
    expect(batch.size).toBe(0);
    batch.recycle(bytes.buffer as ArrayBuffer); // grown past its size: not taken back
    const small = new LineBatch(64);
    small.writeText("x");
    small.endLine();
    const first = small.take().bytes.buffer;
    small.recycle(first as ArrayBuffer);
    small.take(); // the empty one it started
    small.writeText("y");
    small.endLine();
    expect(small.take().bytes.buffer).toBe(first); // the recycled one, filled again
  });
});
