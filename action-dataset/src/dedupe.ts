/**
 * Exact duplicate conversations. Two records are duplicates when their output lines are equal bytes:
 * the same roles and contents in the same order after normalisation (only role and content kept, the
 * system prompt applied), whatever other fields or key order the source had.
 *
 * The set is keyed by the conversation's 32-byte sha256 order key (equal lines ⇔ equal keys), not by the
 * line, and kept in typed arrays rather than a Map of strings: an open-addressing hash table of entry
 * numbers over an arena of keys, and each first occurrence's location as numbers. About 60 bytes a
 * unique conversation however long it is, and nothing for the garbage collector to walk.
 */
import type { Location } from "./problems.js";
import { KEY_BYTES, grown } from "./record-index.js";

export class Deduplicator {
  private keys = new Uint8Array(0);
  private fileIds = new Uint32Array(0);
  /** NaN where the location has no line or row. */
  private lines = new Float64Array(0);
  private rows = new Float64Array(0);
  private readonly files: string[] = [];
  private readonly fileIdByName = new Map<string, number>();
  /** Entry number + 1 per slot, 0 for an empty slot; the length is a power of two, at most half full. */
  private table = new Uint32Array(1024);
  private size = 0;
  private dropped = 0;

  /** Undefined for the first occurrence of `key` (32 bytes); for a repeat, where the first one was. */
  check(key: Uint8Array, location: Location): Location | undefined {
    if (key.length !== KEY_BYTES) throw new Error(`a dedupe key has ${KEY_BYTES} bytes, not ${key.length}`);
    const slot = this.find(key);
    const entry = this.table[slot] ?? 0;
    if (entry !== 0) {
      this.dropped++;
      return this.location(entry - 1);
    }
    this.add(key, location, slot);
    return undefined;
  }

  get duplicates(): number {
    return this.dropped;
  }

  /** The slot holding `key`, or the empty slot where it belongs. */
  private find(key: Uint8Array): number {
    const mask = this.table.length - 1;
    // The key is a sha256: any four of its bytes are a well-spread hash.
    let slot = (((key[0] ?? 0) << 24) | ((key[1] ?? 0) << 16) | ((key[2] ?? 0) << 8) | (key[3] ?? 0)) & mask;
    for (;;) {
      const entry = this.table[slot] ?? 0;
      if (entry === 0 || this.keyEquals(entry - 1, key)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private keyEquals(entry: number, key: Uint8Array): boolean {
    const at = entry * KEY_BYTES;
    for (let k = 0; k < KEY_BYTES; k++) if (this.keys[at + k] !== key[k]) return false;
    return true;
  }

  private add(key: Uint8Array, location: Location, slot: number): void {
    const entry = this.size++;
    this.keys = grown(this.keys, this.size * KEY_BYTES);
    this.fileIds = grown(this.fileIds, this.size);
    this.lines = grown(this.lines, this.size);
    this.rows = grown(this.rows, this.size);
    this.keys.set(key, entry * KEY_BYTES);
    let fileId = this.fileIdByName.get(location.file);
    if (fileId === undefined) {
      fileId = this.files.push(location.file) - 1;
      this.fileIdByName.set(location.file, fileId);
    }
    this.fileIds[entry] = fileId;
    this.lines[entry] = location.line ?? Number.NaN;
    this.rows[entry] = location.row ?? Number.NaN;
    this.table[slot] = entry + 1;
    if (this.size * 2 > this.table.length) this.rehash();
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (const entry of old) {
      if (entry !== 0) this.table[this.find(this.keys.subarray((entry - 1) * KEY_BYTES, entry * KEY_BYTES))] = entry;
    }
  }

  private location(entry: number): Location {
    const location: Location = { file: this.files[this.fileIds[entry] ?? 0] ?? "" };
    const line = this.lines[entry] ?? Number.NaN;
    const row = this.rows[entry] ?? Number.NaN;
    if (!Number.isNaN(line)) location.line = line;
    if (!Number.isNaN(row)) location.row = row;
    return location;
  }
}
