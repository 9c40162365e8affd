import { formatOf, parseSourceSpec } from "../src/source-spec.js";

describe("the source input", () => {
  it("takes a repository file by its extension: .jsonl, .json or .parquet (any case)", () => {
    expect(parseSourceSpec("data/chat.jsonl")).toEqual({
      ok: true,
      value: { kind: "local", path: "data/chat.jsonl", format: "jsonl" },
    });
    expect(parseSourceSpec("data/chat.JSON")).toMatchObject({ ok: true, value: { format: "json" } });
    expect(parseSourceSpec("./shards/train-00000-of-00003.parquet")).toMatchObject({
      ok: true,
      value: { format: "parquet" },
    });
    expect(formatOf("a.txt")).toBeUndefined();
  });

  it("rejects another extension with a message naming the accepted forms", () => {
    const r = parseSourceSpec("data/chat.csv");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('source "data/chat.csv"');
      expect(r.message).toContain(".jsonl, .json (an array of records) or .parquet");
      expect(r.message).toContain("hf://<owner>/<dataset>");
    }
    expect(parseSourceSpec("data/chat.jsonl.gz").ok).toBe(false);
    expect(parseSourceSpec("  ").ok).toBe(false);
  });

  it("rejects other URLs", () => {
    const r = parseSourceSpec("https://example.com/chat.jsonl");
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("is a URL") });
  });

  it("takes hf://<owner>/<dataset> with config and revision, defaulting to default and main", () => {
    expect(parseSourceSpec("hf://HuggingFaceH4/ultrachat_200k")).toEqual({
      ok: true,
      value: {
        kind: "hf",
        owner: "HuggingFaceH4",
        dataset: "ultrachat_200k",
        repo: "HuggingFaceH4/ultrachat_200k",
        config: "default",
        revision: "main",
      },
    });
    expect(parseSourceSpec("hf://HuggingFaceH4/ultrachat_200k", "", "refs/convert/parquet")).toMatchObject({
      ok: true,
      value: { config: "default", revision: "refs/convert/parquet" },
    });
  });

  it("accepts the hf://datasets/<owner>/<dataset> form of huggingface_hub", () => {
    expect(parseSourceSpec("hf://datasets/HuggingFaceH4/ultrachat_200k")).toMatchObject({
      ok: true,
      value: { repo: "HuggingFaceH4/ultrachat_200k" },
    });
  });

  it.each([
    ["hf://ultrachat_200k", "exactly an owner and a dataset name"],
    ["hf://a/b/c", "exactly an owner and a dataset name"],
    ["hf://owner/", "exactly an owner and a dataset name"],
    ["hf://owner/name@v1", "use the revision input"],
    ["hf:owner/name", "does not start with hf://"],
    ["hf://-owner/name", 'owner "-owner" is not a valid Hugging Face name'],
    ["hf://owner/na--me", 'dataset "na--me" is not a valid Hugging Face name'],
    ["hf://owner/name.git", "not a valid Hugging Face name"],
    ["hf://owner/ünï", "not a valid Hugging Face name"],
  ])("rejects the malformed Hub source %j", (source, why) => {
    const r = parseSourceSpec(source);
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining(why) });
  });

  it("rejects a config or revision with spaces", () => {
    expect(parseSourceSpec("hf://o/d", "my config")).toMatchObject({
      ok: false,
      message: expect.stringContaining('config "my config"'),
    });
    expect(parseSourceSpec("hf://o/d", "default", "main branch")).toMatchObject({
      ok: false,
      message: expect.stringContaining('revision "main branch"'),
    });
  });
});
