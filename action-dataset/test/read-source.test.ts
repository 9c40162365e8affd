import { countRecords, readSource, SourceError } from "../src/read-source.js";
import type { SourceItem } from "../src/read-source.js";
import { chat, jsonl, scratch, ultrachatParquet } from "./helpers.js";
import type { Scratch } from "./helpers.js";

let tmp: Scratch;
beforeAll(() => {
  tmp = scratch();
});
afterAll(() => tmp.remove());

async function all(file: string, options = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of readSource(file, options)) items.push(item);
  return items;
}

const records = (items: SourceItem[]) => items.filter((i) => i.kind === "record");
const invalid = (items: SourceItem[]) => items.filter((i) => i.kind === "invalid");
const notices = (items: SourceItem[]) => items.filter((i) => i.kind === "notice");

describe("reading JSONL", () => {
  it("yields each line's record with its line number and row", async () => {
    const file = tmp.file("ok.jsonl", jsonl([chat(0), chat(1)]));
    expect(await all(file)).toEqual([
      { kind: "record", location: { file, line: 1, row: 0 }, record: chat(0) },
      { kind: "record", location: { file, line: 2, row: 1 }, record: chat(1) },
    ]);
  });

  it("reports a line that is not JSON as an invalid record with its line number, and reads on", async () => {
    const file = tmp.file(
      "broken.jsonl",
      `${JSON.stringify(chat(0))}\n{"messages": [oops]}\n${JSON.stringify(chat(2))}\n`,
    );
    const items = await all(file);
    expect(records(items).map((i) => i.location.line)).toEqual([1, 3]);
    expect(invalid(items)).toEqual([
      {
        kind: "invalid",
        location: { file, line: 2, row: 1 },
        reason: "not_json",
        detail: expect.stringMatching(/^the line is not valid JSON: /),
      },
    ]);
  });

  it("reports a truncated last line (no line end, not JSON) as truncated", async () => {
    const whole = JSON.stringify(chat(1));
    const file = tmp.file("truncated.jsonl", `${JSON.stringify(chat(0))}\n${whole.slice(0, 30)}`);
    const items = await all(file);
    expect(invalid(items)).toEqual([
      {
        kind: "invalid",
        location: { file, line: 2, row: 1 },
        reason: "truncated",
        detail: expect.stringContaining("looks truncated"),
      },
    ]);
  });

  it("reads lines across its 1 MiB reads and longer than them, numbering them all", async () => {
    const big = (i: number, size: number) => ({
      messages: [
        { role: "user", content: `q${i}` },
        { role: "assistant", content: "x".repeat(size) },
      ],
    });
    const recs = [big(0, 1_048_000), big(1, 100), big(2, 3_000_000), big(3, 1_048_500), big(4, 10)];
    const file = tmp.file("long-lines.jsonl", jsonl(recs).trimEnd()); // the last line without a line end
    const items = await all(file);
    expect(items.map((i) => [i.kind, i.location.line])).toEqual(recs.map((_, k) => ["record", k + 1]));
    expect(items.map((i) => i.kind === "record" && i.record)).toEqual(recs);
    expect(await countRecords(file)).toBe(5);
  });

  it("accepts a complete last line without a line end", async () => {
    const file = tmp.file("no-final-newline.jsonl", `${JSON.stringify(chat(0))}\n${JSON.stringify(chat(1))}`);
    expect(records(await all(file))).toHaveLength(2);
  });

  it("accepts CRLF line ends, with a notice", async () => {
    const file = tmp.file("crlf.jsonl", jsonl([chat(0), chat(1)]).replaceAll("\n", "\r\n"));
    const items = await all(file);
    expect(records(items).map((i) => i.kind === "record" && i.record)).toEqual([chat(0), chat(1)]);
    expect(notices(items)).toEqual([
      { kind: "notice", location: { file }, message: expect.stringContaining("2 line(s) end in CRLF") },
    ]);
  });

  it("skips a UTF-8 byte order mark, with a notice", async () => {
    const file = tmp.file("bom.jsonl", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonl([chat(0)]))]));
    const items = await all(file);
    expect(records(items)).toHaveLength(1);
    expect(notices(items)[0]).toMatchObject({
      location: { file, line: 1 },
      message: expect.stringContaining("byte order mark"),
    });
  });

  it("reports a line of invalid UTF-8 with its line number", async () => {
    const bad = Buffer.from('{"messages": "caf\xe9"}\n', "latin1");
    const file = tmp.file(
      "latin1.jsonl",
      Buffer.concat([Buffer.from(jsonl([chat(0)])), bad, Buffer.from(jsonl([chat(2)]))]),
    );
    const items = await all(file);
    expect(invalid(items)).toEqual([
      {
        kind: "invalid",
        location: { file, line: 2, row: 1 },
        reason: "invalid_utf8",
        detail: "the line is not valid UTF-8 text",
      },
    ]);
    expect(records(items)).toHaveLength(2);
  });

  it("reads multi-byte characters split across read buffers", async () => {
    const long = {
      messages: [
        { role: "user", content: "ü✓🚀".repeat(300_000) },
        { role: "assistant", content: "ok" },
      ],
    };
    const file = tmp.file("long.jsonl", jsonl([long, chat(1)]));
    const items = await all(file);
    expect(records(items).map((i) => i.kind === "record" && i.record)).toEqual([long, chat(1)]);
  });

  it("skips blank lines without counting them as rows, with a notice", async () => {
    const file = tmp.file("blank.jsonl", `\n${JSON.stringify(chat(0))}\n   \n${JSON.stringify(chat(1))}\n\n`);
    const items = await all(file);
    expect(records(items).map((i) => i.location)).toEqual([
      { file, line: 2, row: 0 },
      { file, line: 4, row: 1 },
    ]);
    expect(notices(items)[0]?.kind === "notice" && notices(items)[0]).toMatchObject({
      message: "3 blank line(s) were skipped.",
    });
    expect(await countRecords(file)).toBe(2);
  });

  it("decodes only the rows in [start, end)", async () => {
    const file = tmp.file("range.jsonl", `${jsonl([chat(0), chat(1)])}not json\n${jsonl([chat(3), chat(4)])}`);
    const items = await all(file, { start: 3, end: 5 });
    expect(items.map((i) => i.location.row)).toEqual([3, 4]);
    expect(await countRecords(file)).toBe(5);
  });
});

