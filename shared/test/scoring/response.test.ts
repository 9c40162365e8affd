import { readAnswer } from "../../src/scoring/response.js";

describe("reading the answer", () => {
  it('reads {"output": "…"}, the documented shape', () => {
    expect(readAnswer('{"output": "Paris."}')).toEqual({ ok: true, answer: "Paris.", shape: "output" });
  });

  it("reads the answer from a bare JSON string", () => {
    expect(readAnswer('"Paris."')).toEqual({ ok: true, answer: "Paris.", shape: "string" });
  });

  it('reads a list ["…"] and a list of {"0": "…"}', () => {
    expect(readAnswer('["Paris."]')).toEqual({ ok: true, answer: "Paris.", shape: "list" });
    expect(readAnswer('[{"0": "Paris."}]')).toEqual({ ok: true, answer: "Paris.", shape: "list-of-0" });
  });

  it('reads {"0": "…"}', () => {
    expect(readAnswer('{"0": "Paris."}')).toEqual({ ok: true, answer: "Paris.", shape: "object-0" });
  });

  it("reads an OpenAI-style chat completion", () => {
    expect(
      readAnswer('{"id": "x", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."}}]}'),
    ).toEqual({ ok: true, answer: "Paris.", shape: "openai-chat" });
    expect(readAnswer('{"choices": [{"text": "Paris."}]}')).toEqual({
      ok: true,
      answer: "Paris.",
      shape: "openai-completion",
    });
  });

  it("unwraps a body encoded twice by a scoring script's json.dumps", () => {
    expect(readAnswer(JSON.stringify(JSON.stringify({ output: "Paris." })))).toEqual({
      ok: true,
      answer: "Paris.",
      shape: "output",
    });
  });

  it("keeps an answer that is itself JSON as the answer", () => {
    expect(readAnswer(JSON.stringify('{"city": "Paris"}'))).toEqual({
      ok: true,
      answer: '{"city": "Paris"}',
      shape: "string",
    });
  });

  it("keeps an empty answer as an answer (the checks decide)", () => {
    expect(readAnswer('{"output": ""}')).toEqual({ ok: true, answer: "", shape: "output" });
  });

  it("says clearly when the shape is unknown, naming the keys, with an excerpt", () => {
    const r = readAnswer(JSON.stringify({ result: "Paris.", usage: { tokens: 3 } }));
    expect(r).toEqual({
      ok: false,
      shape: "unknown",
      message: 'unknown response shape: a JSON object with keys "result", "usage"; expected {"output": "…"}',
      excerpt: '{"result":"Paris.","usage":{"tokens":3}}',
    });
  });

  it("says when output is not text", () => {
    expect(readAnswer('{"output": null}')).toMatchObject({
      ok: false,
      message: '"output" is null, not text; expected {"output": "…"}',
    });
  });

  it("says when the body is not JSON, and cuts a long excerpt", () => {
    const r = readAnswer(`<html><body>${"x".repeat(1000)}</body></html>`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toBe('the response is not JSON; expected {"output": "…"}');
    expect(r.excerpt.startsWith("<html><body>x")).toBe(true);
    expect(Array.from(r.excerpt)).toHaveLength(200);
    expect(r.excerpt.endsWith("…")).toBe(true);
  });

  it("says when the body is empty or an empty list", () => {
    expect(readAnswer("")).toMatchObject({
      ok: false,
      message: 'the response body is empty; expected {"output": "…"}',
    });
    expect(readAnswer("[]")).toMatchObject({
      ok: false,
      message: 'the response is an empty list; expected {"output": "…"}',
    });
  });
});
