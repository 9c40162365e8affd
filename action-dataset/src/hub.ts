import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { downloadFile, listFiles, type ListFileEntry } from "@huggingface/hub";
import { ActionError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";
import type { HubSource } from "./source-spec.js";

/** The Hub, or another server that speaks its API (HF_ENDPOINT, as the Hugging Face clients read it). */
const hubEndpoint = (env: NodeJS.ProcessEnv = process.env) =>
  (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");

/**
 * The parquet files of one split of a Hub dataset, in order: the data files named by the Hub's
 * convention — `data/<split>-00000-of-00003*.parquet` for the default config, `<config>/<split>-*.parquet`
 * (or `data/<config>/…`) otherwise — as ultrachat_200k lays them out.
 */
function splitFiles(entries: Array<Pick<ListFileEntry, "type" | "path">>, config: string, split: string): string[] {
  const name = (p: string) => p.split("/").pop() ?? "";
  const dir = (p: string) => p.split("/").slice(0, -1).join("/");
  const dirs = config === "default" ? ["data", ""] : [config, `data/${config}`];
  const ofSplit = new RegExp(
    `^${split.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-\\d{5}-of-\\d{5})?(-[0-9a-f]+)?\\.parquet$`,
  );
  return entries
    .filter((e) => e.type === "file" && dirs.includes(dir(e.path)) && ofSplit.test(name(e.path)))
    .map((e) => e.path)
    .sort();
}

/** fetch that retries 429 and 5xx (honouring Retry-After, in seconds) and dropped connections. */
function retryingFetch(log: Logger, attempts = 4, baseMs = 1000): typeof fetch {
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      let wait = baseMs * 2 ** (attempt - 1);
      try {
        const res = await fetch(input, init);
        if (res.status !== 429 && res.status < 500) return res;
        if (attempt >= attempts) return res;
        const after = Number(res.headers.get("retry-after"));
        if (Number.isFinite(after) && after >= 0) wait = after * 1000;
        log.info(
          `The Hugging Face Hub answered ${res.status}; trying again in ${Math.round(wait / 1000)} s (attempt ${attempt + 1} of ${attempts}).`,
        );
      } catch (e) {
        if (attempt >= attempts) throw e;
        log.info(
          `The Hugging Face Hub could not be reached (${(e as Error).message}); trying again in ${Math.round(wait / 1000)} s.`,
        );
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  };
}

const hubError = (e: unknown, src: HubSource, what: string): ActionError => {
  const status = (e as { statusCode?: number }).statusCode;
  if (status === 404 || status === 401) {
    return new ActionError(
      `The Hugging Face dataset ${src.repo} at revision ${src.revision} was not found (${status}).`,
      "Check source (hf://<owner>/<dataset>) and revision; for a private or gated dataset set HF_TOKEN.",
      { cause: e },
    );
  }
  if (status === 429)
    return new ActionError(
      `The Hugging Face Hub kept answering 429 (too many requests) while ${what}; try again later, or set HF_TOKEN for a higher limit.`,
      undefined,
      { cause: e },
    );
  return new ActionError(`The Hugging Face Hub failed while ${what}: ${(e as Error).message}`, undefined, { cause: e });
};

/** Downloads one split's parquet files into `cacheDir` with @huggingface/hub; returns their local paths in order. */
export async function downloadSplit(
  src: HubSource,
  split: string,
  cacheDir: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const common = {
    repo: { type: "dataset" as const, name: src.repo },
    revision: src.revision,
    hubUrl: hubEndpoint(env),
    accessToken: env.HF_TOKEN || undefined,
    fetch: retryingFetch(log),
  };
  const entries: ListFileEntry[] = [];
  try {
    for await (const e of listFiles({ ...common, recursive: true })) entries.push(e);
  } catch (e) {
    throw hubError(e, src, `listing ${src.repo}`);
  }
  const files = splitFiles(entries, src.config, split);
  if (!files.length) {
    throw new ActionError(
      `${src.repo} (config ${src.config}, revision ${src.revision}) has no parquet files for split "${split}".`,
      "Check split and config against the dataset's files on the Hub.",
    );
  }
  mkdirSync(cacheDir, { recursive: true });
  const local: string[] = [];
  for (const [k, path] of files.entries()) {
    const target = join(cacheDir, `${String(k).padStart(5, "0")}-${path.split("/").pop()}`);
    try {
      const blob = await downloadFile({ ...common, path });
      if (!blob) throw Object.assign(new Error(`${path} not found`), { statusCode: 404 });
      await pipeline(Readable.fromWeb(blob.stream()), createWriteStream(target));
    } catch (e) {
      throw hubError(e, src, `downloading ${path}`);
    }
    log.info(`Downloaded ${src.repo}/${path}.`);
    local.push(target);
  }
  return local;
}
