import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { prepare as prepareFiles } from "../src/prepare.js";
import type { PrepareFailure, PrepareOptions, PrepareSuccess } from "../src/prepare.js";
import { chat, jsonl, scratch, ultrachatParquet } from "./helpers.js";
import type { Scratch } from "./helpers.js";

const SAMPLE = fileURLToPath(new URL("./fixtures/chat-sample.jsonl", import.meta.url));
const SAMPLE_ROWS = 48;
const PROBLEMS = fileURLToPath(new URL("./fixtures/chats-with-problems.jsonl", import.meta.url));

let tmp: Scratch;
beforeAll(() => {
  tmp = scratch();
});
afterAll(() => tmp.remove());

type Options = Omit<PrepareOptions, "outputDir">;
/** A success with the text of the two files it wrote, to compare as strings. */
type Prepared = (PrepareSuccess & { train: string; validation: string }) | PrepareFailure;

let runs = 0;
/** prepare() into a fresh output directory of its own, so that two runs can be compared. */
async function prepare(options: Options): Promise<Prepared> {
  const r = await prepareFiles({ ...options, outputDir: join(tmp.dir, `out-${++runs}`) });
  return r.ok
    ? { ...r, train: readFileSync(r.trainFile, "utf8"), validation: readFileSync(r.validationFile, "utf8") }
    : r;
}

function ok(r: Prepared): Extract<Prepared, { ok: true }> {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r;
}

