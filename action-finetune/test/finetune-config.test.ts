import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inputs } from "@phi3-aml/shared/inputs";
import type { ComponentSpec } from "../src/component.js";
import { checkAgainstComponent, configNotes, readFinetuneConfig } from "../src/finetune-config.js";
import { pipelineJobBody, type JobPlan } from "../src/job-body.js";
import { ARM, MINI } from "./helpers.js";

/** MINI with 0.0.82's two inputs, worded as the component words them. */
const SPEC_0082: ComponentSpec = {
  ...MINI,
  version: "0.0.82",
  inputs: {
    ...MINI.inputs,
    finetune_config_path: {
      type: "uri_file",
      optional: true,
      description: "Path to a JSON finetune config (e.g. chat_special_tokens for ChatCompletion).",
    },
    trust_remote_code: {
      type: "string",
      enum: ["true", "false"],
      default: "false",
      description: 'If "true", allows executing model repo code when persisting the base model config in preprocess.',
    },
    instance_type_model_import: { type: "string", optional: true, default: "Standard_d12_v2" },
    instance_type_preprocess: { type: "string", optional: true, default: "Standard_d12_v2" },
  },
};

function inWorkspace(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "ftc-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const read = (value: string, workspace: string) => {
  const before = process.env.GITHUB_WORKSPACE;
  process.env.GITHUB_WORKSPACE = workspace;
  try {
    const i = new Inputs((n) => (n === "finetune-config" ? value : ""));
    return { config: readFinetuneConfig(i), problems: i.problems.map((p) => p.message) };
  } finally {
    process.env.GITHUB_WORKSPACE = before;
  }
};

describe("finetune-config", () => {
  it("reads a repository JSON file as the data asset its content names", () => {
    const dir = inWorkspace({ "ft.json": '{"chat_special_tokens": {"eos_token": "<|end|>"}}' });
    const { config, problems } = read("ft.json", dir);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      kind: "file",
      uri: expect.stringMatching(/^azureml:phi3-finetune-config:[0-9a-f]{12}$/),
    });
    // The same content is the same version.
    const again = read("ft.json", dir).config!;
    expect(again.uri).toBe(config!.uri);
  });

  it("refuses a missing file, a non-object, invalid JSON and a path outside the repository, naming each", () => {
    const dir = inWorkspace({ "list.json": "[1]", "bad.json": "{nope" });
    expect(read("missing.json", dir).problems[0]).toContain("does not exist");
    expect(read("list.json", dir).problems[0]).toContain("not an object");
    expect(read("bad.json", dir).problems[0]).toContain("not valid JSON");
    expect(read("../../etc/passwd", dir).problems[0]).toContain("outside");
    expect(read("azureml:cfg", dir).problems[0]).toContain("azureml:<name>:<version>");
  });

  it("takes an azureml:<name>:<version> asset as it is", () => {
    expect(read("azureml:my-config:3", "/tmp").config).toEqual({
      kind: "asset",
      given: "azureml:my-config:3",
      name: "my-config",
      version: "3",
      uri: "azureml:my-config:3",
    });
  });

  it("is checked against the component version's declared inputs, with trust-remote-code", () => {
    const config = read("azureml:my-config:3", "/tmp").config;
    expect(
      checkAgainstComponent(SPEC_0082, "chat_completion_pipeline 0.0.82", { config, trustRemoteCode: true }),
    ).toEqual([]);
    const old = checkAgainstComponent(MINI, "chat_completion_pipeline 0.0.65", { config, trustRemoteCode: true });
    expect(old).toHaveLength(2);
    expect(old[0]).toContain("declares no input finetune_config_path");
    expect(old[1]).toContain("declares no input trust_remote_code");
    expect(checkAgainstComponent(MINI, "x", { trustRemoteCode: false })).toEqual([]);
  });

  it("says what trust-remote-code allows, and quotes the component on the Hugging Face route without a config", () => {
    const notes = configNotes(SPEC_0082, { trustRemoteCode: true, huggingface: true });
    expect(notes[0]).toContain('the component: "If "true", allows executing model repo code');
    expect(notes[1]).toContain('"Path to a JSON finetune config (e.g. chat_special_tokens for ChatCompletion)."');
    expect(configNotes(SPEC_0082, { trustRemoteCode: false, huggingface: false })).toEqual([]);
  });
});

describe("job body: 0.0.82 inputs and serverless instance types", () => {
  const plan: JobPlan = {
    workspaceId: ARM,
    registry: "azureml",
    componentVersion: "0.0.82",
    model: { input: "huggingface_id", value: "microsoft/Phi-3-mini-4k-instruct" },
    trainData: "azureml:train:1",
    validationData: "azureml:validation:1",
    compute: "serverless",
    vmSize: "Standard_NC24ads_A100_v4",
    gpusPerNode: 1,
    nodes: 1,
    hyperparameters: {},
    experimentName: "e",
    displayName: "d",
    tags: {},
    spec: SPEC_0082,
    finetuneConfig: "azureml:phi3-finetune-config:0123456789ab",
    trustRemoteCode: false,
  };
  const inputs = (p: JobPlan) => pipelineJobBody(p).properties.jobs.chat_completion_pipeline!.inputs;

  it("sends finetune_config_path as a uri_file and trust_remote_code as a literal", () => {
    expect(inputs(plan).finetune_config_path).toEqual({ job_input_type: "uri_file", uri: plan.finetuneConfig });
    expect(inputs(plan).trust_remote_code).toEqual({ job_input_type: "literal", value: "false" });
    expect(inputs({ ...plan, spec: MINI }).trust_remote_code).toBeUndefined();
  });

  it("sets every instance type on serverless, none to the retired Standard_nc24rs_v3", () => {
    const i = inputs(plan);
    expect(i.instance_type_finetune).toEqual({ job_input_type: "literal", value: "Standard_NC24ads_A100_v4" });
    expect(i.instance_type_model_evaluation).toEqual({ job_input_type: "literal", value: "Standard_NC24ads_A100_v4" });
    expect(i.instance_type_model_import).toEqual({ job_input_type: "literal", value: "Standard_d12_v2" });
    expect(i.instance_type_preprocess).toEqual({ job_input_type: "literal", value: "Standard_d12_v2" });
    expect(inputs({ ...plan, compute: "phi3-ft-a100" }).instance_type_finetune).toBeUndefined();
  });
});
