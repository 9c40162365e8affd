/**
 * The `source` input (with `config` and `revision`): a file in the repository, or a dataset on the
 * Hugging Face Hub. Only the parsing lives here; downloading from the Hub is the network layer's job.
 */
import type { ParseResult } from "./split-spec.js";

export type FileFormat = "jsonl" | "json" | "parquet";

interface LocalSource {
  kind: "local";
  /** The path as given (relative to the workspace), used as the `file` of annotations. */
  path: string;
  format: FileFormat;
}

export interface HubSource {
  kind: "hf";
  owner: string;
  dataset: string;
  /** `owner/dataset`, the Hub's repo id. */
  repo: string;
  config: string;
  revision: string;
}

export type SourceSpec = LocalSource | HubSource;

const SOURCE_FORMS =
  "a file in the repository ending in .jsonl, .json (an array of records) or .parquet, or hf://<owner>/<dataset> for a dataset on the Hugging Face Hub";

const EXTENSIONS: ReadonlyArray<[string, FileFormat]> = [
  [".jsonl", "jsonl"],
  [".json", "json"],
  [".parquet", "parquet"],
];

/** The file format by extension (case-insensitive), or undefined for anything else. */
export function formatOf(path: string): FileFormat | undefined {
  const lower = path.toLowerCase();
  return EXTENSIONS.find(([ext]) => lower.endsWith(ext))?.[1];
}

// The Hub's repo id rule (huggingface_hub validate_repo_id): letters, digits, - _ . ; at most 96
// characters; no "--" or ".."; not starting or ending with - or . ; not ending in .git.
const HUB_NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

function checkHubName(part: string, what: string): string | undefined {
  if (!HUB_NAME_RE.test(part) || part.includes("--") || part.includes("..") || part.toLowerCase().endsWith(".git")) {
    return `${what} "${part}" is not a valid Hugging Face name (letters, digits, - _ . ; at most 96 characters; no -- or ..)`;
  }
  return undefined;
}

/**
 * Parses `source`, `config` (default `default`) and `revision` (default `main`). `hf://datasets/<owner>/<dataset>`
 * (the huggingface_hub file-system form) is accepted as well as `hf://<owner>/<dataset>`.
 */
export function parseSourceSpec(source: string, config = "default", revision = "main"): ParseResult<SourceSpec> {
  const text = source.trim();
  const bad = (why: string): ParseResult<SourceSpec> => ({
    ok: false,
    message: `source "${source}" ${why}. Accepted forms: ${SOURCE_FORMS}.`,
  });
  if (text === "") return bad("is empty");

  if (/^hf:/i.test(text)) {
    if (!text.startsWith("hf://")) return bad("does not start with hf:// (lower case, two slashes)");
    let rest = text.slice("hf://".length);
    if (rest.startsWith("datasets/")) rest = rest.slice("datasets/".length);
    if (rest.includes("@")) return bad("gives a revision with @; use the revision input instead");
    const parts = rest.split("/");
    if (parts.length !== 2 || !parts[0] || !parts[1])
      return bad("is not hf://<owner>/<dataset> (exactly an owner and a dataset name)");
    const [owner, dataset] = parts as [string, string];
    const nameProblem = checkHubName(owner, "owner") ?? checkHubName(dataset, "dataset");
    if (nameProblem) return bad(`has an invalid name: ${nameProblem}`);
    const cfg = config.trim() || "default";
    if (/[\s/]/.test(cfg))
      return { ok: false, message: `config "${config}" must be one word (no spaces or slashes), e.g. default.` };
    const rev = revision.trim() || "main";
    if (/\s/.test(rev) || rev.includes(".."))
      return {
        ok: false,
        message: `revision "${revision}" must be a branch, tag or commit (no spaces or ..), e.g. main.`,
      };
    return { ok: true, value: { kind: "hf", owner, dataset, repo: `${owner}/${dataset}`, config: cfg, revision: rev } };
  }

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return bad("is a URL; only local files and hf:// are supported");
  const format = formatOf(text);
  if (!format) return bad("does not end in .jsonl, .json or .parquet");
  return { ok: true, value: { kind: "local", path: text, format } };
}
