import type { AzureSettings } from "@phi3-aml/shared/azure-inputs";
import { readAzureInputs } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { existsSync } from "node:fs";
import { ASSET, checkName } from "@phi3-aml/shared/names";
import { checkPathInput } from "@phi3-aml/shared/paths";
import { parseSourceSpec, type SourceSpec } from "./source-spec.js";
import { parseSplitSpec, type SplitSpec } from "./split-spec.js";

export interface DatasetInputs {
  source: string;
  /** The source, understood: a local file (checked to exist) or a Hub dataset. */
  sourceSpec?: SourceSpec;
  splitSpec?: SplitSpec;
  config: string;
  revision: string;
  split: string;
  validationSplit: number;
  seed: number;
  messagesField: string;
  promptField?: string;
  responseField?: string;
  systemPrompt?: string;
  maxTokens: number;
  onTooLong: "drop" | "keep" | "fail";
  onInvalid: "drop" | "fail";
  maxInvalidRatio: number;
  dedupe: boolean;
  name: string;
  upload: boolean;
  outputDir: string;
  /** Only when upload is true. */
  azure?: AzureSettings;
}

/** Every input of the dataset action, checked before anything runs (defaults equal action.yml's). */
export function readInputs(i: Inputs): DatasetInputs {
  const promptField = i.string("prompt-field");
  const responseField = i.string("response-field");
  if (Boolean(promptField) !== Boolean(responseField)) {
    i.problem(
      promptField ? "response-field" : "prompt-field",
      "",
      "is required when the other of prompt-field / response-field is given",
    );
  }
  const name = i.string("name", { default: "phi3-chat" }) ?? "phi3-chat";
  const badName = checkName(ASSET, `${name}-validation`);
  if (badName) i.problem("name", name, `does not make valid data asset names: ${ASSET.rule}`);
  const upload = i.boolean("upload", { default: true }) ?? true;
  const source = i.string("source", { required: true }) ?? "";
  const config = i.string("config", { default: "default" }) ?? "default";
  const revision = i.string("revision", { default: "main" }) ?? "main";
  const split = i.string("split", { default: "train" }) ?? "train";
  let sourceSpec: SourceSpec | undefined;
  if (source) {
    const parsed = parseSourceSpec(source, config, revision);
    if (!parsed.ok) i.problem("source", "", parsed.message);
    else if (parsed.value.kind === "hf" || localSourceOk(i, source, parsed.value.path)) sourceSpec = parsed.value;
  }
  const parsedSplit = parseSplitSpec(split);
  if (!parsedSplit.ok) i.problem("split", "", parsedSplit.message);
  return {
    source,
    sourceSpec,
    splitSpec: parsedSplit.ok ? parsedSplit.value : undefined,
    config,
    revision,
    split,
    validationSplit:
      i.float("validation-split", { default: 0.2, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }) ?? 0.2,
    seed: i.int("seed", { default: 42, min: 0, max: 2 ** 32 - 1 }) ?? 42,
    messagesField: i.string("messages-field", { default: "messages" }) ?? "messages",
    promptField,
    responseField,
    systemPrompt: i.string("system-prompt"),
    maxTokens: i.int("max-tokens", { default: 4096, min: 16, max: 1_000_000 }) ?? 4096,
    onTooLong: i.enum("on-too-long", ["drop", "keep", "fail"] as const, { default: "drop" }) ?? "drop",
    onInvalid: i.enum("on-invalid", ["drop", "fail"] as const, { default: "drop" }) ?? "drop",
    maxInvalidRatio: i.float("max-invalid-ratio", { default: 0.05, min: 0, max: 1 }) ?? 0.05,
    dedupe: i.boolean("dedupe", { default: true }) ?? true,
    name,
    upload,
    outputDir: outputDir(i),
    azure: upload ? readAzureInputs(i) : undefined,
  };
}

/** output-dir: RUNNER_TEMP/dataset by default; a relative one stays in the repository or RUNNER_TEMP. */
function outputDir(i: Inputs): string {
  const given = i.string("output-dir");
  if (!given) return `${process.env.RUNNER_TEMP ?? "."}/dataset`;
  return checkPathInput(i, "output-dir", given, "write") ?? given;
}

/** A local source: inside the repository after .. and symlinks (shared/src/paths.ts), and there. */
function localSourceOk(i: Inputs, source: string, path: string): boolean {
  const real = checkPathInput(i, "source", path, "read");
  if (!real) return false;
  if (existsSync(real)) return true;
  i.problem(
    "source",
    source,
    `does not exist (a path relative to the repository root, ${process.cwd()}); check out the repository before this step`,
  );
  return false;
}
