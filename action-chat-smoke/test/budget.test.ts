import type { ChatCase } from "../src/cases.js";
import { runCases, type Send, type SendResult } from "../src/run-cases.js";

const cases = (n: number): ChatCase[] =>
  Array.from({ length: n }, (_, i) => ({
    index: i,
    messages: [{ role: "user", content: `q${i}` }],
    expect: {},
    source: { line: i + 1 },
  }));

describe("the run's time budget (timeout-minutes)", () => {
  it("cuts off requests in flight and sends no further case once it runs out", async () => {
    const budget = new AbortController();
    const sent: string[] = [];
    // The first request answers; the second hangs until aborted; the budget runs out during it.
    const send: Send = (c, signal) => {
      sent.push(c.messages[0]!.content);
      if (sent.length === 1)
        return Promise.resolve<SendResult>({ status: 200, body: '{"output":"ok"}', latencyMs: 1, headers: {} });
      setTimeout(() => budget.abort(), 5);
      return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));
    };
    const results = await runCases(cases(5), send, {
      concurrency: 1,
      retries: 3,
      signal: budget.signal,
      budget: "the run's time budget (timeout-minutes: 1)",
    });
    expect(sent).toEqual(["q0", "q1"]);
    expect(results.map((r) => [r.status, r.reasons[0] ?? ""])).toEqual([
      ["passed", ""],
      ["error", "cut off: the run's time budget (timeout-minutes: 1) ran out"],
      ["skipped", "not sent: the run's time budget (timeout-minutes: 1) ran out"],
      ["skipped", "not sent: the run's time budget (timeout-minutes: 1) ran out"],
      ["skipped", "not sent: the run's time budget (timeout-minutes: 1) ran out"],
    ]);
  });

  it("stops waiting between retries when it runs out", async () => {
    const budget = new AbortController();
    let calls = 0;
    const send: Send = async () => {
      calls++;
      setTimeout(() => budget.abort(), 5);
      return { status: 503, body: "busy", latencyMs: 1, headers: { "retry-after": "3600" } };
    };
    const started = Date.now();
    const [r] = await runCases(cases(1), send, { retries: 5, signal: budget.signal, budget: "the budget" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls).toBe(1);
    expect(r).toMatchObject({ status: "error", reasons: ["cut off: the budget ran out"] });
  });
});
