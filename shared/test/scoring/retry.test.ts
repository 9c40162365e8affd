import { BACKOFF, isRetryable, nextDelayMs, parseRetryAfter } from "../../src/scoring/retry.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");

describe("what is retried", () => {
  it.each([408, 429, 500, 502, 503, 504])("retries HTTP %i", (status) => {
    expect(isRetryable({ kind: "http", status })).toBe(true);
  });

  it.each([400, 401, 403, 404, 424])("does not retry HTTP %i", (status) => {
    expect(isRetryable({ kind: "http", status })).toBe(false);
  });

  it("retries timeouts and connection resets, but not an unknown host", () => {
    expect(isRetryable({ kind: "timeout" })).toBe(true);
    expect(isRetryable({ kind: "network", code: "ECONNRESET" })).toBe(true);
    expect(isRetryable({ kind: "network", code: "UND_ERR_SOCKET" })).toBe(true);
    expect(isRetryable({ kind: "network", code: "ENOTFOUND" })).toBe(false);
    expect(isRetryable({ kind: "network" })).toBe(false);
  });
});

describe("how long to wait", () => {
  it("doubles from 2 s, between half and all of the step, up to the 30 s cap", () => {
    const low = [1, 2, 3, 4, 5, 6].map((a) => nextDelayMs(a, undefined, () => 0, NOW));
    const high = [1, 2, 3, 4, 5, 6].map((a) => nextDelayMs(a, undefined, () => 1, NOW));
    expect(low).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
    expect(high).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
    expect(nextDelayMs(2, undefined, () => 0.5, NOW)).toBe(3000);
  });

  it("honours Retry-After in seconds instead of the backoff", () => {
    expect(nextDelayMs(1, "7", () => 1, NOW)).toBe(7000);
    expect(nextDelayMs(5, "0", () => 1, NOW)).toBe(0);
  });

  it("honours Retry-After as an HTTP-date, a past date meaning now", () => {
    expect(nextDelayMs(1, "Sun, 01 Jun 2025 12:00:12 GMT", () => 0, NOW)).toBe(12_000);
    expect(nextDelayMs(1, "Sun, 01 Jun 2025 11:00:00 GMT", () => 0, NOW)).toBe(0);
  });

  it("caps Retry-After at 2 minutes", () => {
    expect(nextDelayMs(1, "3600", () => 0, NOW)).toBe(BACKOFF.maxRetryAfterMs);
    expect(BACKOFF.maxRetryAfterMs).toBe(120_000);
  });

  it("falls back to the backoff for an unreadable Retry-After", () => {
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter("1.5", NOW)).toBeUndefined();
    expect(parseRetryAfter("", NOW)).toBeUndefined();
    expect(nextDelayMs(1, "soon", () => 0, NOW)).toBe(1000);
  });
});
