/** Scratch files for the dataset tests: a temporary directory, JSONL/JSON writers and a parquet writer. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet-writer";

export interface Scratch {
  dir: string;
  /** Writes `content` to `name` in the scratch directory and returns its path. */
  file(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "action-dataset-"));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One JSON record per line, each ending in "\n". */
export function jsonl(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** A well-formed two-turn conversation record whose content is made unique by `i`. */
export function chat(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    messages: [
      { role: "user", content: `Question number ${i}: how do I register a data asset?` },
      { role: "assistant", content: `Answer number ${i}: use a uri_file asset that points at the blob.` },
    ],
  };
}

/**
 * The nested `messages` column as Hugging Face datasets (pyarrow) write it: list<struct<content, role>>
 * in the three-level LIST layout. hyparquet-writer only writes this with an explicit schema; guessing
 * would store the column as a JSON string.
 */
function ultrachatSchema(extraStringColumns: readonly string[] = []): SchemaElement[] {
  return [
    { name: "root", num_children: 1 + extraStringColumns.length },
    ...extraStringColumns.map((name): SchemaElement => ({
      name,
      type: "BYTE_ARRAY",
      converted_type: "UTF8",
      repetition_type: "OPTIONAL",
    })),
    { name: "messages", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { name: "element", repetition_type: "OPTIONAL", num_children: 2 },
    { name: "content", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: "role", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  ];
}

/** An ultrachat-shaped parquet file: `prompt`, `prompt_id` and `messages` columns. */
export function ultrachatParquet(
  rows: ReadonlyArray<{ prompt: string; prompt_id: string; messages: unknown }>,
  rowGroupSize = 1000,
): Uint8Array {
  const buffer = parquetWriteBuffer({
    schema: ultrachatSchema(["prompt", "prompt_id"]),
    columnData: [
      { name: "prompt", data: rows.map((r) => r.prompt) },
      { name: "prompt_id", data: rows.map((r) => r.prompt_id) },
      { name: "messages", data: rows.map((r) => r.messages) },
    ],
    rowGroupSize,
  });
  return new Uint8Array(buffer);
}
