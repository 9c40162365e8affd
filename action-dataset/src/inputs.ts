import type { AzureSettings } from "@phi3-aml/shared/azure-inputs";
import { readAzureInputs } from "@phi3-aml/shared/azure-inputs";
import type { Inputs } from "@phi3-aml/shared/inputs";
import { ASSET, checkName } from "@phi3-aml/shared/names";

export interface DatasetInputs {
  source: string;
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
    i.problem(promptField ? "response-field" : "prompt-field", "", "is required when the other of prompt-field / response-field is given");
  }
  const name = i.string("name", { default: "phi3-chat" }) ?? "phi3-chat";
  const badName = checkName(ASSET, `${name}-validation`);
  if (badName) i.problem("name", name, `does not make valid data asset names: ${ASSET.rule}`);
  const upload = i.boolean("upload", { default: true }) ?? true;
  return {
    source: i.string("source", { required: true }) ?? "",
    config: i.string("config", { default: "default" }) ?? "default",
    revision: i.string("revision", { default: "main" }) ?? "main",
    split: i.string("split", { default: "train" }) ?? "train",
    validationSplit: i.float("validation-split", { default: 0.2, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }) ?? 0.2,
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
    outputDir: i.string("output-dir") ?? `${process.env.RUNNER_TEMP ?? "."}/dataset`,
    azure: upload ? readAzureInputs(i) : undefined,
  };
}
