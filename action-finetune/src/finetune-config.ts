/**
 * The fine-tune's finetune config (chat_completion_pipeline 0.0.82's `finetune_config_path`, a uri_file) and
 * its `trust_remote_code` switch. Source: Azure/azureml-assets,
 * assets/training/finetune_acft_hf_nlp/components/pipeline_components/chat_completion/spec.yaml (0.0.82).
 *
 * The config is a repository JSON file, uploaded to the workspace's default datastore and registered as a
 * uri_file data asset whose version is its content's hash (so the same file is the same version, and a re-run
 * uploads nothing), or a data asset the workflow already has (azureml:<name>:<version>).
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { DataVersionBase } from "@azure/arm-machinelearning";
import type { Session } from "@phi3-aml/shared/azureml/session";
import type { Inputs } from "@phi3-aml/shared/inputs";
import type { Logger } from "@phi3-aml/shared/log";
import { checkPathInput } from "@phi3-aml/shared/paths";
import type { ComponentSpec } from "./component.js";

const CONFIG_INPUT = "finetune_config_path";
const TRUST_INPUT = "trust_remote_code";
/** The data asset a repository config file is registered as. */
const CONFIG_ASSET = "phi3-finetune-config";
/** A finetune config is a few kB of JSON (special tokens, templates); more is not one. */
const MAX_CONFIG_BYTES = 1 << 20;

export type FinetuneConfig =
  /** A repository file: uploaded and registered as CONFIG_ASSET:<version> before the job is submitted. */
  | { kind: "file"; given: string; path: string; content: Buffer; version: string; uri: string }
  /** A workspace data asset that exists already. */
  | { kind: "asset"; given: string; name: string; version: string; uri: string };

const SHORT_ASSET = /^azureml:([A-Za-z0-9][\w.-]*):([\w.-]+)$/;

/** The finetune-config input: a JSON file in the repository, or azureml:<name>:<version>. */
export function readFinetuneConfig(i: Inputs): FinetuneConfig | undefined {
  const given = i.string("finetune-config");
  if (!given) return undefined;
  if (/^azureml:/i.test(given)) {
    const m = SHORT_ASSET.exec(given);
    if (m) return { kind: "asset", given, name: m[1]!, version: m[2]!, uri: given };
    i.problem("finetune-config", given, "is not a data asset reference; give azureml:<name>:<version> or a JSON file");
    return undefined;
  }
  const path = checkPathInput(i, "finetune-config", given, "read");
  if (!path) return undefined;
  const problem = fileProblem(path);
  if (problem) {
    i.problem("finetune-config", given, problem);
    return undefined;
  }
  const content = readFileSync(path);
  const version = createHash("sha256").update(content).digest("hex").slice(0, 12);
  return { kind: "file", given, path, content, version, uri: `azureml:${CONFIG_ASSET}:${version}` };
}

/** Why a config file cannot be used (missing, too big, not a JSON object), or undefined. */
function fileProblem(path: string): string | undefined {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return "is not a file; give the path of a JSON finetune config in the repository";
    size = st.size;
  } catch {
    return "does not exist; give the path of a JSON finetune config in the repository, or azureml:<name>:<version>";
  }
  if (size > MAX_CONFIG_BYTES) return `is ${size} bytes; a finetune config is a small JSON object (at most 1 MiB)`;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return "is JSON but not an object; a finetune config is a JSON object (e.g. chat_special_tokens)";
  } catch (e) {
    return `is not valid JSON (${(e as Error).message})`;
  }
  return undefined;
}

/** Problems of the two inputs against the component version's declared inputs, as every input is checked. */
export function checkAgainstComponent(
  spec: ComponentSpec,
  label: string,
  o: { config?: FinetuneConfig; trustRemoteCode: boolean },
): string[] {
  const problems: string[] = [];
  const decl = spec.inputs[CONFIG_INPUT];
  if (o.config && !decl)
    problems.push(
      `finetune-config: ${label} declares no input ${CONFIG_INPUT}; it came with chat_completion_pipeline 0.0.82, so choose that component-version or later, or leave finetune-config empty.`,
    );
  else if (o.config && decl!.type.toLowerCase() !== "uri_file")
    problems.push(`finetune-config: ${label} declares ${CONFIG_INPUT} as ${decl!.type}, not uri_file.`);
  if (o.trustRemoteCode && !spec.inputs[TRUST_INPUT])
    problems.push(
      `trust-remote-code: ${label} declares no input ${TRUST_INPUT}; it came with chat_completion_pipeline 0.0.82, so choose that component-version or later, or leave trust-remote-code false.`,
    );
  return problems;
}

