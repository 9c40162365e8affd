import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import type { HubSource } from "./source-spec.js";

/** The Hub, or another server that speaks its API (HF_ENDPOINT, as the Hugging Face clients read it). */
export const hubEndpoint = (env: NodeJS.ProcessEnv = process.env) => (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");

interface TreeEntry {
  type: string;
  path: string;
  size?: number;
}

/**
 * The parquet files of one split of a Hub dataset at a revision, in order: the repository's data files
 * named by the Hub's convention — `data/<split>-00000-of-00003*.parquet` for the default config,
 * `<config>/<split>-*.parquet` (or `data/<config>/…`) otherwise — as ultrachat_200k lays them out.
 */
export function splitFiles(entries: TreeEntry[], config: string, split: string): string[] {
  const name = (p: string) => p.split("/").pop() ?? "";
  const dir = (p: string) => p.split("/").slice(0, -1).join("/");
  const dirs = config === "default" ? ["data", ""] : [config, `data/${config}`];
  const ofSplit = new RegExp(`^${split.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-\\d{5}-of-\\d{5})?(-[0-9a-f]+)?\\.parquet$`);
  return entries
    .filter((e) => e.type === "file" && dirs.includes(dir(e.path)) && ofSplit.test(name(e.path)))
    .map((e) => e.path)
    .sort();
}

/** Downloads one split's parquet files into `cacheDir`; returns their local paths in order. */
export async function downloadSplit(src: HubSource, split: string, cacheDir: string, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const base = hubEndpoint(env);
  const headers: Record<string, string> = env.HF_TOKEN ? { authorization: `Bearer ${env.HF_TOKEN}` } : {};
  const rev = encodeURIComponent(src.revision);
  const treeUrl = `${base}/api/datasets/${src.repo}/tree/${rev}?recursive=true`;
  const res = await fetch(treeUrl, { headers });
  if (res.status === 404 || res.status === 401) {
    throw new ActionError(`The Hugging Face dataset ${src.repo} at revision ${src.revision} was not found (${res.status}).`, "Check source (hf://<owner>/<dataset>) and revision; for a private or gated dataset set HF_TOKEN.");
  }
  if (!res.ok) throw new ActionError(`The Hugging Face Hub answered ${res.status} listing ${src.repo}: ${(await res.text()).slice(0, 200)}`);
  const files = splitFiles((await res.json()) as TreeEntry[], src.config, split);
  if (!files.length) {
    throw new ActionError(`${src.repo} (config ${src.config}, revision ${src.revision}) has no parquet files for split "${split}".`, "Check split and config against the dataset card's file list.");
  }
  mkdirSync(cacheDir, { recursive: true });
  const local: string[] = [];
  for (const [k, path] of files.entries()) {
    const target = join(cacheDir, `${String(k).padStart(5, "0")}-${path.split("/").pop()}`);
    const file = await fetch(`${base}/datasets/${src.repo}/resolve/${rev}/${path.split("/").map(encodeURIComponent).join("/")}`, { headers });
    if (!file.ok || !file.body) throw new ActionError(`Downloading ${path} of ${src.repo} failed: ${file.status}`);
    await pipeline(Readable.fromWeb(file.body as import("node:stream/web").ReadableStream), createWriteStream(target));
    log.info(`Downloaded ${src.repo}/${path}.`);
    local.push(target);
  }
  return local;
}
