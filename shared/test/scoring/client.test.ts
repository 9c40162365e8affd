import type { SendResult } from "../../src/scoring/attempt.js";
import { sendWithRetries } from "../../src/scoring/attempt.js";
import { judge, scoreWithFallback, scoringClient, type SendShaped } from "../../src/scoring/client.js";
import type { PayloadShape } from "../../src/scoring/payload.js";
import { rejectsShape, ShapeMemory } from "../../src/scoring/shape.js";

const ok = (body: unknown): SendResult => ({ status: 200, body: JSON.stringify(body), latencyMs: 5 });
const status = (code: number, body = "", headers: Record<string, string> = {}): SendResult => ({
  status: code,
  body,
  latencyMs: 5,
  headers,
});
const reset = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET", message: "reset" } });
// The inference server's answer when the MLflow scoring script's run() raised, passed on by the endpoint as 424.
const SCRIPT_FAILED = JSON.stringify({
  message: "An unexpected error occurred in scoring script. Check the logs for more info.",
});

/** A send that answers from a script, in order, and records the shapes it was asked for. */
function scripted(script: Array<SendResult | Error | ((shape: PayloadShape) => SendResult)>) {
  const shapes: PayloadShape[] = [];
  const send: SendShaped = async (shape) => {
    shapes.push(shape);
    const next = script.shift();
    if (!next) throw new Error("no scripted answer left");
    if (next instanceof Error) throw next;
    return typeof next === "function" ? next(shape) : next;
  };
  return { send, shapes };
}

/** No real waiting; a clock that advances by what was slept. */
function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    options: {
      sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)),
      setTimer: () => () => undefined,
      random: () => 0,
      now: () => t,
    },
  };
}

describe("the request shape", () => {
  it("is the walkthrough's flat shape first, and stays so when it is answered", async () => {
    const memory = new ShapeMemory();
    const s = scripted([ok({ output: "hi" }), ok({ output: "again" })]);
    await scoreWithFallback(s.send, memory, clock().options);
    await scoreWithFallback(s.send, memory, clock().options);
    expect(s.shapes).toEqual(["flat", "flat"]);
    expect(memory.known).toBe("flat");
  });

  it("falls back to the nested shape once on a 424 from the MLflow scoring script, and remembers it", async () => {
    const memory = new ShapeMemory();
    const fallbacks: unknown[] = [];
    const s = scripted([status(424, SCRIPT_FAILED), ok([{ 0: "Paris." }]), ok(["Rome."])]);
    const first = await scoreWithFallback(s.send, memory, { ...clock().options, onFallback: (e) => fallbacks.push(e) });
    const second = await scoreWithFallback(s.send, memory, clock().options);
    expect(s.shapes).toEqual(["flat", "nested", "nested"]);
    expect(memory.known).toBe("nested");
    expect(fallbacks).toEqual([{ from: "flat", to: "nested", status: 424 }]);
    expect(judge(first)).toMatchObject({
      ok: true,
      answer: "Paris.",
      responseShape: "list-of-0",
      payloadShape: "nested",
    });
    expect(first.attempts).toBe(2);
    expect(judge(second)).toMatchObject({ ok: true, answer: "Rome.", responseShape: "list" });
  });

  it("falls back on a 400 that says the input could not be read", async () => {
    const s = scripted([status(400, '{"error": "could not parse input_string"}'), ok({ output: "x" })]);
    const r = await scoreWithFallback(s.send, new ShapeMemory(), clock().options);
    expect(s.shapes).toEqual(["flat", "nested"]);
    expect(r.shape).toBe("nested");
  });

  it("sends the nested shape only once: a second rejection is reported, and nothing is remembered", async () => {
    const memory = new ShapeMemory();
    const s = scripted([status(424, SCRIPT_FAILED), status(424, SCRIPT_FAILED)]);
    const r = await scoreWithFallback(s.send, memory, clock().options);
    expect(s.shapes).toEqual(["flat", "nested"]);
    expect(memory.known).toBeUndefined();
    expect(judge(r)).toMatchObject({ ok: false, kind: "http", status: 424, transient: false });
  });

  it("does not fall back once a shape is known, nor for errors that are not about the input", async () => {
    const known = scripted([status(424, SCRIPT_FAILED)]);
    await scoreWithFallback(known.send, new ShapeMemory("flat"), clock().options);
    expect(known.shapes).toEqual(["flat"]);
    const denied = scripted([status(401, "Unauthorized: invalid input key")]);
    await scoreWithFallback(denied.send, new ShapeMemory(), clock().options);
    expect(denied.shapes).toEqual(["flat"]);
  });

  it.each([
    [400, '{"message": "A value is not provided for the \'input_data\' parameter."}', true],
    [424, SCRIPT_FAILED, true],
    [400, "Invalid input: expected a list of lists", true],
    [400, '{"message": "temperature must be between 0 and 2"}', false],
    [424, '{"message": "CUDA out of memory"}', false],
    [500, SCRIPT_FAILED, false],
    [401, "cannot read input", false],
  ])("status %i with %s is a shape rejection: %s", (code, body, expected) => {
    expect(rejectsShape(code, body)).toBe(expected);
  });
});

