import type { ChatCase } from "../src/cases.js";
import { ShapeMemory } from "@phi3-aml/shared/scoring/shape";
import { runCases, type RunEvent, type RunOptions, type Send, type SendResult } from "../src/run-cases.js";

const caseOf = (index: number, prompt: string, extra: Partial<ChatCase> = {}): ChatCase => ({
  index,
  messages: [{ role: "user", content: prompt }],
  expect: {},
  source: { line: index + 1 },
  ...extra,
});
const cases = (...prompts: string[]) => prompts.map((p, i) => caseOf(i, p));
const answer = (text: string, latencyMs = 100): SendResult => ({
  status: 200,
  body: JSON.stringify({ output: text }),
  latencyMs,
  headers: {},
});
const status = (code: number, body = "", headers: Record<string, string> = {}): SendResult => ({
  status: code,
  body,
  latencyMs: 10,
  headers,
});

/** No real waiting: sleeps are recorded, the timeout timer never fires unless a test fires it. */
function fakes(extra: Partial<RunOptions> = {}) {
  const sleeps: number[] = [];
  const events: RunEvent[] = [];
  const options: RunOptions = {
    sleep: async (ms) => void sleeps.push(ms),
    setTimer: () => () => undefined,
    random: () => 0,
    now: () => 0,
    onEvent: (e) => events.push(e),
    ...extra,
  };
  return { sleeps, events, options };
}

