import { createHash } from "node:crypto";
import type { SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { Router } from "./http.js";

/**
 * A stand-in for the Hugging Face Hub (HF_ENDPOINT): the repository tree API and file downloads
 * (`resolve/<revision>/<path>`) of datasets laid out as ultrachat_200k is, parquet files named
 * `data/<split>-00000-of-00001.parquet` with `prompt`, `prompt_id` and `messages: list<struct<content, role>>`.
 * The data is generated, deterministic and small; a few records are broken on purpose.
 */
export interface HubDataset {
  repo: string;
  revision: string;
  splits: Record<string, number>;
}

const ULTRACHAT: HubDataset = {
  repo: "HuggingFaceH4/ultrachat_200k",
  revision: "main",
  splits: { train_sft: 3000, test_sft: 300 },
};

const TOPICS = [
  "deploying a model to an online endpoint",
  "writing a haiku about the sea",
  "the water cycle",
  "sorting a list in Python",
  "baking sourdough bread",
  "the history of the printing press",
  "planning a week of healthy meals",
  "how vaccines train the immune system",
];

/** The rows of one split: mostly well-formed chats; every 97th ends with the user, every 211th repeats an earlier one. */
export function ultrachatRows(split: string, count: number) {
  const rows: Array<{ prompt: string; prompt_id: string; messages: Array<{ content: string; role: string }> }> = [];
  for (let i = 0; i < count; i++) {
    const k = i % 211 === 210 ? i - 1 : i;
    const topic = TOPICS[k % TOPICS.length]!;
    const prompt = `(${split} ${k}) Could you explain ${topic} in a few sentences?`;
    const messages = [
      { role: "user", content: prompt },
      {
        role: "assistant",
        content: `Here is a short explanation of ${topic}. ${"It comes down to a few clear steps. ".repeat(1 + (k % 5))}`,
      },
    ];
    if (k % 3 === 0)
      messages.push(
        { role: "user", content: "Can you give one example?" },
        { role: "assistant", content: `One example of ${topic}: start small and check each step.` },
      );
    if (i % 97 === 96) messages.pop();
    rows.push({ prompt, prompt_id: createHash("sha256").update(prompt).digest("hex"), messages });
  }
  return rows;
}

const SCHEMA: SchemaElement[] = [
  { name: "root", num_children: 3 },
  { name: "prompt", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "prompt_id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "messages", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", repetition_type: "OPTIONAL", num_children: 2 },
  { name: "content", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "role", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
];

export class Hub {
  readonly datasets = [ULTRACHAT];
  private readonly files = new Map<string, Buffer>();
  downloads = 0;

  private file(d: HubDataset, split: string): Buffer {
    const key = `${d.repo}/${split}`;
    if (!this.files.has(key)) {
      const rows = ultrachatRows(split, d.splits[split]!);
      const buffer = parquetWriteBuffer({
        columnData: [
          { name: "prompt", data: rows.map((r) => r.prompt) },
          { name: "prompt_id", data: rows.map((r) => r.prompt_id) },
          { name: "messages", data: rows.map((r) => r.messages) },
        ],
        schema: SCHEMA,
        rowGroupSize: 1000,
      });
      this.files.set(key, Buffer.from(buffer));
    }
    return this.files.get(key)!;
  }

  private find(owner: string, name: string, revision: string) {
    return this.datasets.find((d) => d.repo === `${owner}/${name}` && d.revision === revision);
  }

  router(): Router {
    const path = (split: string) => `data/${split}-00000-of-00001.parquet`;
    return new Router()
      .on("GET", /^\/api\/datasets\/([^/]+)\/([^/]+)\/tree\/([^/]+)$/, (_req, [owner, name, revision]) => {
        const d = this.find(owner!, name!, revision!);
        if (!d) return { status: 404, body: { error: "Repository not found" } };
        return {
          status: 200,
          body: [
            { type: "file", path: ".gitattributes", size: 2307 },
            { type: "file", path: "README.md", size: 3400 },
            { type: "directory", path: "data", size: 0 },
            ...Object.keys(d.splits).map((s) => ({ type: "file", path: path(s), size: this.file(d, s).length })),
          ],
        };
      })
      .on(
        "GET",
        /^\/datasets\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/data\/([^/]+)-00000-of-00001\.parquet$/,
        (req, [owner, name, revision, split]) => {
          const d = this.find(owner!, name!, revision!);
          if (!d || !(split! in d.splits)) return { status: 404, body: { error: "Entry not found" } };
          const file = this.file(d, split!);
          const headers = {
            "Content-Type": "application/octet-stream",
            ETag: `"${createHash("sha256").update(file).digest("hex")}"`,
            "Accept-Ranges": "bytes",
          };
          // Byte ranges, as the Hub serves them (clients probe the size with bytes=0-0, then read).
          const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ""));
          if (range) {
            const start = Number(range[1]);
            const end = Math.min(range[2] ? Number(range[2]) : file.length - 1, file.length - 1);
            if (start > end) return { status: 416, headers: { "Content-Range": `bytes */${file.length}` } };
            return {
              status: 206,
              body: file.subarray(start, end + 1),
              raw: true,
              headers: { ...headers, "Content-Range": `bytes ${start}-${end}/${file.length}` },
            };
          }
          this.downloads++;
          return { status: 200, body: file, raw: true, headers };
        },
      );
  }
}
