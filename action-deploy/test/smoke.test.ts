import type { Logger } from "@phi3-aml/shared/log";
import { smokeTest } from "../src/smoke.js";

const KEY = "deploy-key-0123456789abcdefghij";
const lines: string[] = [];
const log = { info: (m: string) => lines.push(m) } as unknown as Logger;

/** A fetch that answers from a script, in order; an Error is thrown as fetch throws a reset. */
function scripted(script: Array<Response | Error>) {
  const bodies: unknown[] = [];
  const f = (async (_url: string, init: RequestInit) => {
    bodies.push(JSON.parse(String(init.body)));
    const next = script.shift();
    if (!next) throw new Error("no scripted answer left");
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof fetch;
  return { f, bodies };
}
const reset = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET", message: "reset" } });
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });
const noWait = { sleep: async () => undefined, random: () => 0 };

const smoke = (f: typeof fetch, retry = {}) =>
  smokeTest({
    scoringUri: "https://ep.eastus.inference.ml.azure.com/score",
    key: KEY,
    deployment: "v02",
    prompt: "What is the capital of France?",
    log,
    fetch: f,
    retry: { ...noWait, ...retry },
  });

describe("the deploy's smoke prompt", () => {
  it("still succeeds after one 503, one 429 and one reset", async () => {
    const s = scripted([
      json({ message: "starting" }, 503),
      json({ message: "throttled" }, 429, { "Retry-After": "1" }),
      reset(),
      json({ output: "Paris." }),
    ]);
    const r = await smoke(s.f);
    expect(r).toMatchObject({ answer: "Paris.", attempts: 4, payloadShape: "flat" });
    expect(r.error).toBeUndefined();
  });

  it("reads the MLflow scoring script's records after sending the nested shape", async () => {
    const s = scripted([
      json({ message: "An unexpected error occurred in scoring script. Check the logs for more info." }, 424),
      json([{ 0: "Paris." }]),
    ]);
    const r = await smoke(s.f);
    expect(r).toMatchObject({ answer: "Paris.", payloadShape: "nested", attempts: 2 });
    expect(s.bodies[1]).toMatchObject({ input_data: { input_string: [[{ role: "user" }]] } });
  });

  it.each([
    ["a wrong (empty) answer", [json({ output: "  " })], /empty/],
    ["an answer in no known shape", [json({ result: 42 })], /unknown response shape/],
    ["a 401", [json({ message: `key ${KEY} refused` }, 401)], /401 Unauthorized/],
  ])("fails definitely on %s, without the key in the error", async (_what, script, error) => {
    const r = await smoke(scripted(script as Response[]).f);
    expect(r.error).toMatch(error);
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it("fails when 503s outlast the budget", async () => {
    const s = scripted(Array.from({ length: 10 }, () => json({ message: "busy" }, 503)));
    const r = await smoke(s.f, { retries: 2 });
    expect(r.error).toMatch(/503 .*gave up within the retry budget/);
    expect(r.attempts).toBe(3);
  });
});