function failed(r: Prepared): PrepareFailure {
  if (r.ok) throw new Error("expected a failure, got success");
  return r;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

const lines = (text: string) => text.split("\n").slice(0, -1);
const u = (content: string) => ({ role: "user", content });
const a = (content: string) => ({ role: "assistant", content });

/** n valid, distinct records; `bad` maps a 0-based index to a replacement line. */
function file(name: string, n: number, bad: Record<number, string> = {}): string {
  const text = Array.from({ length: n }, (_, i) => bad[i] ?? JSON.stringify(chat(i))).join("\n") + "\n";
  return tmp.file(name, text);
}

describe("prepare: the happy path on the sample data", () => {
  it("splits 48 conversations into 38 for training and 10 for validation (20%, rounded)", async () => {
    const r = ok(await prepare({ files: SAMPLE }));
    expect(r).toMatchObject({
      rowsIn: SAMPLE_ROWS,
      trainRows: 38,
      validationRows: 10,
      invalid: 0,
      tooLong: 0,
      dropped: { total: 0 },
    });
    expect(lines(r.train)).toHaveLength(38);
    expect(lines(r.validation)).toHaveLength(10);
  });

  it('writes exactly {"messages":[{"role","content"}…]} per line, each ending in a line end', async () => {
    const r = ok(await prepare({ files: SAMPLE }));
    expect(r.train.endsWith("\n")).toBe(true);
    expect(r.validation.endsWith("\n")).toBe(true);
    for (const line of [...lines(r.train), ...lines(r.validation)]) {
      const parsed = JSON.parse(line) as { messages: Array<Record<string, unknown>> };
      expect(Object.keys(parsed)).toEqual(["messages"]);
      for (const m of parsed.messages) expect(Object.keys(m)).toEqual(["role", "content"]);
      expect(JSON.stringify(parsed)).toBe(line);
    }
  });

  it("keeps every input conversation exactly once across the two files", async () => {
    const r = ok(await prepare({ files: SAMPLE }));
    const input = readFileSync(SAMPLE, "utf8")
      .trim()
      .split("\n")
      .map((l) =>
        JSON.stringify({
          messages: (JSON.parse(l) as { messages: Array<{ role: string; content: string }> }).messages.map((m) => ({
            role: m.role,
            content: m.content,
          })),
        }),
      );
    expect([...lines(r.train), ...lines(r.validation)].sort()).toEqual(input.sort());
  });

  it("gives byte-identical files and the same fingerprint for the same input and options", async () => {
    const first = ok(await prepare({ files: SAMPLE, seed: 7, validationSplit: 0.25 }));
    const second = ok(await prepare({ files: SAMPLE, seed: 7, validationSplit: 0.25 }));
    expect(second.train).toBe(first.train);
    expect(second.validation).toBe(first.validation);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives another order, another validation set and another fingerprint for another seed", async () => {
    const s42 = ok(await prepare({ files: SAMPLE, seed: 42 }));
    const s43 = ok(await prepare({ files: SAMPLE, seed: 43 }));
    expect(s43.train).not.toBe(s42.train);
    expect(new Set(lines(s43.validation))).not.toEqual(new Set(lines(s42.validation)));
    expect(s43.fingerprint).not.toBe(s42.fingerprint);
    expect([...lines(s43.train), ...lines(s43.validation)].sort()).toEqual(
      [...lines(s42.train), ...lines(s42.validation)].sort(),
    );
  });

  it("changes the fingerprint with a setting that shapes the output", async () => {
    const base = ok(await prepare({ files: SAMPLE }));
    expect(ok(await prepare({ files: SAMPLE, validationSplit: 0.1 })).fingerprint).not.toBe(base.fingerprint);
    expect(ok(await prepare({ files: SAMPLE, maxTokens: 8192 })).fingerprint).not.toBe(base.fingerprint);
  });

  it("does not depend on the order of the source's records", async () => {
    const reversed = tmp.file(
      "reversed.jsonl",
      readFileSync(SAMPLE, "utf8").trim().split("\n").reverse().join("\n") + "\n",
    );
    const a1 = ok(await prepare({ files: SAMPLE }));
    const a2 = ok(await prepare({ files: reversed }));
    expect(a2.train).toBe(a1.train);
    expect(a2.fingerprint).toBe(a1.fingerprint);
  });

  it("reports token statistics and role counts of what it wrote", async () => {
    const r = ok(await prepare({ files: SAMPLE }));
    expect(r.tokens.count).toBe(SAMPLE_ROWS);
    expect(r.tokens.p50).toBeGreaterThan(20);
    expect(r.tokens.max).toBeLessThan(200);
    expect(r.tokens.p50).toBeLessThanOrEqual(r.tokens.p90);
    expect(r.roles.user).toBe(r.roles.assistant);
    expect(r.roles.system).toBeGreaterThan(0);
  });
});

describe("prepare: the files it writes", () => {
  // Recorded with the implementation that built both files in memory, before prepare streamed through a
  // spool file: the bytes (and so the fingerprint) must not change with how they are produced.
  const RECORDED: Array<[string, Options, { fingerprint: string; trainSha256: string; validationSha256: string }]> = [
    [
      "defaults",
      { files: SAMPLE },
      {
        fingerprint: "fbdc105d5856903a75b5aef0e55bacfc372454041e00d3b128c1a6ee9efeaa7a",
        trainSha256: "5baa5ad687554d931421c386530a8ef013d5c0710752731e96dfba1596b3372e",
        validationSha256: "5361b0dd9fddbd472df64057372afc2c7eba0d2569c7be0ed04494692aafb9b8",
      },
    ],
    [
      "seed 7, validation-split 0.25",
      { files: SAMPLE, seed: 7, validationSplit: 0.25 },
      {
        fingerprint: "4407bed1453c79b2856ae9029a1f051c67f85f1a3dc7f08b7fd28381438923d9",
        trainSha256: "55fcc378b2dc77a61a02eaaad79fb7a3ab4a59070164cedf3199426c658a4ec8",
        validationSha256: "2816a509a5140b6c535c93b1feab23e64a827c0a8122a61d4b340f9e5abb1acf",
      },
    ],
    [
      "a percent slice",
      { files: SAMPLE, split: "train[10%:60%]" },
      {
        fingerprint: "da0f739bd055a11d7e1203396a64f268fd20b75dfb44560870255a3fb73e7499",
        trainSha256: "ce0b752e24ba0f9401d5b074280df5114e7839c3ddfee4e4fd732937b26c3a76",
        validationSha256: "34df6089423fbe3d4890ad15e8d41da4a57a737e3edb74f8200b3e362a61775d",
      },
    ],
    [
      "a system prompt",
      { files: SAMPLE, systemPrompt: "You are Phi." },
      {
        fingerprint: "58875c19b4790ddf68868ca463847feeb1d26fffea19247575f83d992312c6b4",
        trainSha256: "3effce7b70a2b444541795691ee5fba19af4547459d031ab50f028786372ec04",
        validationSha256: "80f60e0aa4dd2ff9ab662a03dff6917646013cfec1c10d768ceb0d1e534f710f",
      },
    ],
    [
      "bad records, too-long kept",
      { files: PROBLEMS, maxInvalidRatio: 1, maxTokens: 60, onTooLong: "keep" },
      {
        fingerprint: "c1b36a11c7f21ca9e09e347826876c361c94001ccf573d4a6f8072559e2f29af",
        trainSha256: "8342974682d54582508b210913be6755f2abf2a0c83df67b98c1d946b85b3396",
        validationSha256: "70daf2cfb217b3ecc8e99ce1b76d1ecb561d9b526fa920ea8947554548f34b43",
      },
    ],
    [
      "bad records, dedupe off",
      { files: PROBLEMS, maxInvalidRatio: 1, dedupe: false },
      {
        fingerprint: "93013051598405920cb86aaf8eb4350e4147a34053545e806ad29b7be4c8f55f",
        trainSha256: "c147ff9fb1628d45ead715a21e9242d64d7ec983c32dc6fba6a09d067afbb253",
        validationSha256: "70daf2cfb217b3ecc8e99ce1b76d1ecb561d9b526fa920ea8947554548f34b43",
      },
    ],
  ];

  it.each(RECORDED)(
    "gives the recorded fingerprint and file hashes for the sample (%s)",
    async (_name, options, recorded) => {
      expect(ok(await prepare(options))).toMatchObject(recorded);
    },
  );

  it("writes train.jsonl and validation.jsonl into the output directory, with their sha256 and size, and nothing else", async () => {
    const outputDir = join(tmp.dir, "files-written");
    const r = await prepareFiles({ files: SAMPLE, outputDir });
    if (!r.ok) throw new Error(r.message);
    expect(r.trainFile).toBe(join(outputDir, "train.jsonl"));
    expect(r.validationFile).toBe(join(outputDir, "validation.jsonl"));
    expect(readdirSync(outputDir).sort()).toEqual(["train.jsonl", "validation.jsonl"]); // the spool is gone
    expect(sha256(r.trainFile)).toBe(r.trainSha256);
    expect(sha256(r.validationFile)).toBe(r.validationSha256);
    expect(readFileSync(r.trainFile).length).toBe(r.trainBytes);
    expect(readFileSync(r.validationFile).length).toBe(r.validationBytes);
  });

  it("writes nothing when it fails, and leaves no spool behind", async () => {
    const outputDir = join(tmp.dir, "files-failed");
    const r = await prepareFiles({
      files: file("fail-nothing-written.jsonl", 10, { 2: "x" }),
      outputDir,
      onInvalid: "fail",
    });
    expect(r).toMatchObject({ ok: false, code: "invalid_records" });
    expect(readdirSync(outputDir)).toEqual([]);
  });

  it("leaves no spool behind when the source cannot be read", async () => {
    const outputDir = join(tmp.dir, "files-missing-source");
    expect(await prepareFiles({ files: join(tmp.dir, "nope.jsonl"), outputDir })).toMatchObject({
      ok: false,
      code: "source",
    });
    expect(readdirSync(outputDir)).toEqual([]);
  });

  it("replaces the files of an earlier run in the same directory", async () => {
    const outputDir = join(tmp.dir, "files-again");
    const first = await prepareFiles({ files: SAMPLE, outputDir, seed: 1 });
    const second = await prepareFiles({ files: SAMPLE, outputDir, seed: 2 });
    if (!first.ok || !second.ok) throw new Error("expected two successes");
    expect(sha256(second.trainFile)).toBe(second.trainSha256);
    expect(second.trainSha256).not.toBe(first.trainSha256);
    expect(existsSync(`${second.trainFile}.partial`)).toBe(false);
  });

  it("counts tokens with countTokens when given one", async () => {
    const r = ok(await prepare({ files: SAMPLE, countTokens: (messages) => messages.length }));
    expect(r.tokens.max).toBeLessThanOrEqual(5);
  });
});

describe("prepare: slices", () => {
  it("takes the first rows with [:10]", async () => {
    const r = ok(await prepare({ files: SAMPLE, split: "train_sft[:10]" }));
    expect(r.rowsIn).toBe(10);
    expect(r.slice).toEqual({ start: 0, end: 10 });
    expect(r.trainRows + r.validationRows).toBe(10);
  });

  it("takes a percent slice of the rows, counted first", async () => {
    const r = ok(await prepare({ files: SAMPLE, split: "train[10%:60%]" }));
    expect(r.slice).toEqual({ start: 5, end: 29, total: 48 }); // 4.8 → 5, 28.8 → 29
    expect(r.rowsIn).toBe(24);
  });

  it("takes the last rows with a negative bound", async () => {
    const r = ok(await prepare({ files: SAMPLE, split: "train[-8:]" }));
    expect(r.slice).toEqual({ start: 40, end: 48, total: 48 });
  });

  it("counts rows by record, not by line, and reports locations in the file", async () => {
    const f = file("slice-invalid.jsonl", 10, { 6: "not json" });
    const r = ok(await prepare({ files: f, split: "train[5:8]", maxInvalidRatio: 1 }));
    expect(r.rowsIn).toBe(3);
    expect(r.problems).toEqual([
      { location: { file: f, line: 7, row: 6 }, reason: "not_json", detail: expect.any(String), severity: "warning" },
    ]);
  });

  it("reads several files as one split, the slice running across them", async () => {
    const one = tmp.file("shard-0.jsonl", jsonl([0, 1, 2, 3].map((i) => chat(i))));
    const two = tmp.file("shard-1.jsonl", jsonl([4, 5, 6, 7].map((i) => chat(i))));
    const r = ok(await prepare({ files: [one, two], split: "train[2:6]" }));
    expect(r.slice).toEqual({ start: 2, end: 6, total: 8 });
    expect(r.rowsIn).toBe(4);
    const all = [...lines(r.train), ...lines(r.validation)].join("\n");
    for (const i of [2, 3, 4, 5]) expect(all).toContain(`Question number ${i}:`);
    for (const i of [0, 1, 6, 7]) expect(all).not.toContain(`Question number ${i}:`);
  });

  it("fails with the slice when it selects nothing", async () => {
    const r = failed(await prepare({ files: SAMPLE, split: "train[100:200]" }));
    expect(r).toMatchObject({ code: "empty", message: expect.stringContaining('The slice "train[100:200]"') });
  });

  it("fails on a malformed slice before reading anything", async () => {
    const r = failed(await prepare({ files: `${tmp.dir}/does-not-matter.jsonl`, split: "train[1:2" }));
    expect(r).toMatchObject({ code: "bad_option", message: expect.stringContaining('split "train[1:2"') });
  });

  it("fails on pct1_dropremainder over fewer than 100 rows", async () => {
    const r = failed(await prepare({ files: SAMPLE, split: "train[:10%](pct1_dropremainder)" }));
    expect(r).toMatchObject({ code: "bad_option", message: expect.stringContaining("at least 100 rows") });
  });
});

describe("prepare: invalid records", () => {
  it("drops a broken JSONL line and reports it with its line number", async () => {
    const f = file("one-broken.jsonl", 30, { 11: '{"messages": [' });
    const r = ok(await prepare({ files: f }));
    expect(r.rowsIn).toBe(30);
    expect(r.invalid).toBe(1);
    expect(r.dropped.byReason.not_json).toBe(1);
    expect(r.dropped.total).toBe(1);
    expect(r.problems).toEqual([
      {
        location: { file: f, line: 12, row: 11 },
        reason: "not_json",
        detail: expect.stringContaining("not valid JSON"),
        severity: "warning",
      },
    ]);
    expect(r.trainRows + r.validationRows).toBe(29);
  });

  it("counts dropped records per reason", async () => {
    const f = file("mixed.jsonl", 20, {
      1: JSON.stringify({ messages: [a("first"), u("then")] }),
      2: JSON.stringify({ messages: [u("q"), a("")] }),
      3: JSON.stringify({ prompt: "no messages" }),
      4: "[]",
      5: JSON.stringify({ messages: [{ role: "human", content: "q" }, a("x")] }),
      6: JSON.stringify({ messages: [u("q"), a("x"), u("dangling")] }),
    });
    const r = ok(await prepare({ files: f, maxInvalidRatio: 0.5 }));
    expect(r.dropped.byReason).toMatchObject({
      bad_order: 1,
      empty_content: 1,
      missing_field: 1,
      not_object: 1,
      bad_role: 1,
      no_final_assistant: 1,
    });
    expect(r.invalid).toBe(6);
    expect(r.problems.map((p) => [p.location.line, p.reason])).toEqual([
      [2, "bad_order"],
      [3, "empty_content"],
      [4, "missing_field"],
      [5, "not_object"],
      [6, "bad_role"],
      [7, "no_final_assistant"],
    ]);
  });

  it("accepts an invalid share of exactly max-invalid-ratio", async () => {
    const r = await prepare({ files: file("five-percent.jsonl", 20, { 3: "x" }), maxInvalidRatio: 0.05 });
    expect(r.ok).toBe(true);
  });

  it("fails when more than max-invalid-ratio of the records are invalid, even when dropping, with the problems as errors", async () => {
    const r = failed(
      await prepare({ files: file("ten-percent.jsonl", 20, { 3: "x", 9: "{}" }), maxInvalidRatio: 0.05 }),
    );
    expect(r.code).toBe("too_many_invalid");
    expect(r.message).toBe(
      "2 of 20 records (10.0%) are invalid, more than max-invalid-ratio 0.05. By reason: not_json: 1, missing_field: 1.",
    );
    expect(r.problems.map((p) => [p.location.line, p.severity])).toEqual([
      [4, "error"],
      [10, "error"],
    ]);
  });

  it("fails on any invalid record with on-invalid: fail, listing them all", async () => {
    const f = file("fail-invalid.jsonl", 40, { 0: "x", 39: "{}" });
    const r = failed(await prepare({ files: f, onInvalid: "fail" }));
    expect(r.code).toBe("invalid_records");
    expect(r.message).toContain("2 of 40 records are invalid (on-invalid: fail)");
    expect(r.problems).toEqual([
      expect.objectContaining({ location: { file: f, line: 1, row: 0 }, reason: "not_json", severity: "error" }),
      expect.objectContaining({ location: { file: f, line: 40, row: 39 }, reason: "missing_field", severity: "error" }),
    ]);
    expect("trainFile" in r).toBe(false);
  });

  it("keeps at most max-problems problems but counts them all", async () => {
    const bad = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, "x"]));
    const r = ok(await prepare({ files: file("many-bad.jsonl", 20, bad), maxInvalidRatio: 1, maxProblems: 3 }));
    expect(r.problems).toHaveLength(3);
    expect(r.problemsOmitted).toBe(7);
    expect(r.dropped.byReason.not_json).toBe(10);
  });

  it("fails when nothing is left after filtering", async () => {
    const r = failed(await prepare({ files: tmp.file("all-bad.jsonl", "x\ny\n"), maxInvalidRatio: 1 }));
    expect(r).toMatchObject({
      code: "nothing_left",
      message: expect.stringContaining("all 2 records were dropped. By reason: not_json: 2"),
    });
  });

  it("reports a truncated last line", async () => {
    const text = jsonl([chat(0), chat(1)]) + JSON.stringify(chat(2)).slice(0, 25);
    const r = ok(await prepare({ files: tmp.file("cut.jsonl", text), maxInvalidRatio: 0.5 }));
    expect(r.problems).toEqual([
      expect.objectContaining({ reason: "truncated", location: expect.objectContaining({ line: 3 }) }),
    ]);
  });

  it("reads a file with a BOM and CRLF line ends, saying so", async () => {
    const text = "\ufeff" + jsonl([chat(0), chat(1), chat(2)]).replaceAll("\n", "\r\n");
    const r = ok(await prepare({ files: tmp.file("windows.jsonl", text) }));
    expect(r.rowsIn).toBe(3);
    expect(r.notices.map((n) => n.message).join(" ")).toMatch(/byte order mark.*CRLF/);
  });
});

