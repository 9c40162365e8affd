/**
 * Exact duplicate conversations. Two records are duplicates when their output lines are equal bytes:
 * the same roles and contents in the same order after normalisation (only role and content kept, the
 * system prompt applied), whatever other fields or key order the source had.
 */
import type { Location } from "./problems.js";

export class Deduplicator {
  // Keyed by the conversation's sha256 order key (equal lines ⇔ equal keys), not by the line itself,
  // so memory is a fixed ~100 bytes a conversation however long it is.
  private readonly firstSeen = new Map<string, Location>();
  private dropped = 0;

  /** Undefined for the first occurrence of `key`; for a repeat, where the first one was. */
  check(key: string, location: Location): Location | undefined {
    const first = this.firstSeen.get(key);
    if (first) {
      this.dropped++;
      return first;
    }
    this.firstSeen.set(key, location);
    return undefined;
  }

  get duplicates(): number {
    return this.dropped;
  }
}
