import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control, exchanges, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";

/**
 * chat_completion_pipeline 0.0.82 (Azure/azureml-assets, the component's spec.yaml): finetune_config_path and
 * trust_remote_code, no evaluation output, and the serverless instance types, through the bundled action.
 */
const ACTION = "action-finetune";

async function withData() {
  const w = await world();
  const data = await runAction("action-dataset", {
    env: w.env,
    inputs: { source: "hf://HuggingFaceH4/ultrachat_200k", split: "train_sft[:1%]" },
  });
  expect(data.code).toBe(0);
  return { w, train: data.outputs["train-data"]!, validation: data.outputs["validation-data"]! };
}

type Node = { inputs: Record<string, { value?: string; uri?: string; job_input_type?: string }> };
type Call = { method: string; path: string; requestBody?: unknown; status?: number };

function jobNode(calls: Call[]): Node {
  const put = calls.find((c) => c.method === "PUT" && c.path.includes("/jobs/"));
  if (!put) throw new Error("no job was submitted");
  return Object.values((put.requestBody as { properties: { jobs: Record<string, Node> } }).properties.jobs)[0]!;
}

const repoWithConfig = () => {
  const dir = mkdtempSync(join(tmpdir(), "ft-config-"));
  writeFileSync(
    join(dir, "finetune_config.json"),
    JSON.stringify({ chat_special_tokens: { bos_token: "<s>", eos_token: "<|end|>" } }),
  );
  return dir;
};

describe("action-finetune and chat_completion_pipeline 0.0.82 (bundled)", () => {
  it("uploads finetune-config as a uri_file data asset and sends it with trust-remote-code; serverless sets every instance type; no evaluation output", async () => {
    const { w, train, validation } = await withData();
    await control("PUT", "/jobs/next", { workspace: w.workspace, durationMs: 1500 });
    const run = await runAction(ACTION, {
      env: w.env,
      cwd: repoWithConfig(),
      inputs: {
        "train-data": train,
        "validation-data": validation,
        compute: "serverless",
        "finetune-config": "finetune_config.json",
        "trust-remote-code": "true",
      },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(0);
    const calls = await w.armCalls();
    const node = jobNode(calls);
    expect(node.inputs.finetune_config_path).toEqual({
      job_input_type: "uri_file",
      uri: expect.stringMatching(/^azureml:phi3-finetune-config:[0-9a-f]{12}$/),
    });
    expect(node.inputs.trust_remote_code?.value).toBe("true");
    // The asset the job names was registered (a uri_file in the default datastore) before the job's PUT.
    const version = node.inputs.finetune_config_path!.uri!.split(":").at(-1);
    const assetPut = calls.findIndex(
      (c) => c.method === "PUT" && c.path.endsWith(`/data/phi3-finetune-config/versions/${version}`),
    );
    const jobPut = calls.findIndex((c) => c.method === "PUT" && c.path.includes("/jobs/"));
    expect(assetPut).toBeGreaterThanOrEqual(0);
    expect(assetPut).toBeLessThan(jobPut);
    expect((calls[assetPut]!.requestBody as { properties: { dataType: string } }).properties.dataType).toBe("uri_file");
    // Serverless: no step is left to the component's retired default (Standard_nc24rs_v3).
    expect(node.inputs.instance_type_finetune?.value).toBe("Standard_NC24ads_A100_v4");
    expect(node.inputs.instance_type_model_evaluation?.value).toBe("Standard_NC24ads_A100_v4");
    expect(node.inputs.instance_type_model_import?.value).toBe("Standard_d12_v2");
    expect(node.inputs.instance_type_preprocess?.value).toBe("Standard_d12_v2");
    expect(JSON.stringify(node.inputs)).not.toMatch(/nc24rs_v3/i);
    // The summary says what trust-remote-code allows, in the component's words.
    expect(run.summary).toContain("trust-remote-code is true");
    expect(run.summary).toContain("allows executing model repo code");
    // No evaluation output is served, and none is claimed.
    const job = (
      await control<Array<{ id: string; properties: { outputs: Record<string, unknown> } }>>(
        "GET",
        `/resources?prefix=${encodeURIComponent(`/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}/jobs/`)}`,
      )
    )[0]!;
    expect(Object.keys(job.properties.outputs)).toEqual(["trained_model"]);
    expect(run.summary).not.toMatch(/evaluation[_ ]result|evaluated the model|model evaluation/i);
    expect(run.summary).toContain("not evaluated by the pipeline: the evaluation gate judges the model");
  });

  it("refuses a finetune-config asset that does not exist, and trust-remote-code on a component version without it, before any write", async () => {
    const { w, train, validation } = await withData();
    const before = (await w.armCalls()).length;
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "train-data": train,
        "validation-data": validation,
        "finetune-config": "azureml:no-such-config:1",
        "trust-remote-code": "true",
        "component-version": "0.0.65",
      },
    });
    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain("no data asset no-such-config:1");
    expect(error).toContain("declares no input finetune_config_path");
    expect(error).toContain("declares no input trust_remote_code");
    const writes = (await w.armCalls())
      .slice(before)
      .filter((c) => ["PUT", "PATCH", "DELETE", "POST"].includes(c.method));
    expect(writes.filter((c) => !/\/(listKeys|getToken)$/.test(c.path))).toEqual([]);
  });

  it("on the Hugging Face route without a finetune config, quotes the component; a failed job's run details carry the error", async () => {
    const { w, train, validation } = await withData();
    await control("PUT", "/jobs/next", { workspace: w.workspace, durationMs: 1500, outcome: "Failed" });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(1);
    expect(jobNode(await w.armCalls()).inputs.trust_remote_code?.value).toBe("false");
    expect(run.summary).toContain("No finetune-config was given for this Hugging Face model");
    expect(run.summary).toContain(
      "Required when finetuning a raw Hugging Face model \\(huggingface\\_id\\) that does not bundle a finetune config",
    );
    // Run history's details of the failed child, as azure-ai-ml's jobs.stream reads them.
    const details = (await exchanges({ path: "/details" })).filter(
      (x) => x.path.includes(w.workspace) && x.path.includes(run.outputs["job-name"]!),
    );
    expect(details.length).toBeGreaterThan(0);
    const body = details.at(-1)!.responseBody as {
      status: string;
      error?: { error?: { code?: string; message?: string } };
    };
    expect(body.status).toBe("Failed");
    expect(body.error?.error?.code).toBe("UserError");
    expect(body.error?.error?.message).toContain("CUDA out of memory");
  });
});