describe("reading the answer", () => {
  it.each([
    [{ output: "A" }, "output"],
    [["A"], "list"],
    [[{ 0: "A" }], "list-of-0"],
    [{ choices: [{ message: { role: "assistant", content: "A" } }] }, "openai-chat"],
    [{ choices: [{ text: "A" }] }, "openai-completion"],
  ])("reads %j as %s", async (body, shape) => {
    const r = await scoreWithFallback(scripted([ok(body)]).send, new ShapeMemory(), clock().options);
    expect(judge(r)).toMatchObject({ ok: true, answer: "A", responseShape: shape });
  });

  it("calls an unreadable 200 a definite shape error", async () => {
    const r = await scoreWithFallback(scripted([ok({ result: 1 })]).send, new ShapeMemory(), clock().options);
    expect(judge(r)).toMatchObject({ ok: false, kind: "shape", transient: false, status: 200 });
  });
});

describe("retries", () => {
  it("rides out one 503, one 429 (with Retry-After) and one reset", async () => {
    const c = clock();
    const s = scripted([
      status(503, "starting"),
      status(429, "slow down", { "retry-after": "3" }),
      reset(),
      ok({ output: "fine" }),
    ]);
    const r = await scoreWithFallback(s.send, new ShapeMemory(), { ...c.options, retries: 5, budgetMs: 60_000 });
    expect(judge(r)).toMatchObject({ ok: true, answer: "fine" });
    expect(r.attempts).toBe(4);
    // 503: the first backoff, 2 s (jitter 0 → its fixed half); 429: its Retry-After; reset: the third, 8 s, halved.
    expect(c.sleeps).toEqual([1000, 3000, 4000]);
  });

  it("gives up when the next wait would end after the budget: a transient failure that outlasted it", async () => {
    const c = clock();
    const s = scripted([status(503), status(429, "", { "retry-after": "30" }), ok({ output: "late" })]);
    const r = await sendWithRetries((signal) => s.send("flat", signal), { ...c.options, retries: 5, budgetMs: 10_000 });
    expect(r).toMatchObject({ attempts: 2, exhausted: true });
    expect(c.sleeps).toEqual([1000]);
  });

  it("stops after the number of retries", async () => {
    const s = scripted([status(502), status(502), status(502)]);
    const r = await scoreWithFallback(s.send, new ShapeMemory(), { ...clock().options, retries: 2 });
    expect(r.attempts).toBe(3);
    expect(judge(r)).toMatchObject({ ok: false, kind: "http", status: 502, transient: true });
  });

  it("does not retry a definite failure", async () => {
    const s = scripted([status(404, "no such deployment"), ok({ output: "never" })]);
    const r = await scoreWithFallback(s.send, new ShapeMemory(), clock().options);
    expect(r.attempts).toBe(1);
    expect(judge(r, { deployment: "v02" })).toMatchObject({ ok: false, transient: false, status: 404 });
  });

  it("calls a timeout that lasts past the retries transient, with the time in words", async () => {
    const send: SendShaped = () => new Promise(() => undefined);
    const r = await scoreWithFallback(send, new ShapeMemory(), {
      ...clock().options,
      retries: 1,
      timeoutMs: 1000,
      setTimer: (_ms, fire) => (setImmediate(fire), () => undefined),
    });
    expect(judge(r, { timeoutMs: 1000 })).toMatchObject({ ok: false, kind: "timeout", transient: true });
  });
});

describe("the client over fetch", () => {
  const KEY = "emulated-key-0123456789abcdef";

  it("sends the key as a bearer token and the deployment header, and never puts the key in a message", async () => {
    const seen: Array<{ headers: Record<string, string>; body: unknown }> = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      seen.push({ headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
      return new Response(`{"message": "key ${KEY} is not valid for this deployment"}`, { status: 403 });
    }) as unknown as typeof fetch;
    const client = scoringClient({
      scoringUri: "https://ep.eastus.inference.ml.azure.com/score",
      key: KEY,
      deployment: "v02",
      settings: { temperature: 0.7, maxNewTokens: 128 },
      fetch: fakeFetch,
      ...clock().options,
    });
    const v = await client.score({ messages: [{ role: "user", content: "Hi" }] });
    expect(seen[0]!.headers).toMatchObject({ Authorization: `Bearer ${KEY}`, "azureml-model-deployment": "v02" });
    expect(seen[0]!.body).toEqual({
      input_data: {
        input_string: [{ role: "user", content: "Hi" }],
        parameters: { temperature: 0.7, max_new_tokens: 128 },
      },
    });
    expect(v.ok).toBe(false);
    expect(JSON.stringify(v)).not.toContain(KEY);
  });

  it("remembers the nested shape across calls", async () => {
    const bodies: unknown[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { input_data: { input_string: unknown[] } };
      bodies.push(body);
      const nested = Array.isArray(body.input_data.input_string[0]);
      return nested ? new Response('["ok"]', { status: 200 }) : new Response(SCRIPT_FAILED, { status: 424 });
    }) as unknown as typeof fetch;
    const client = scoringClient({
      scoringUri: "https://ep/score",
      key: KEY,
      settings: { temperature: 0, maxNewTokens: 8 },
      fetch: fakeFetch,
      ...clock().options,
    });
    expect(await client.score({ messages: [{ role: "user", content: "1" }] })).toMatchObject({
      ok: true,
      payloadShape: "nested",
    });
    expect(await client.score({ messages: [{ role: "user", content: "2" }] })).toMatchObject({ ok: true, attempts: 1 });
    expect(bodies).toHaveLength(3);
    expect(client.shape()).toBe("nested");
  });
});
