import { setSecret } from "@actions/core";
import { modelInfo } from "@huggingface/hub";
import { describeError } from "@phi3-aml/shared/errors";
import type { Logger } from "@phi3-aml/shared/log";

/** The parameter count of a Hugging Face model, as the Hub publishes it, or why it could not be read. */
export type HubSize = { total: number; byDtype: Record<string, number> } | { why: string };

/** The Hub, or another server that speaks its API (HF_ENDPOINT, as the Hugging Face clients read it). */
const hubEndpoint = (env: NodeJS.ProcessEnv) => (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, "");

/** A read of the model API that gives up after `ms`: sizing falls back to the model's name, it never waits long. */
const boundedFetch =
  (ms: number): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(ms) });

/**
 * The `safetensors` block of the Hub's model API (`GET /api/models/{repo_id}`, read with huggingface.js
 * `modelInfo`): `{ parameters: { <dtype>: n }, total: n }`, which the Hub counts from the repository's
 * safetensors headers (huggingface_hub `ModelInfo.safetensors`, a `SafeTensorsInfo(parameters, total)`;
 * https://huggingface.co/docs/huggingface_hub/package_reference/hf_api#huggingface_hub.hf_api.ModelInfo).
 * A repository without safetensors weights has no such block.
 */
export function readSafetensors(block: unknown): HubSize {
  const b = (typeof block === "object" && block !== null ? block : {}) as { parameters?: unknown; total?: unknown };
  const total = b.total;
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total <= 0)
    return { why: "the Hub gives no safetensors parameter count for it" };
  const byDtype: Record<string, number> = {};
  if (typeof b.parameters === "object" && b.parameters !== null)
    for (const [k, v] of Object.entries(b.parameters).slice(0, 32))
      if (typeof v === "number" && Number.isFinite(v) && /^[A-Z0-9_]{1,16}$/i.test(k)) byDtype[k] = v;
  return { total, byDtype };
}

/** The model's parameter count from the Hub (HF_ENDPOINT; HF_TOKEN for a private or gated repository). */
export async function hubParameterCount(
  repoId: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 15_000,
): Promise<HubSize> {
  const accessToken = env.HF_TOKEN || undefined;
  if (accessToken) setSecret(accessToken);
  try {
    const info = await modelInfo({
      name: repoId,
      hubUrl: hubEndpoint(env),
      additionalFields: ["safetensors"],
      accessToken,
      fetch: boundedFetch(timeoutMs),
    });
    return readSafetensors(info.safetensors);
  } catch (e) {
    const why = `the Hugging Face Hub did not describe it (${describeError(e)})`;
    log.debug(`Model API of ${repoId}: ${why}.`);
    return { why };
  }
}