describe("reading a JSON array", () => {
  it("yields each element with its index and the line it starts on", async () => {
    const text = `[\n  ${JSON.stringify(chat(0))},\n  ${JSON.stringify(chat(1), null, 2).replaceAll("\n", "\n  ")}\n]\n`;
    const file = tmp.file("array.json", text);
    const items = await all(file);
    expect(items.map((i) => [i.kind, i.location])).toEqual([
      ["record", { file, line: 2, row: 0 }],
      ["record", { file, line: 3, row: 1 }],
    ]);
    expect(records(items).map((i) => i.kind === "record" && i.record)).toEqual([chat(0), chat(1)]);
    expect(await countRecords(file)).toBe(2);
  });

  it("reports a broken element with its line, and reads the others", async () => {
    const file = tmp.file(
      "array-broken.json",
      `[\n${JSON.stringify(chat(0))},\n{"messages": [tru]},\n${JSON.stringify(chat(2))}\n]`,
    );
    const items = await all(file);
    expect(invalid(items)).toEqual([
      {
        kind: "invalid",
        location: { file, line: 3, row: 1 },
        reason: "not_json",
        detail: expect.stringContaining("array element 1 is not valid JSON"),
      },
    ]);
    expect(records(items)).toHaveLength(2);
  });

  it("does not mistake brackets and commas inside strings for structure", async () => {
    const tricky = {
      messages: [
        { role: "user", content: 'a ] , } [ { "quoted \\" ]' },
        { role: "assistant", content: "ok" },
      ],
    };
    const file = tmp.file("array-tricky.json", JSON.stringify([tricky, chat(1)]));
    expect(records(await all(file)).map((i) => i.kind === "record" && i.record)).toEqual([tricky, chat(1)]);
  });

  it("reads an empty array as no records", async () => {
    expect(await all(tmp.file("empty-array.json", " [ ] \n"))).toEqual([]);
  });

  it("rejects a file that is not an array, suggesting .jsonl for one object per line", async () => {
    const file = tmp.file("objects.json", jsonl([chat(0), chat(1)]));
    await expect(all(file)).rejects.toThrow(
      /is not a JSON array: expected \[ on line 1 \(one object per line is the \.jsonl format/,
    );
  });

  it("rejects a truncated array", async () => {
    const file = tmp.file("array-truncated.json", `[${JSON.stringify(chat(0))}, {"messages": [`);
    await expect(all(file)).rejects.toThrow(/ends inside the array.*looks truncated/);
  });

  it("rejects invalid UTF-8, naming the line", async () => {
    const file = tmp.file(
      "array-latin1.json",
      Buffer.concat([Buffer.from(`[\n${JSON.stringify(chat(0))},\n`), Buffer.from('{"x": "caf\xe9"}\n]', "latin1")]),
    );
    await expect(all(file)).rejects.toThrow("is not valid UTF-8 text (first bad byte on line 3)");
  });
});

describe("reading parquet", () => {
  const rows = Array.from({ length: 25 }, (_, i) => ({
    prompt: `Question ${i} ✓`,
    prompt_id: `id-${i}`,
    messages: [
      { role: "user", content: `Question ${i} ✓` },
      { role: "assistant", content: `Answer ${i}` },
    ] as unknown,
  }));

  it("reads the list<struct<content, role>> messages column row by row, with row numbers", async () => {
    const file = tmp.file("ultrachat.parquet", ultrachatParquet(rows, 10));
    const items = await all(file, { fields: ["messages"] });
    expect(items).toHaveLength(25);
    expect(items[7]).toEqual({
      kind: "record",
      location: { file, row: 7 },
      record: {
        messages: [
          { content: "Question 7 ✓", role: "user" },
          { content: "Answer 7", role: "assistant" },
        ],
      },
    });
    expect(await countRecords(file)).toBe(25);
  });

  it("reads only the rows in [start, end), across row groups", async () => {
    const file = tmp.file("ultrachat-range.parquet", ultrachatParquet(rows, 10));
    const items = await all(file, { start: 8, end: 22 });
    expect(items.map((i) => i.location.row)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(items[0]).toMatchObject({ record: { prompt: "Question 8 ✓", prompt_id: "id-8" } });
  });

  it("reads a null messages list as a record without the field, and a null element as undefined", async () => {
    const odd = [
      { prompt: "a", prompt_id: "1", messages: null },
      { prompt: "b", prompt_id: "2", messages: [null, { role: "assistant", content: null }] },
    ];
    const items = await all(tmp.file("nulls.parquet", ultrachatParquet(odd)));
    expect(items.map((i) => i.kind === "record" && (i.record as { messages?: unknown }).messages)).toEqual([
      undefined,
      [undefined, { role: "assistant", content: null }],
    ]);
  });

  it("rejects a file without the conversation's column, naming the columns it has", async () => {
    const file = tmp.file("no-column.parquet", ultrachatParquet(rows));
    await expect(all(file, { fields: ["conversation"] })).rejects.toThrow(
      'has no column "conversation"; its columns are prompt, prompt_id, messages',
    );
  });

  it("rejects a file that is not parquet", async () => {
    const file = tmp.file("fake.parquet", "this is not parquet at all, just text");
    await expect(all(file)).rejects.toThrow(/is not a readable parquet file/);
  });
});

describe("files that cannot be read at all", () => {
  it("rejects a missing file", async () => {
    await expect(all(`${tmp.dir}/missing.jsonl`)).rejects.toThrow(
      new SourceError(`${tmp.dir}/missing.jsonl does not exist`),
    );
  });

  it("rejects an empty file", async () => {
    await expect(all(tmp.file("empty.jsonl", ""))).rejects.toThrow(/empty\.jsonl is empty$/);
  });

  it("rejects a directory", async () => {
    await expect(countRecords(tmp.dir, "jsonl")).rejects.toThrow(/is not a file/);
  });
});
