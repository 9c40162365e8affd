import { createHash } from "node:crypto";
import type { SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { Router, type Req } from "./http.js";

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

/**
 * A model repository as the Hub's model API describes it (`GET /api/models/{repo_id}`): its `safetensors`
 * block, `{ parameters: { <dtype>: n }, total: n }`, counted by the Hub from the repository's safetensors
 * headers (huggingface_hub `ModelInfo.safetensors` / `SafeTensorsInfo(parameters, total)` in
 * src/huggingface_hub/hf_api.py; huggingface.js `ApiModelInfo.safetensors` in packages/hub/src/types/api/api-model.ts).
 */
export interface HubModel {
  repo: string;
  pipelineTag: string;
  library: string;
  safetensors: { parameters: Record<string, number>; total: number };
}

const bf16 = (total: number) => ({ parameters: { BF16: total }, total });

/**
 * The models the stand-in knows, with the parameter counts their model pages give ("Model size" on
 * huggingface.co, from the Hub's safetensors count): Phi-3-mini-4k/128k and Phi-3.5-mini 3,821,079,552 (3.82B),
 * phi-4 14,659,507,200 (14.7B), Qwen2.5-0.5B-Instruct 494,032,768 (0.49B), Qwen2.5-7B-Instruct 7,615,616,512
 * (7.62B; its model card: "Number of Parameters: 7.61B"), all BF16; bert-base-uncased F32 110,106,428
 * (huggingface.js parse-safetensors-metadata.spec.ts counts the same file).
 */
const MODELS: HubModel[] = [
  { repo: "microsoft/Phi-3-mini-4k-instruct", safetensors: bf16(3_821_079_552) },
  { repo: "microsoft/Phi-3-mini-128k-instruct", safetensors: bf16(3_821_079_552) },
  { repo: "microsoft/Phi-3.5-mini-instruct", safetensors: bf16(3_821_079_552) },
  { repo: "microsoft/phi-4", safetensors: bf16(14_659_507_200) },
  { repo: "Qwen/Qwen2.5-0.5B-Instruct", safetensors: bf16(494_032_768) },
  { repo: "Qwen/Qwen2.5-7B-Instruct", safetensors: bf16(7_615_616_512) },
].map((m) => ({ ...m, pipelineTag: "text-generation", library: "transformers" }));
MODELS.push({
  repo: "google-bert/bert-base-uncased",
  pipelineTag: "fill-mask",
  library: "transformers",
  safetensors: { parameters: { F32: 110_106_428 }, total: 110_106_428 },
});

/**
 * The model API's answer. Without `expand`, the Hub sends its full description; with `expand=<key>` (as
 * huggingface.js `modelInfo` asks), only `_id`, `id` and the keys asked for.
 */
function modelBody(m: HubModel, expand: string[]): Record<string, unknown> {
  const full: Record<string, unknown> = {
    _id: createHash("sha256").update(m.repo).digest("hex").slice(0, 24),
    id: m.repo,
    modelId: m.repo,
    author: m.repo.split("/")[0],
    private: false,
    gated: false,
    disabled: false,
    downloads: 0,
    likes: 0,
    lastModified: "2025-01-01T00:00:00.000Z",
    pipeline_tag: m.pipelineTag,
    library_name: m.library,
    tags: [m.library, "safetensors", m.pipelineTag],
    safetensors: m.safetensors,
  };
  if (!expand.length) return full;
  return Object.fromEntries(Object.entries(full).filter(([k]) => k === "_id" || k === "id" || expand.includes(k)));
}

/**
 * The same files at a pinned commit (a made-up id: the Hub serves any commit of a repository by its id), as a
 * workflow that pins `revision:` asks for them. Tests that break the Hub's answers on purpose use it, so that the
 * fault meets only their own requests.
 */
export const ULTRACHAT_PINNED_REVISION = "0f5d8c1b7a3e9d2c4b6a8e0f1d3c5b7a9e2f4d6c";

export class Hub {
  readonly datasets = [ULTRACHAT, { ...ULTRACHAT, revision: ULTRACHAT_PINNED_REVISION }];
  readonly models = MODELS;
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

  /** A model by its repository id (the Hub matches ids without regard to case). */
  model(owner: string, name: string): HubModel | undefined {
    const id = `${owner}/${name}`.toLowerCase();
    return this.models.find((m) => m.repo.toLowerCase() === id);
  }

  router(): Router {
    const path = (split: string) => `data/${split}-00000-of-00001.parquet`;
    const modelInfo = (req: Req, owner: string, name: string) => {
      const m = this.model(owner, name);
      if (!m) return { status: 404, body: { error: "Repository not found" } };
      return { status: 200, body: modelBody(m, req.url.searchParams.getAll("expand")) };
    };
    return (
      new Router()
        // GET /api/models/{repo_id}[/revision/{revision}] (the Hub's model API; huggingface_hub model_info).
        .on("GET", /^\/api\/models\/([^/]+)\/([^/]+)$/, (req, [owner, name]) => modelInfo(req, owner!, name!))
        .on("GET", /^\/api\/models\/([^/]+)\/([^/]+)\/revision\/([^/]+)$/, (req, [owner, name]) =>
          modelInfo(req, owner!, name!),
        )
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
        )
    );
  }
}
