import { learn, modelAnswer, nearest, wordsOf, maxNewTokensOf } from "../src/model-answers.js";
import { InFlight, isoDurationMs, limitsOf } from "../src/serving-limits.js";
import type { Resource } from "../src/arm/store.js";

const chat = (user: string, reply: string) =>
  JSON.stringify({
    messages: [
      { role: "user", content: user },
      { role: "assistant", content: reply },
    ],
  });
const TRAINING = [
  chat("How do tides work on the coast?", "Tides come from the moon's pull on the oceans."),
  chat("Write a haiku about the sea.", "Waves fold into foam, the sea hums its old refrain."),
  "not json",
  JSON.stringify({ messages: "no list" }),
  chat("Explain the water cycle briefly.", "Water evaporates, condenses into clouds and falls as rain."),
].join("\n");
const user = (content: string) => [{ role: "user", content }];

describe("the emulated models' answers", () => {
  const learnt = learn(TRAINING);

  it("learns one entry per assistant turn and skips lines that are not conversations", () => {
    expect(learnt.map((l) => l.reply)).toEqual([
      "Tides come from the moon's pull on the oceans.",
      "Waves fold into foam, the sea hums its old refrain.",
      "Water evaporates, condenses into clouds and falls as rain.",
    ]);
    expect([...learnt[0]!.words]).toEqual(["how", "do", "tides", "work", "on", "the", "coast"]);
  });

  it("a fine-tuned model answers a held-out prompt with the reply of the nearest training conversation", () => {
    expect(nearest(learnt, user("Why do the tides rise on a coast?"))).toBe(0);
    expect(modelAnswer({ messages: user("Tell me about the water cycle"), deployment: "v2", learnt })).toBe(
      "Water evaporates, condenses into clouds and falls as rain.",
    );
  });

  it("a base model answers generically; both know the smoke prompts' facts", () => {
    expect(modelAnswer({ messages: user("Tell me about the water cycle"), deployment: "v1" })).toBe(
      "(v1) Here is a short answer to: Tell me about the water cycle",
    );
    expect(modelAnswer({ messages: user("What is the capital of France?"), deployment: "v1", learnt })).toBe(
      "The capital of France is Paris.",
    );
  });

  it("degrades: truncate keeps a quarter of the words, shuffle answers another prompt's reply", () => {
    const messages = user("Tell me about the water cycle");
    expect(modelAnswer({ messages, deployment: "v2", learnt, degraded: "truncate" })).toBe(
      "Water evaporates, condenses",
    );
    expect(modelAnswer({ messages, deployment: "v2", learnt, degraded: "shuffle" })).toBe(
      "Waves fold into foam, the sea hums its old refrain.",
    );
  });

  it("cuts the answer to max_new_tokens words, and reads the cap from the parameters", () => {
    expect(modelAnswer({ messages: user("the water cycle"), deployment: "v2", learnt, maxNewTokens: 3 })).toBe(
      "Water evaporates, condenses",
    );
    expect(maxNewTokensOf({ max_new_tokens: 64 })).toBe(64);
    expect(maxNewTokensOf({ max_tokens: 8 })).toBe(8);
    expect(maxNewTokensOf({ max_new_tokens: "x" })).toBeUndefined();
  });

  it("reads words in linear time and caps them", () => {
    expect(wordsOf("A-b c".repeat(10), 4)).toEqual(["a", "b", "ca", "b"]);
    const started = Date.now();
    expect(wordsOf("a".repeat(1_000_000) + "!").length).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("the serving limits of a deployment", () => {
  const deployment = (requestSettings?: unknown, capacity?: number): Resource => ({
    id: "/d",
    name: "d",
    type: "t",
    sku: capacity ? { name: "Default", capacity } : undefined,
    properties: requestSettings ? { requestSettings } : {},
  });

  it("takes 2 × max_concurrent_requests_per_instance × instances in flight and request_timeout_ms", () => {
    expect(limitsOf(deployment({ requestTimeout: "PT1M30S", maxConcurrentRequestsPerInstance: 4 }, 3))).toEqual({
      maxInFlight: 24,
      requestTimeoutMs: 90_000,
    });
    expect(limitsOf(deployment({}))).toEqual({ maxInFlight: 2, requestTimeoutMs: 5000 });
    expect(limitsOf(deployment())).toBeUndefined();
  });

  it("reads ISO 8601 time durations", () => {
    expect(isoDurationMs("PT0.5S")).toBe(500);
    expect(isoDurationMs("PT1H")).toBe(3_600_000);
    expect(isoDurationMs("P1D")).toBeUndefined();
    expect(isoDurationMs("PT")).toBeUndefined();
  });

  it("counts requests in flight per deployment", () => {
    const f = new InFlight();
    expect([f.take("a", 2), f.take("a", 2), f.take("a", 2), f.take("b", 2)]).toEqual([true, true, false, true]);
    f.give("a");
    expect(f.take("a", 2)).toBe(true);
  });
});
