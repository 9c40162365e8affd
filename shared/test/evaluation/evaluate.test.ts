import { describe, expect, it } from "@jest/globals";
import { evaluate, type EvaluateOptions } from "../../src/evaluation/evaluate.js";
import { parseExamples } from "../../src/evaluation/examples.js";
import { renderEvaluationMarkdown } from "../../src/evaluation/markdown.js";
import { resultsJsonl } from "../../src/evaluation/results.js";

const KEY = "sk-secret-key-0123456789abcdef";
const data = (n: number) =>
  parseExamples(
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: "user", content: `What is item ${i}?` },
          { role: "assistant", content: `Item ${i} is a blue widget made in Tokyo.` },
        ],
      }),
    ).join("\n"),
  );

type Answerer = (
  deployment: string,
  prompt: string,
) => { status: number; body: unknown; headers?: Record<string, string> };

/** A fake scoring endpoint: records requests, answers through `answer`, counts requests in flight. */
function fakeEndpoint(answer: Answerer, delayMs = 2) {
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const bodies: { deployment: string; body: Record<string, unknown> }[] = [];
  const fetch = (async (_uri: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const deployment = headers["azureml-model-deployment"]!;
    expect(headers.Authorization).toBe(`Bearer ${KEY}`);
    const body = JSON.parse(String(init.body));
    bodies.push({ deployment, body });
    inFlight.set(deployment, (inFlight.get(deployment) ?? 0) + 1);
    maxInFlight.set(deployment, Math.max(maxInFlight.get(deployment) ?? 0, inFlight.get(deployment)!));
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight.set(deployment, inFlight.get(deployment)! - 1);
    const messages = body.input_data.input_string as { content: string }[];
    const r = answer(deployment, messages[messages.length - 1]!.content);
    return new Response(JSON.stringify(r.body), { status: r.status, headers: r.headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, bodies, maxInFlight };
}

const echoItem = (p: string) => `Item ${/\d+/.exec(p)![0]} is a blue widget made in Tokyo.`;

function options(fetch: typeof globalThis.fetch, n = 30, extra: Partial<EvaluateOptions> = {}): EvaluateOptions {
  const { examples, dropped } = data(n);
  return {
    examples,
    dropped,
    target: { scoringUri: "https://x.example/score", key: KEY, endpoint: "ep", fetch, sleep: async () => undefined },
    candidate: { name: "green", concurrency: 3 },
    baseline: { name: "blue", concurrency: 2 },
    budgetMs: 60_000,
    ...extra,
  };
}

describe("evaluate", () => {
  it("sends identical greedy requests to both deployments, pinned by header, within each one's concurrency", async () => {
    const ep = fakeEndpoint((_d, p) => ({ status: 200, body: { output: echoItem(p) } }));
    const report = await evaluate(options(ep.fetch));
    expect(report.gate.result).toBe("passed");
    expect(report.used).toBe(30);
    const params = (d: string) => ep.bodies.filter((b) => b.deployment === d).map((b) => JSON.stringify(b.body));
    expect(params("green").sort()).toEqual(params("blue").sort());
    const p = (ep.bodies[0]!.body.input_data as { parameters: Record<string, unknown> }).parameters;
    expect(p).toMatchObject({ temperature: 0, do_sample: false, max_new_tokens: 64 });
    expect(ep.maxInFlight.get("green")).toBeLessThanOrEqual(3);
    expect(ep.maxInFlight.get("blue")).toBeLessThanOrEqual(2);
    expect(report.metrics.find((m) => m.metric === "f1")).toMatchObject({ candidate: 1, baseline: 1, delta: 0 });
  });

  it("fails a candidate that answers worse, with the regressions in the summary", async () => {
    const ep = fakeEndpoint((d, p) => ({
      status: 200,
      body: { output: d === "green" ? "I do not know." : echoItem(p) },
    }));
    const report = await evaluate(options(ep.fetch));
    expect(report.gate.result).toBe("failed");
    const md = renderEvaluationMarkdown(report, { secrets: [KEY] });
    expect(md).toContain("| Metric | Production (blue) | Candidate (green) | Δ | 95 % interval | Verdict |");
    expect(md).toContain("The 5 worst regressions (f1)");
    expect(md).toContain("I do not know.");
    expect(md).toMatch(/\| \*\*f1\*\* \(gate\) \| 1\.0000 \| 0\.0000 \| -1\.0000 \|/);
  });

  it("is inconclusive under 10 usable examples", async () => {
    const ep = fakeEndpoint((_d, p) => ({ status: 200, body: { output: echoItem(p) } }));
    const report = await evaluate(options(ep.fetch, 9));
    expect(report.gate.result).toBe("inconclusive");
    expect(report.used).toBe(9);
  });

  it("rides out 429s with the scoring client's retries", async () => {
    const seen = new Map<string, number>();
    const ep = fakeEndpoint((d, p) => {
      const k = `${d}:${p}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
      return seen.get(k)! <= 2
        ? { status: 429, body: { message: "Too many requests" }, headers: { "retry-after": "1" } }
        : { status: 200, body: { output: echoItem(p) } };
    });
    const report = await evaluate(options(ep.fetch, 12));
    expect(report.gate.result).toBe("passed");
    expect(report.deployments.map((d) => [d.name, d.retries, d.errors])).toEqual([
      ["green", 24, 0],
      ["blue", 24, 0],
    ]);
  });

  it("fails closed when the time budget runs out", async () => {
    const ep = fakeEndpoint((_d, p) => ({ status: 200, body: { output: echoItem(p) } }), 50);
    const report = await evaluate(options(ep.fetch, 40, { budgetMs: 120 }));
    expect(report.budgetExceeded).toBe(true);
    expect(report.gate.result).toBe("inconclusive");
    expect(report.used).toBeLessThan(40);
    expect(renderEvaluationMarkdown(report)).toContain("The time budget ran out");
  });

  it("drops the examples a deployment could not answer, and fails a candidate that errs too often", async () => {
    const ep = fakeEndpoint((d, p) =>
      d === "green" && /[05]\?/.test(p)
        ? { status: 500, body: { error: `boom ${KEY}` } }
        : { status: 200, body: { output: echoItem(p) } },
    );
    const report = await evaluate(options(ep.fetch, 30, { target: { ...options(ep.fetch).target, retries: 0 } }));
    expect(report.used).toBe(24);
    expect(report.dropped).toEqual([{ reason: "candidate error", count: 6 }]);
    expect(report.gate).toMatchObject({ result: "failed" });
    expect(report.gate.reason).toContain("20 %");
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it("without a baseline: floors", async () => {
    const ep = fakeEndpoint((_d, p) => ({ status: 200, body: { output: echoItem(p) } }));
    const report = await evaluate(options(ep.fetch, 12, { baseline: undefined, gate: { floors: { f1: 0.9 } } }));
    expect(report.gate).toMatchObject({ result: "passed", basis: "floors" });
    expect(ep.bodies.every((b) => b.deployment === "green")).toBe(true);
  });

  it("escapes hostile answers in the summary: no HTML, no forged marker, no mention", async () => {
    const hostile = "<!-- phi3-evaluate:endpoint=ep --> <img src=x> @octocat | [link](http://x)";
    const ep = fakeEndpoint((d, p) => ({ status: 200, body: { output: d === "green" ? hostile : echoItem(p) } }));
    const md = renderEvaluationMarkdown(await evaluate(options(ep.fetch, 10)));
    expect(md).toContain("worst regressions");
    expect(md).not.toContain("<!--");
    expect(md).not.toContain("<img");
    expect(md).not.toContain("@octocat");
    expect(md).not.toContain("[link](");
  });

  it("sends the same trimmed prompt to both deployments, and drops a prompt that cannot fit", async () => {
    const ep = fakeEndpoint((_d, p) => ({ status: 200, body: { output: echoItem(p) } }));
    const base = options(ep.fetch, 12);
    const long = { role: "user", content: "x".repeat(20_000) };
    const examples = base.examples.map((e, i) =>
      i === 0
        ? { ...e, messages: [long, { role: "assistant", content: "old" }, ...e.messages] }
        : i === 1
          ? { ...e, messages: [{ role: "user", content: `Item 1? ${"y".repeat(20_000)}` }] }
          : e,
    );
    const report = await evaluate({ ...base, examples });
    expect(report.examples[0]).toMatchObject({ used: true, trimmedTurns: 2 });
    expect(report.examples[1]).toMatchObject({ used: false, droppedReason: expect.stringContaining("does not fit") });
    const first = ep.bodies.filter((b) => JSON.stringify(b.body).includes("What is item 0?"));
    expect(first.map((b) => b.deployment).sort()).toEqual(["blue", "green"]);
    expect(JSON.stringify(first[0]!.body)).toBe(JSON.stringify(first[1]!.body));
    expect(JSON.stringify(first[0]!.body)).not.toContain("xxxx");
  });

  it("writes results without the key: numeric metrics and deployment names per example", async () => {
    const ep = fakeEndpoint((_d, p) => ({ status: 200, body: { output: `${echoItem(p)} ${KEY}` } }));
    const report = await evaluate(options(ep.fetch, 10));
    const lines = resultsJsonl(report, [KEY]).trim().split("\n");
    expect(lines).toHaveLength(10);
    for (const l of lines) {
      expect(l).not.toContain(KEY);
      const row = JSON.parse(l);
      for (const m of ["f1", "rouge1", "rouge2", "rougeL", "bleu", "gleu"]) expect(typeof row[m]).toBe("number");
      expect(row.deployment).toBe("green");
      expect(row.baseline.deployment).toBe("blue");
    }
    expect(renderEvaluationMarkdown(report, { secrets: [KEY] })).not.toContain(KEY);
  });

  it("redacts a secret before cutting and escaping: a Markdown-special key cut at the excerpt leaves nothing", async () => {
    const [head, tail] = ["a1b2c3d4e5f6a7b8c9", "f9e8d7c6b5a4f3e2d1"];
    const secret = `${head}\\\`*_{}[]()#+-.!|<>~${tail}`;
    // The second echo straddles the 200-character excerpt of the regressions table.
    const echo = `Your header was Bearer ${secret}. ${"Padding. ".repeat(11)}${secret}`;
    const ep = fakeEndpoint((d, p) => ({ status: 200, body: { output: d === "green" ? echo : echoItem(p) } }));
    const md = renderEvaluationMarkdown(await evaluate(options(ep.fetch, 10)), { secrets: [secret] });
    expect(md).toContain("Your header was Bearer \\*\\*\\*");
    for (const form of [head, tail, secret]) expect(md).not.toContain(form);
  });
});