/** A data asset named by finetune-config exists in the workspace and is a uri_file; a problem in words if not. */
export async function checkConfigAsset(s: Session, config: FinetuneConfig): Promise<string | undefined> {
  if (config.kind !== "asset") return undefined;
  const { resourceGroup: rg, workspace: ws } = s.ref;
  try {
    const found = await s.client.dataVersions.get(rg, ws, config.name, config.version);
    const type = String(found.properties.dataType ?? "");
    if (type.toLowerCase() !== "uri_file")
      return `finetune-config: data asset ${config.name}:${config.version} is a ${type}, not a uri_file (one JSON file).`;
    return undefined;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    return `finetune-config: there is no data asset ${config.name}:${config.version} in workspace ${ws}; register the JSON file as a uri_file data asset, or give its path in the repository.`;
  }
}

/**
 * Uploads a repository config to the default datastore and registers it as CONFIG_ASSET:<content hash>,
 * unless that version exists already. Runs after preflight, before the job is submitted.
 */
export async function publishFinetuneConfig(s: Session, config: FinetuneConfig, log: Logger): Promise<void> {
  if (config.kind !== "file") return;
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const exists = await s.client.dataVersions.get(rg, ws, CONFIG_ASSET, config.version).then(
    () => true,
    (e: { statusCode?: number }) => (e.statusCode === 404 ? false : Promise.reject(e)),
  );
  if (exists) return log.info(`Finetune config ${config.uri} is registered already (same content); reused.`);
  // Loaded here, not at the top: the storage SDK would otherwise load with the inputs (start-up time, issue 23).
  const { defaultDatastore } = await import("@phi3-aml/shared/azureml/datastore");
  const target = await defaultDatastore(s);
  const path = `phi3-finetune/finetune-config/${config.version}/${basename(config.path)}`;
  await target.container
    .getBlockBlobClient(path)
    .upload(config.content, config.content.length, { blobHTTPHeaders: { blobContentType: "application/json" } });
  const body: DataVersionBase = {
    properties: {
      dataType: "uri_file",
      dataUri: target.uri(path),
      description: `Finetune config ${config.given} (chat_completion_pipeline finetune_config_path)`,
      tags: { source: config.given },
      isAnonymous: false,
    },
  };
  await s.client.dataVersions.createOrUpdate(rg, ws, CONFIG_ASSET, config.version, body);
  log.info(`Uploaded ${config.given} and registered it as ${config.uri}.`);
}

/** A declared input's description, quoted as the component words it, or undefined. */
const described = (spec: ComponentSpec, input: string) => {
  const d = spec.inputs[input]?.description;
  return typeof d === "string" && d.trim() ? `"${d.trim()}"` : undefined;
};

/**
 * Lines for the log and the summary: what trust-remote-code allows when it is on (in the component's words),
 * and, on the Hugging Face route without a finetune config, the component's own words on when one is needed,
 * so that a failing import or preprocess step points here.
 */
export function configNotes(
  spec: ComponentSpec,
  o: { config?: FinetuneConfig; trustRemoteCode: boolean; huggingface: boolean },
): string[] {
  const notes: string[] = [];
  if (o.config) notes.push(`finetune-config: ${o.config.given} is passed as ${CONFIG_INPUT} (${o.config.uri}).`);
  if (o.trustRemoteCode) {
    const words = described(spec, TRUST_INPUT);
    notes.push(
      `trust-remote-code is true: the preprocess step may run Python code from the model's repository${words ? ` (the component: ${words})` : ""}. Keep it false unless the model needs custom code.`,
    );
  }
  const words = described(spec, CONFIG_INPUT);
  if (o.huggingface && !o.config && words)
    notes.push(
      `No finetune-config was given for this Hugging Face model. The component says of ${CONFIG_INPUT}: ${words} If the model-import or preprocess step fails for want of one, give finetune-config.`,
    );
  return notes;
}