describe("prepare: duplicates", () => {
  const text = jsonl([chat(0), chat(1), chat(0, { id: "other fields do not matter" }), chat(2), chat(0)]);

  it("drops exact duplicate conversations, pointing at the first", async () => {
    const f = tmp.file("dupes.jsonl", text);
    const r = ok(await prepare({ files: f }));
    expect(r.dropped.byReason.duplicate).toBe(2);
    expect(r.trainRows + r.validationRows).toBe(3);
    expect(r.problems).toEqual([
      {
        location: { file: f, line: 3, row: 2 },
        reason: "duplicate",
        detail: `the same conversation as ${f}:1`,
        severity: "notice",
      },
      {
        location: { file: f, line: 5, row: 4 },
        reason: "duplicate",
        detail: `the same conversation as ${f}:1`,
        severity: "notice",
      },
    ]);
    expect(r.invalid).toBe(0);
  });

  it("keeps duplicates with dedupe off", async () => {
    const r = ok(await prepare({ files: tmp.file("dupes-kept.jsonl", text), dedupe: false }));
    expect(r.trainRows + r.validationRows).toBe(5);
    expect(r.dropped.total).toBe(0);
  });

  it("treats conversations that differ only after the system prompt is applied as duplicates", async () => {
    const withSystem = { messages: [{ role: "system", content: "Be brief." }, ...(chat(0).messages as object[])] };
    const r = ok(
      await prepare({
        files: tmp.file("dupes-system.jsonl", jsonl([chat(0), withSystem, chat(1)])),
        systemPrompt: "Be brief.",
      }),
    );
    expect(r.dropped.byReason.duplicate).toBe(1);
  });
});

