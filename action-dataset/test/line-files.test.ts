import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { BufferedWriter, RangeReader } from "../src/line-files.js";
import { scratch } from "./helpers.js";
import type { Scratch } from "./helpers.js";

let tmp: Scratch;
beforeAll(() => {
  tmp = scratch();
});
afterAll(() => tmp.remove());

describe("the buffered writer and the range reader", () => {
  it("writes text as UTF-8 and bytes, across buffer flushes and larger than the buffer, hashing what it writes", () => {
    const path = `${tmp.dir}/out.bin`;
    const w = new BufferedWriter(path, { sha256: true });
    const pieces: Buffer[] = [];
    const ranges: Array<[number, number]> = [];
    const texts = ["plain", "ünïcødé ✓ 日本語 🚀", "x".repeat(1_500_000), "é".repeat(400_000), "end"];
    for (const text of texts) {
      const at = w.size;
      const n = w.writeText(text);
      pieces.push(Buffer.from(text, "utf8"));
      expect(n).toBe(Buffer.byteLength(text));
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

  it("gives back the bytes just written while buffered, and takes them back", () => {
    const path = `${tmp.dir}/unwrite.bin`;
    const w = new BufferedWriter(path);
    w.writeText("keep ");
    const n = w.writeText("drop ✓");
    expect(w.lastWritten(n)?.toString()).toBe("drop ✓");
    expect(w.unwrite(n)).toBe(true);
    expect(w.size).toBe(5);
    const big = w.writeText("y".repeat(2_000_000)); // straight to the file: not in the buffer any more
    expect(w.lastWritten(big)).toBeUndefined();
    expect(w.unwrite(big)).toBe(false);
    w.close();
    expect(readFileSync(path).length).toBe(5 + 2_000_000);
  });

  it("does not hash unless asked", () => {
    const w = new BufferedWriter(`${tmp.dir}/plain.bin`);
    w.writeText("a");
    expect(w.close()).toEqual({ bytes: 1, sha256: undefined });
  });

  it("says so when a range runs past the end of the file", () => {
    const path = tmp.file("short.bin", "abc");
    const r = new RangeReader(path);
    expect(() => r.read(1, 5)).toThrow(/ended at byte 3/);
    r.close();
  });
});
