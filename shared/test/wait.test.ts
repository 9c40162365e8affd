import {
  waitFor,
  formatDuration,
  WaitTimeoutError,
  WaitCancelledError,
  followPoller,
  type Observation,
} from "../src/wait.js";
import type { Logger } from "../src/log.js";

function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    advance: (ms: number) => (t += ms),
  };
}
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = {
    lines,
    info: (m: string) => lines.push(m),
    debug: () => {},
    notice: () => {},
    warning: () => {},
    error: () => {},
    group: async <T>(_t: string, f: () => Promise<T>) => f(),
    child: () => log,
  };
  return log as Logger & { lines: string[] };
}
const script = (states: Array<Partial<Observation<string>>>) => {
  let k = 0;
  return async () => ({ state: "?", done: false, ...states[Math.min(k++, states.length - 1)] }) as Observation<string>;
};

describe("waitFor", () => {
  it("returns the value when done and prints a line on each state change", async () => {
    const c = clock();
    const log = recorder();
    const value = await waitFor(
      script([
        { state: "Queued" },
        { state: "Queued" },
        { state: "Running" },
        { state: "Completed", done: true, value: "ok" },
      ]),
      { what: "job j1", log, timeoutMs: 60_000, intervalMs: 1000, now: c.now, sleep: c.sleep },
    );
    expect(value).toBe("ok");
    expect(log.lines).toEqual([
      "job j1: Queued after 0s",
      "job j1: Queued → Running after 3s",
      "job j1: Running → Completed after 4s",
    ]);
  });

  it("backs off while nothing changes, up to the cap, and starts over on a change", async () => {
    const c = clock();
    await waitFor(
      script([
        { state: "A" },
        { state: "A" },
        { state: "A" },
        { state: "A" },
        { state: "B" },
        { state: "B", done: true },
      ]),
      {
        what: "x",
        log: recorder(),
        timeoutMs: 1e9,
        intervalMs: 1000,
        backoff: 2,
        maxIntervalMs: 3000,
        now: c.now,
        sleep: c.sleep,
      },
    );
    expect(c.sleeps).toEqual([1000, 2000, 3000, 3000, 1000]);
  });

  it("waits at least as long as the server's Retry-After", async () => {
    const c = clock();
    await waitFor(
      script([
        { state: "A", retryAfterMs: 7000 },
        { state: "A", done: true },
      ]),
      { what: "x", log: recorder(), timeoutMs: 1e9, intervalMs: 1000, now: c.now, sleep: c.sleep },
    );
    expect(c.sleeps).toEqual([7000]);
  });

  it("prints a steady progress line while the state does not change", async () => {
    const c = clock();
    const log = recorder();
    const states = Array.from({ length: 10 }, () => ({ state: "Running" }));
    await waitFor(script([...states, { state: "Running", done: true }]), {
      what: "job",
      log,
      timeoutMs: 1e9,
      intervalMs: 30_000,
      backoff: 1,
      progressEveryMs: 60_000,
      now: c.now,
      sleep: c.sleep,
    });
    expect(log.lines.filter((l) => l.includes("still Running"))).toHaveLength(5);
  });

  it("fails with the reason when the thing fails", async () => {
    const c = clock();
    await expect(
      waitFor(script([{ state: "Failed", failed: "OOM in the trainer" }]), {
        what: "job j2",
        log: recorder(),
        timeoutMs: 1e9,
        now: c.now,
        sleep: c.sleep,
      }),
    ).rejects.toThrow("job j2 Failed: OOM in the trainer");
  });

  it("gives up after the timeout, saying the last state", async () => {
    const c = clock();
    const err = await waitFor(script([{ state: "Running" }]), {
      what: "job j3",
      log: recorder(),
      timeoutMs: 10_000,
      intervalMs: 3000,
      backoff: 1,
      now: c.now,
      sleep: c.sleep,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toBe("Gave up waiting for job j3 after 10s; it was still Running.");
  });

  it("stops when cancelled", async () => {
    const ac = new AbortController();
    const c = clock();
    const err = await waitFor(async () => (ac.abort(), { state: "Running", done: false }), {
      what: "job",
      log: recorder(),
      timeoutMs: 1e9,
      signal: ac.signal,
      now: c.now,
      sleep: c.sleep,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitCancelledError);
  });

  it("follows an SDK poller to its result", async () => {
    let polls = 0;
    const poller = {
      poll: async () => void polls++,
      isDone: () => polls >= 2,
      getResult: () => (polls >= 2 ? "done" : undefined),
      getOperationState: () => ({ status: polls >= 2 ? "succeeded" : "running" }),
    };
    const c = clock();
    expect(
      await followPoller(poller, { what: "endpoint", log: recorder(), timeoutMs: 1e9, now: c.now, sleep: c.sleep }),
    ).toBe("done");
  });

  it("formats durations for people", () => {
    expect(formatDuration(4_000)).toBe("4s");
    expect(formatDuration(75_000)).toBe("1m 15s");
    expect(formatDuration(3 * 3600_000 + 120_000)).toBe("3h 2m");
  });
});