describe("prepare: conversations longer than max-tokens", () => {
  // chat(i) is about 35 tokens. The long one is 211: <|user|> T ell ▁me ▁everything . <|end|> (7),
  // <|assistant|> word ▁word×199 ▁ <|end|> (203), <|endoftext|> (1). "Tell" without a leading space is
  // not a piece of the vocabulary, hence T + ell.
  const long = { messages: [u("Tell me everything."), a("word ".repeat(200))] };
  const records = [chat(0), chat(1), long, chat(3), chat(4)];
  const opts = (onTooLong: PrepareOptions["onTooLong"]): Options => ({
    files: tmp.file(`long-${onTooLong}.jsonl`, jsonl(records)),
    maxTokens: 100,
    onTooLong,
  });

  it("drops them by default, counting them", async () => {
    const r = ok(await prepare(opts("drop")));
    expect(r.tooLong).toBe(1);
    expect(r.dropped.byReason.too_long).toBe(1);
    expect(r.trainRows + r.validationRows).toBe(4);
    expect(r.problems).toEqual([
      expect.objectContaining({
        reason: "too_long",
        severity: "warning",
        location: expect.objectContaining({ line: 3 }),
        detail: "211 tokens, more than max-tokens 100",
      }),
    ]);
  });

  it("keeps them with on-too-long: keep, still counting them", async () => {
    const r = ok(await prepare(opts("keep")));
    expect(r.tooLong).toBe(1);
    expect(r.dropped.total).toBe(0);
    expect(r.trainRows + r.validationRows).toBe(5);
    expect(r.tokens.overMax).toBe(1);
    expect(r.problems[0]?.severity).toBe("notice");
  });

  it("fails with on-too-long: fail, naming them", async () => {
    const r = failed(await prepare(opts("fail")));
    expect(r.code).toBe("too_long");
    expect(r.message).toBe("1 conversation(s) are longer than max-tokens 100 (on-too-long: fail).");
    expect(r.problems).toEqual([expect.objectContaining({ reason: "too_long", severity: "error" })]);
  });

  it("does not count too-long conversations as invalid", async () => {
    const r = ok(await prepare({ ...opts("drop"), maxInvalidRatio: 0 }));
    expect(r.invalid).toBe(0);
  });
});

