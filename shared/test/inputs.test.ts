import { Inputs, InputError, isoDuration, parseDuration } from "../src/inputs.js";

const from = (values: Record<string, string>) => new Inputs((name) => values[name] ?? "");

describe("Inputs", () => {
  it("reads typed values and applies defaults for empty inputs", () => {
    const i = from({
      epochs: "3",
      "learning-rate": "2e-5",
      lora: "TRUE",
      scheduler: "cosine",
      tags: '{"a":"b"}',
      list: "a, b\nc",
    });
    expect(i.int("epochs", { min: 1 })).toBe(3);
    expect(i.float("learning-rate", { min: 0, exclusiveMin: true })).toBe(2e-5);
    expect(i.boolean("lora")).toBe(true);
    expect(i.enum("scheduler", ["linear", "cosine"] as const)).toBe("cosine");
    expect(i.json("tags")).toEqual({ a: "b" });
    expect(i.list("list")).toEqual(["a", "b", "c"]);
    expect(i.int("missing", { default: 7 })).toBe(7);
    i.done();
  });

  it("collects every problem, naming the input, the value and what is accepted, then fails once", () => {
    const i = from({
      epochs: "1.5",
      "learning-rate": "0",
      lora: "maybe",
      scheduler: "cosin",
      tags: "{oops",
      idle: "soon",
    });
    i.int("epochs", { min: 1 });
    i.float("learning-rate", { min: 0, exclusiveMin: true });
    i.boolean("lora");
    i.enum("scheduler", ["linear", "cosine"] as const);
    i.json("tags", { expect: "a JSON object" });
    i.duration("idle");
    i.string("source", { required: true });
    expect(() => i.done()).toThrow(InputError);
    expect(i.problems.map((p) => `${p.input}: ${p.message}`)).toEqual([
      'epochs: "1.5" is not a whole number; expected at least 1',
      'learning-rate: "0" is out of range; expected more than 0',
      'lora: "maybe" is not a boolean; expected true or false',
      'scheduler: "cosin" is not one of: linear, cosine',
      expect.stringMatching(/^tags: "\{oops" is not valid JSON \(.+\); expected a JSON object$/),
      expect.stringMatching(/^idle: "soon" is not a duration; expected seconds/),
      "source: is required but was not given",
    ]);
  });

  it("rejects numbers that JavaScript would half-parse", () => {
    const i = from({ a: "12abc", b: "0x10", c: "Infinity", d: "" });
    expect(i.int("a")).toBeUndefined();
    expect(i.float("b")).toBeUndefined();
    expect(i.float("c")).toBeUndefined();
    expect(i.problems).toHaveLength(3);
  });

  it("checks a custom rule about how inputs combine", () => {
    const i = from({});
    i.check(false, "scoring-uri", "https://x", "is given with endpoint: give one");
    expect(i.problems[0]!.message).toBe('"https://x" is given with endpoint: give one');
  });
});

describe("durations", () => {
  it.each([
    ["90", 90],
    ["90s", 90],
    ["15m", 900],
    ["1h30m", 5400],
    ["2d", 172800],
    ["PT1H30M", 5400],
    ["PT120S", 120],
    ["P1DT1S", 86401],
  ])("parses %s as %d seconds", (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(["", "soon", "PT", "1x", "-5"])("rejects %j", (text) => expect(parseDuration(text)).toBeUndefined());

  it("writes seconds as the ISO 8601 durations Azure expects", () => {
    expect(isoDuration(90)).toBe("PT1M30S");
    expect(isoDuration(600)).toBe("PT10M");
    expect(isoDuration(120)).toBe("PT2M");
    expect(isoDuration(0)).toBe("PT0S");
    expect(isoDuration(3661)).toBe("PT1H1M1S");
  });
});

describe("JSON object inputs", () => {
  it("accepts an object of the right values and names the expected shape otherwise", () => {
    const i = new Inputs((n) => ({ env: '{"A": "1"}', bad: '{"A": 1}', list: "[1]" })[n] ?? "");
    expect(i.jsonObject("env", { values: "string", example: '{"K": "V"}' })).toEqual({ A: "1" });
    expect(i.jsonObject("bad", { values: "string", example: '{"K": "V"}' })).toEqual({});
    expect(i.jsonObject("list", { values: "any", example: "{}" })).toEqual({});
    expect(i.jsonObject("missing", { values: "any", example: "{}" })).toEqual({});
    expect(i.problems.map((p) => p.message)).toEqual([
      '"{\\"A\\": 1}" is not a JSON object of strings, such as {"K": "V"}',
      '"[1]" is not a JSON object, such as {}',
    ]);
  });
});
