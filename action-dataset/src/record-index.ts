/**
 * The per-conversation index that lets the data itself stay on disk: for every conversation kept, its
 * 32-byte order key (shuffle-split.ts), where its line is in the spool file (offset, length) and its token
 * count. 48 bytes a conversation, in typed arrays that double as they fill, so the garbage collector
 * never walks them and memory grows with the number of conversations, not with their size.
 */

type NumberArray = Uint8Array | Uint32Array | Float64Array;

/** `array`, or a copy at least twice as long when `needed` elements do not fit. */
export function grown<T extends NumberArray>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const Ctor = array.constructor as new (length: number) => T;
  const bigger = new Ctor(Math.max(needed, array.length * 2, 1024));
  bigger.set(array);
  return bigger;
}

export const KEY_BYTES = 32;

export class RecordIndex {
  private keys = new Uint8Array(0);
  /** The first 6 bytes of each key as a number: decides almost every comparison of the sort alone. */
  private prefixes = new Float64Array(0);
  private offsets = new Float64Array(0); // a spool can pass 4 GB
  private lengths = new Uint32Array(0);
  private tokenCounts = new Uint32Array(0);
  private n = 0;

  get size(): number {
    return this.n;
  }

  add(key: Uint8Array, offset: number, length: number, tokens: number): void {
    if (key.length !== KEY_BYTES) throw new Error(`an order key has ${KEY_BYTES} bytes, not ${key.length}`);
    const i = this.n++;
    this.keys = grown(this.keys, this.n * KEY_BYTES);
    this.prefixes = grown(this.prefixes, this.n);
    this.offsets = grown(this.offsets, this.n);
    this.lengths = grown(this.lengths, this.n);
    this.tokenCounts = grown(this.tokenCounts, this.n);
    this.keys.set(key, i * KEY_BYTES);
    let prefix = 0;
    for (let b = 0; b < 6; b++) prefix = prefix * 256 + (key[b] ?? 0);
    this.prefixes[i] = prefix;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.tokenCounts[i] = tokens;
  }

  offset(i: number): number {
    return this.offsets[i] ?? 0;
  }

  length(i: number): number {
    return this.lengths[i] ?? 0;
  }

  /** The token counts in the order the conversations were added. */
  tokens(): Uint32Array {
    return this.tokenCounts.subarray(0, this.n);
  }

  /**
   * The conversations by key, bytewise ascending (the order of the keys' hex strings), equal keys (the
   * same conversation, when dedupe is off) in the order they were added: the seeded shuffle.
   */
  order(): Uint32Array {
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const { prefixes, keys } = this;
    return order.sort((a, b) => {
      const byPrefix = (prefixes[a] ?? 0) - (prefixes[b] ?? 0);
      if (byPrefix !== 0) return byPrefix;
      for (let k = 6; k < KEY_BYTES; k++) {
        const d = (keys[a * KEY_BYTES + k] ?? 0) - (keys[b * KEY_BYTES + k] ?? 0);
        if (d !== 0) return d;
      }
      return a - b;
    });
  }
}