describe("prepare: fields and system prompt", () => {
  it("builds conversations from prompt-field and response-field", async () => {
    const f = tmp.file(
      "qa.jsonl",
      jsonl([
        { q: "What is 2+2?", r: "4" },
        { q: "Capital of France?", r: "Paris." },
      ]),
    );
    const r = ok(await prepare({ files: f, promptField: "q", responseField: "r", systemPrompt: "Answer briefly." }));
    expect([...lines(r.train), ...lines(r.validation)].sort()).toEqual([
      '{"messages":[{"role":"system","content":"Answer briefly."},{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}',
      '{"messages":[{"role":"system","content":"Answer briefly."},{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4"}]}',
    ]);
  });

  it("counts conversations that kept their own system message", async () => {
    const withOwnSystem = readFileSync(SAMPLE, "utf8")
      .trim()
      .split("\n")
      .filter((l) => (JSON.parse(l) as { messages: Array<{ role: string }> }).messages[0]?.role === "system").length;
    expect(withOwnSystem).toBe(9);
    const r = ok(await prepare({ files: SAMPLE, systemPrompt: "You are Phi." }));
    expect(r.keptOwnSystem).toBe(withOwnSystem);
    expect(r.roles.system).toBe(SAMPLE_ROWS);
    expect(r.train).toContain('{"messages":[{"role":"system","content":"You are Phi."},');
  });

  it("rejects prompt-field without response-field", async () => {
    expect(failed(await prepare({ files: SAMPLE, promptField: "q" }))).toMatchObject({
      code: "bad_option",
      message: expect.stringContaining("go together"),
    });
  });
});

