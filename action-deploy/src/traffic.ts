import type { Traffic } from "./endpoint-body.js";

/** Equal when every deployment has the same share (a missing entry is 0). */
export function sameTraffic(a: Traffic, b: Traffic): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((d) => (a[d] ?? 0) === (b[d] ?? 0));
}
