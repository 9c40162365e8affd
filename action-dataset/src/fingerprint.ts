/**
 * The dataset's fingerprint: sha256 over the two output files and the settings that shaped them. The
 * files enter as their own sha256 (so each can be hashed while it is written, without holding both),
 * the settings as canonical JSON (sorted keys, absent settings left out). Where the data came from
 * (path, Hub revision) is not part of it: the same conversations prepared the same way are the same
 * dataset, wherever they were read.
 */
import { createHash } from "node:crypto";

/** Bump when the output format or the meaning of a setting changes, so old fingerprints do not match. */
const FINGERPRINT_VERSION = "phi3-aml-dataset/1";

export interface FingerprintSettings {
  /** The slice in canonical form without the split name, e.g. "[:1%]", or "" for the whole split. */
  slice: string;
  validationSplit: number;
  seed: number;
  messagesField?: string;
  promptField?: string;
  responseField?: string;
  systemPrompt?: string;
  maxTokens: number;
  onTooLong: string;
  dedupe: boolean;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** 64 hex characters; equal inputs give equal fingerprints on any machine. */
export function fingerprint(trainSha256: string, validationSha256: string, settings: FingerprintSettings): string {
  return sha256Hex(
    `${FINGERPRINT_VERSION}\n${canonicalJson(settings)}\ntrain.jsonl ${trainSha256}\nvalidation.jsonl ${validationSha256}\n`,
  );
}

/** JSON with object keys sorted and undefined members left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, o[k]]),
    );
  });
}