describe("prepare: parquet", () => {
  it("reads an ultrachat-shaped parquet file and reports bad rows by row number", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      prompt: `q${i}`,
      prompt_id: `id${i}`,
      messages: chat(i).messages as unknown,
    }));
    rows[4] = { prompt: "q4", prompt_id: "id4", messages: null };
    rows[9] = {
      prompt: "q9",
      prompt_id: "id9",
      messages: [
        { role: "user", content: "q" },
        { role: "bot", content: "a" },
      ],
    };
    const f = tmp.file("ultrachat-bad.parquet", ultrachatParquet(rows, 8));
    const r = ok(await prepare({ files: f, maxInvalidRatio: 0.1 }));
    expect(r.rowsIn).toBe(30);
    expect(r.problems).toEqual([
      expect.objectContaining({ location: { file: f, row: 4 }, reason: "missing_field" }),
      expect.objectContaining({
        location: { file: f, row: 9 },
        reason: "bad_role",
        detail: 'message 2 has role "bot"; roles are system, user and assistant',
      }),
    ]);
  });

  it("gives the same bytes and fingerprint from parquet as from the same records in JSONL", async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({
      prompt: `q${i}`,
      prompt_id: `id${i}`,
      messages: chat(i).messages as unknown,
    }));
    const fromParquet = ok(
      await prepare({ files: tmp.file("same.parquet", ultrachatParquet(records, 16)), split: "train[:75%]" }),
    );
    const fromJsonl = ok(await prepare({ files: tmp.file("same.jsonl", jsonl(records)), split: "train[:75%]" }));
    expect(fromParquet.train).toBe(fromJsonl.train);
    expect(fromParquet.validation).toBe(fromJsonl.validation);
    expect(fromParquet.fingerprint).toBe(fromJsonl.fingerprint);
  });

  it("fails clearly when the messages column is missing", async () => {
    const rows = [{ prompt: "q", prompt_id: "1", messages: chat(0).messages as unknown }];
    const r = failed(
      await prepare({ files: tmp.file("wrong-field.parquet", ultrachatParquet(rows)), messagesField: "conversation" }),
    );
    expect(r).toMatchObject({ code: "source", message: expect.stringContaining('has no column "conversation"') });
  });
});