/** A send that answers each call from a script, in order, per prompt. */
function scripted(script: Record<string, Array<SendResult | Error>>): Send & { calls: string[] } {
  const calls: string[] = [];
  const send = (async (c: ChatCase) => {
    const prompt = c.messages[c.messages.length - 1]!.content;
    calls.push(prompt);
    const next = script[prompt]?.shift();
    if (!next) throw new Error(`no scripted answer for ${prompt}`);
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as Send & { calls: string[] };
  send.calls = calls;
  return send;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
const flush = () => new Promise<void>((r) => setImmediate(r));

describe("running the cases", () => {
  it("keeps results in input order with concurrency 2", async () => {
    const pending = new Map<string, ReturnType<typeof deferred<SendResult>>>();
    let inFlight = 0;
    let most = 0;
    const send: Send = async (c) => {
      const prompt = c.messages[0]!.content;
      const d = deferred<SendResult>();
      pending.set(prompt, d);
      inFlight++;
      most = Math.max(most, inFlight);
      const r = await d.promise;
      inFlight--;
      return r;
    };
    const run = runCases(cases("a", "b", "c"), send, { ...fakes().options, concurrency: 2 });
    await flush();
    expect([...pending.keys()]).toEqual(["a", "b"]);
    pending.get("b")!.resolve(answer("B"));
    await flush();
    expect([...pending.keys()]).toEqual(["a", "b", "c"]);
    pending.get("c")!.resolve(answer("C"));
    await flush();
    pending.get("a")!.resolve(answer("A"));
    const results = await run;
    expect(results.map((r) => [r.index, r.prompt, r.answer])).toEqual([
      [0, "a", "A"],
      [1, "b", "B"],
      [2, "c", "C"],
    ]);
    expect(most).toBe(2);
  });

  it("never has more requests in flight than the concurrency", async () => {
    let inFlight = 0;
    let most = 0;
    const send: Send = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await flush();
      inFlight--;
      return answer("ok");
    };
    const results = await runCases(cases("1", "2", "3", "4", "5", "6", "7"), send, {
      ...fakes().options,
      concurrency: 3,
    });
    expect(results.every((r) => r.status === "passed")).toBe(true);
    expect(most).toBe(3);
  });

  it("passes an answered case with its answer, shape, latency and one attempt", async () => {
    const [r] = await runCases(cases("hi"), scripted({ hi: [answer("Hello!", 321)] }), fakes().options);
    expect(r).toEqual({
      index: 0,
      label: "#1",
      prompt: "hi",
      source: { line: 1 },
      status: "passed",
      answer: "Hello!",
      shape: "output",
      payloadShape: "flat",
      reasons: [],
      httpStatus: 200,
      latencyMs: 321,
      attempts: 1,
      elapsedMs: 0,
    });
  });

  it("retries a 429 honouring Retry-After", async () => {
    const f = fakes();
    const send = scripted({ q: [status(429, "throttled", { "Retry-After": "7" }), answer("ok")] });
    const [r] = await runCases(cases("q"), send, f.options);
    expect(f.sleeps).toEqual([7000]);
    expect(r).toMatchObject({ status: "passed", attempts: 2, answer: "ok" });
    expect(f.events.filter((e) => e.type === "retry")).toEqual([
      { type: "retry", case: expect.objectContaining({ index: 0 }), attempt: 1, delayMs: 7000, reason: "HTTP 429" },
    ]);
  });

  it("retries a 503 with backoff and gives up after `retries` retries, saying how many attempts", async () => {
    const f = fakes();
    const send = scripted({ q: [status(503), status(503), status(503)] });
    const [r] = await runCases(cases("q"), send, { ...f.options, retries: 2 });
    expect(send.calls).toHaveLength(3);
    expect(f.sleeps).toEqual([1000, 2000]);
    expect(r).toMatchObject({ status: "error", httpStatus: 503, attempts: 3 });
    expect(r!.reasons[0]).toMatch(/^503 Service Unavailable \(still failing after 3 attempts\)/);
  });

  it("does not retry a 424 and says it is a model error", async () => {
    const send = scripted({ q: [status(424, '{"message": "scoring script failed"}')] });
    const [r] = await runCases(cases("q"), send, fakes().options);
    expect(send.calls).toHaveLength(1);
    expect(r!.reasons).toEqual([
      expect.stringMatching(/^424 Failed Dependency: model error.*The endpoint said: scoring script failed$/),
    ]);
  });

  it("times out a request that does not answer, aborts it, and retries it", async () => {
    const timers: number[] = [];
    const signals: AbortSignal[] = [];
    let calls = 0;
    const send: Send = (_c, signal) => {
      calls++;
      signals.push(signal);
      if (calls === 2) return Promise.resolve(answer("finally"));
      return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    };
    const f = fakes({
      timeoutMs: 5000,
      // Fires for the first request only: the second answers in time.
      setTimer: (ms, fire) => {
        timers.push(ms);
        if (timers.length === 1) queueMicrotask(fire);
        return () => undefined;
      },
    });
    const [r] = await runCases(cases("q"), send, f.options);
    expect(signals[0]!.aborted).toBe(true);
    expect(timers[0]).toBe(5000);
    expect(r).toMatchObject({ status: "passed", answer: "finally", attempts: 2 });
    expect(f.events.find((e) => e.type === "retry")).toMatchObject({ reason: "timed out" });
  });

  it("reports a timeout after the last retry, even when send ignores the abort", async () => {
    const send: Send = () => new Promise(() => undefined);
    const f = fakes({
      timeoutMs: 90_000,
      retries: 1,
      setTimer: (_ms, fire) => (queueMicrotask(fire), () => undefined),
    });
    const [r] = await runCases(cases("q"), send, f.options);
    expect(r).toMatchObject({ status: "error", attempts: 2 });
    expect(r!.reasons[0]).toBe(
      "timed out: no answer within 90 s, 2 times. A cold endpoint can be slow on its first requests: raise timeout-seconds or retries.",
    );
    expect(r!.latencyMs).toBeUndefined();
  });

  it("retries a connection reset thrown by fetch as its cause", async () => {
    const reset = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    });
    const f = fakes();
    const [r] = await runCases(cases("q"), scripted({ q: [reset, answer("ok")] }), f.options);
    expect(r).toMatchObject({ status: "passed", attempts: 2 });
    expect(f.events.find((e) => e.type === "retry")).toMatchObject({ reason: "ECONNRESET" });
  });

  it("does not retry an error without a known network code and reports it", async () => {
    const send = scripted({ q: [new Error("something odd")] });
    const [r] = await runCases(cases("q"), send, fakes().options);
    expect(send.calls).toHaveLength(1);
    expect(r).toMatchObject({
      status: "error",
      reasons: ["could not reach the endpoint: connection failed: something odd"],
    });
  });

  it("turns a send that throws synchronously into an error result", async () => {
    const send: Send = () => {
      throw new Error("bad url");
    };
    const [r] = await runCases(cases("q"), send, fakes().options);
    expect(r!.status).toBe("error");
    expect(r!.reasons[0]).toContain("bad url");
  });

  it("reports an unknown response shape as an error, with an excerpt, without retrying", async () => {
    const send = scripted({ q: [{ status: 200, body: '{"generated": "hi"}', latencyMs: 5 }] });
    const [r] = await runCases(cases("q"), send, fakes().options);
    expect(send.calls).toHaveLength(1);
    expect(r).toMatchObject({ status: "error", httpStatus: 200, latencyMs: 5 });
    expect(r!.reasons[0]).toBe(
      'unknown response shape: a JSON object with keys "generated"; expected {"output": "…"}. The response began: {"generated": "hi"}',
    );
  });

  it("fails a case whose answer breaks its expectations or max-latency-ms, with every reason", async () => {
    const c = caseOf(0, "capital?", { expect: { contains: ["Paris"] } });
    const [r] = await runCases([c], scripted({ "capital?": [answer("London", 2310)] }), {
      ...fakes().options,
      maxLatencyMs: 2000,
    });
    expect(r).toMatchObject({ status: "failed", answer: "London" });
    expect(r!.reasons).toEqual(['does not contain "Paris"', "took 2,310 ms, more than max-latency-ms 2,000"]);
  });

  it("stops sending after a 401 and reports the rest as not sent", async () => {
    const send = scripted({ a: [status(401, "invalid key")], b: [answer("x")], c: [answer("y")] });
    const results = await runCases(cases("a", "b", "c"), send, { ...fakes().options, concurrency: 1 });
    expect(send.calls).toEqual(["a"]);
    expect(results.map((r) => r.status)).toEqual(["error", "skipped", "skipped"]);
    expect(results[1]).toMatchObject({
      attempts: 0,
      reasons: ["not sent: case #1 got 401 (a wrong key); every other request would fail the same way"],
    });
  });

  it("names the deployment in a 404", async () => {
    const [r] = await runCases(cases("q"), scripted({ q: [status(404)] }), { ...fakes().options, deployment: "green" });
    expect(r!.reasons[0]).toContain('deployment "green" in the azureml-model-deployment header');
  });

  it("returns no results for no cases", async () => {
    expect(await runCases([], scripted({}), fakes().options)).toEqual([]);
  });

  it("sends the nested shape once when the endpoint cannot read the flat one, then only the nested shape", async () => {
    const shapesSent: string[] = [];
    const unreadable = JSON.stringify({
      message: "An unexpected error occurred in scoring script. Check the logs for more info.",
    });
    const send: Send = async (c, _signal, shape) => {
      shapesSent.push(`${c.messages[0]!.content}:${shape}`);
      return shape === "nested" ? status(200, JSON.stringify([{ 0: "records" }])) : status(424, unreadable);
    };
    const shapes = new ShapeMemory();
    const f = fakes({ concurrency: 1, shapes });
    const results = await runCases(cases("a", "b", "c"), send, f.options);
    expect(shapesSent).toEqual(["a:flat", "a:nested", "b:nested", "c:nested"]);
    expect(shapes.known).toBe("nested");
    expect(results.map((r) => [r.status, r.payloadShape, r.shape, r.attempts])).toEqual([
      ["passed", "nested", "list-of-0", 2],
      ["passed", "nested", "list-of-0", 1],
      ["passed", "nested", "list-of-0", 1],
    ]);
    expect(f.events.filter((e) => e.type === "fallback")).toHaveLength(1);
  });

  it("keeps the key out of every reason, even when the endpoint echoes it", async () => {
    const key = "k3y-SECRET-value-0123456789";
    const send = scripted({ q: [status(401, `bad key ${key}`)] });
    const [r] = await runCases(cases("q"), send, { ...fakes().options, secrets: [key] });
    expect(r!.reasons.join(" ")).not.toContain(key);
    expect(r!.reasons.join(" ")).toContain("***");
  });
});