describe("prepare: sources and splits that cannot work", () => {
  it("fails on a missing file", async () => {
    expect(failed(await prepare({ files: `${tmp.dir}/nope.jsonl` }))).toMatchObject({
      code: "source",
      message: `${tmp.dir}/nope.jsonl does not exist`,
    });
  });

  it("fails on an empty file", async () => {
    expect(failed(await prepare({ files: tmp.file("zero.jsonl", "") }))).toMatchObject({
      code: "source",
      message: expect.stringMatching(/zero\.jsonl is empty$/),
    });
  });

  it("fails on a file with only blank lines as holding no records", async () => {
    const f = tmp.file("blank-only.jsonl", "\n\n  \n");
    expect(failed(await prepare({ files: f }))).toMatchObject({ code: "empty", message: `${f} holds no records.` });
  });

  it("fails when one conversation is left, which cannot fill both sides", async () => {
    const r = failed(await prepare({ files: tmp.file("single.jsonl", jsonl([chat(0)])) }));
    expect(r).toMatchObject({
      code: "split",
      message: expect.stringContaining("1 conversation(s) left: splitting needs at least 2"),
    });
  });

  it("splits two conversations one and one, with a notice that the split was adjusted", async () => {
    const r = ok(await prepare({ files: tmp.file("two.jsonl", jsonl([chat(0), chat(1)])) }));
    expect([r.trainRows, r.validationRows]).toEqual([1, 1]);
    expect(r.notices).toEqual([
      expect.objectContaining({ message: expect.stringContaining("would leave one side empty") }),
    ]);
  });

  it.each([0, 1, -0.2, 1.2])("fails on validation-split %p", async (validationSplit) => {
    expect(failed(await prepare({ files: SAMPLE, validationSplit }))).toMatchObject({
      code: "bad_option",
      message: expect.stringContaining("validation-split must be between 0 and 1"),
    });
  });
});
