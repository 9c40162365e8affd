import { randomUUID } from "node:crypto";
import { control, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";

const ACTION = "action-finetune";

/** A workspace with the walkthrough's data assets, made by the dataset action itself. */
/** A workspace with the sample data; in `location` for a test that sets quota (a region no other test uses). */
async function withData(location?: string) {
  const workspace = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace });
  if (location) await control("POST", "/workspaces", { name: workspace, location });
  const data = await runAction("action-dataset", {
    env: w.env,
    inputs: { source: "hf://HuggingFaceH4/ultrachat_200k", split: "train_sft[:1%]" },
  });
  expect(data.code).toBe(0);
  return { w, train: data.outputs["train-data"]!, validation: data.outputs["validation-data"]! };
}

type Call = { method: string; path: string; requestBody?: unknown; status?: number };
type Node = { componentId: string; inputs: Record<string, { value?: string; uri?: string; job_input_type?: string }> };

/** The single node of the submitted pipeline job. */
function jobNode(calls: Call[]): Node {
  const put = calls.find((c) => c.method === "PUT" && c.path.includes("/jobs/"));
  if (!put) throw new Error("no job was submitted");
  return Object.values((put.requestBody as { properties: { jobs: Record<string, Node> } }).properties.jobs)[0]!;
}

/** Writes other than the data assets the dataset action registered: clusters, jobs. */
const writes = (calls: Call[]) =>
  calls
    .filter(
      (c) =>
        (["PUT", "PATCH", "DELETE"].includes(c.method) && !c.path.includes("/data/")) ||
        (c.method === "POST" && /\/(jobs|computes)\//.test(c.path)),
    )
    .map((c) => `${c.method} ${c.path}`);

describe("action-finetune (bundled, as the runner runs it)", () => {
  it("by default fine-tunes Phi-3-mini-4k-instruct from Hugging Face with the catalog entry's defaults: creates the cluster, submits once, follows it to Completed and reports metrics", async () => {
    const { w, train, validation } = await withData();
    await control("PUT", "/jobs/next", { workspace: w.workspace, durationMs: 4000 });
    const inputs = {
      "train-data": train,
      "validation-data": validation,
      "learning-rate": "0.00002",
      "lr-scheduler-type": "cosine",
      epochs: "1",
      lora: "true",
    };
    const run = await runAction(ACTION, { env: w.env, inputs, timeoutMs: 120_000 });

    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe("Completed");
    expect(run.outputs["job-name"]).toMatch(/^phi3-ft-/);
    expect(run.outputs["model-uri"]).toBe(`azureml://jobs/${run.outputs["job-name"]}/outputs/trained_model`);
    expect(JSON.parse(run.outputs.metrics!)).toMatchObject({ loss: expect.any(Number), eval_loss: expect.any(Number) });
    expect(run.summary).toContain("xychart-beta");
    expect(run.state["job-name"]).toBe(run.outputs["job-name"]);
    const calls = await w.armCalls();
    const put = calls.find((c) => c.method === "PUT" && c.path.includes("/jobs/"))!;
    const body = put.requestBody as {
      properties: {
        jobType: string;
        jobs: Record<string, { componentId: string; inputs: Record<string, { value?: string; uri?: string }> }>;
      };
    };
    expect(body.properties.jobType).toBe("Pipeline");
    const node = Object.values(body.properties.jobs)[0]!;
    // The latest component; the model from Hugging Face (the catalog entry is archived: a warning, not a refusal);
    // typed inputs over the catalog entry's model_specific_defaults, string literals.
    expect(node.componentId).toBe("azureml://registries/azureml/components/chat_completion_pipeline/versions/0.0.82");
    expect(node.inputs.huggingface_id?.value).toBe("microsoft/Phi-3-mini-4k-instruct");
    expect(node.inputs.mlflow_model_path).toBeUndefined();
    expect(Number(node.inputs.learning_rate?.value)).toBe(0.00002);
    expect(node.inputs.lr_scheduler_type?.value).toBe("cosine");
    expect(node.inputs.apply_lora?.value).toBe("true");
    expect(node.inputs.apply_deepspeed?.value).toBe("true");
    expect(node.inputs.deepspeed_stage?.value).toBe("2");
    expect(node.inputs.save_total_limit?.value).toBe("1");
    expect(node.inputs.learning_rate_min).toBeUndefined();
    expect(node.inputs.num_nodes_finetune?.value).toBe("1");
    expect(node.inputs.number_of_gpu_to_use_finetuning?.value).toBe("1");
    expect(node.inputs.compute_finetune?.value).toBe("phi3-ft-a100");
    expect(run.annotations.find((a) => a.level === "warning")?.message).toMatch(
      /catalog entry of the same model says: Phi-3-mini-4k-instruct version 15 .*archived.*retired on 2025-08-30/,
    );
    // The summary says where each value came from.
    expect(run.summary).toContain("| learning\\_rate | 0.00002 | input learning-rate |");
    expect(run.summary).toContain("| deepspeed\\_stage | 2 | model default \\(Phi-3-mini-4k-instruct version 15\\) |");
    expect(run.summary).toContain("| per\\_device\\_train\\_batch\\_size | 1 | model default");
    expect(node.inputs.train_file_path?.uri).toMatch(/^azureml:phi3-chat-train:[0-9a-f]{12}$/);
    expect(calls.filter((c) => c.method === "PUT" && c.path.includes("/computes/")).map((c) => c.status)).toEqual([
      201,
    ]);

    // Re-running the same attempt follows the job instead of submitting a second one.
    const again = await runAction(ACTION, { env: w.env, inputs, timeoutMs: 60_000 });
    expect(again.outputs["job-name"]).toBe(run.outputs["job-name"]);
    expect((await w.armCalls()).filter((c) => c.method === "PUT" && c.path.includes("/jobs/"))).toHaveLength(1);
  });

  it("cancels the Azure ML job when the workflow run is cancelled (SIGINT)", async () => {
    const { w, train, validation } = await withData();
    await control("PUT", "/jobs/next", { workspace: w.workspace, durationMs: 600_000 });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation },
      // As the runner cancels (SIGINT, SIGTERM 7.5 s later), once the job is submitted: a fixed delay raced the
      // preflight on a loaded machine.
      cancelWhen: "Submitted ",
      timeoutMs: 60_000,
    });

    expect(run.stdout).toContain("the workflow run was cancelled; cancelling Azure ML job");
    const cancels = (await w.armCalls()).filter((c) => c.method === "POST" && c.path.endsWith("/cancel"));
    expect(cancels).toHaveLength(1);
    // The post step, run after a cancelled main, cancels again idempotently and never fails.
    const post = await runAction(ACTION, { env: w.env, post: { state: { "job-name": run.state["job-name"]! } } });
    expect(post.code).toBe(0);
  });

  it("fails the step with the job's status when the job fails, and resumes following an existing job with job:", async () => {
    const { w, train, validation } = await withData();
    await control("PUT", "/jobs/next", { workspace: w.workspace, durationMs: 3000, outcome: "Failed" });
    const failed = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation },
      timeoutMs: 60_000,
    });
    expect(failed.code).toBe(1);
    expect(failed.outputs.status).toBe("Failed");
    expect(failed.annotations.find((a) => a.level === "error")!.message).toContain(
      "ended Failed: torch.cuda.OutOfMemoryError: CUDA out of memory",
    );
    // The tail of the failing fine-tune run's log, in the log and the summary.
    expect(failed.stdout).toContain("Traceback (most recent call last):");
    expect(failed.summary).toContain("CUDA out of memory");

    const resumed = await runAction(ACTION, {
      env: w.env,
      inputs: { job: failed.outputs["job-name"]! },
      timeoutMs: 60_000,
    });
    expect(resumed.outputs).toMatchObject({ "job-name": failed.outputs["job-name"], status: "Failed" });
    expect((await w.armCalls()).filter((c) => c.method === "PUT" && c.path.includes("/jobs/"))).toHaveLength(1);
  });

  it("outlives its GitHub and Entra tokens and a 429 storm while following the job", async () => {
    const w0 = await world({ job: { lifetimeSeconds: 4 }, accessTokenLifetimeSeconds: 60 });
    const data = await runAction("action-dataset", {
      env: w0.env,
      inputs: { source: "hf://HuggingFaceH4/ultrachat_200k", split: "train_sft[:1%]" },
    });
    await control("PUT", "/jobs/next", { workspace: w0.workspace, durationMs: 12_000 });
    const { id } = await control<{ id: number }>("POST", "/faults", {
      service: "arm",
      method: "GET",
      path: `/workspaces/${w0.workspace}/jobs/`,
      kind: "status",
      status: 429,
      retryAfter: 1,
      count: 4,
    });
    const run = await runAction(ACTION, {
      env: w0.env,
      inputs: { "train-data": data.outputs["train-data"]!, "validation-data": data.outputs["validation-data"]! },
      timeoutMs: 90_000,
    });
    await control("DELETE", `/faults/${id}`);

    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe("Completed");
    const events = await w0.tokenEvents();
    expect(events.every((e) => e.ok)).toBe(true);
    // Entra tokens of 60 s are renewed on every use (MSAL renews 5 minutes early), each time with a fresh GitHub token.
    expect(await w0.idTokensIssued()).toBeGreaterThan(2);
    expect((await w0.armCalls()).filter((c) => c.status === 429).length).toBe(4);
  });

  it("reports every preflight problem together and creates nothing: unknown hyperparameter, missing data, bad model version", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "train-data": "azureml:nope:1",
        "validation-data": "azureml:nope:2",
        model: "Phi-4",
        "model-version": "99",
        hyperparameters: '{"learning_rat": 0.1}',
      },
    });
    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain("no data asset nope:1");
    expect(error).toContain("no version 99");
    expect(error).toMatch(/learning_rat.*learning_rate/);
    expect((await w.armCalls()).filter((c) => c.method === "PUT")).toEqual([]);
  });

  it("refuses bad inputs before any call: an unknown scheduler, a learning rate of 0, epochs of 0, a cluster name Azure would refuse", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "train-data": "azureml:a:1",
        "validation-data": "azureml:b:1",
        "lr-scheduler-type": "cosin",
        "learning-rate": "0",
        epochs: "0",
        compute: "gpu_cluster!",
      },
    });
    expect(run.code).toBe(1);
    expect(
      run.annotations
        .filter((a) => a.title?.startsWith("Input "))
        .map((a) => a.title)
        .sort(),
    ).toEqual(["Input compute", "Input epochs", "Input learning-rate", "Input lr-scheduler-type"]);
    expect(run.annotations.find((a) => a.title === "Input lr-scheduler-type")!.message).toContain(
      "linear, cosine, cosine_with_restarts",
    );
    expect(await w.idTokensIssued()).toBe(0);
  });

  it("stops at preflight on a component version the registry lacks and on missing GPU quota, creating nothing", async () => {
    const location = "uksouth";
    const { w, train, validation } = await withData(location);
    await control("POST", "/quotas", { family: "standardNCADSA100v4Family", limit: 24, current: 24, location });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation, "component-version": "9.9.9" },
    });

    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain("no chat_completion_pipeline version 9.9.9");
    expect(error).toMatch(/vm-size: .*NCADSA100v4/);
    expect((await w.armCalls()).filter((c) => c.method === "PUT" && !c.path.includes("/data/"))).toEqual([]);
  });

  it("fine-tunes a live catalog model on two nodes: its own defaults, the JSON over them, mlflow_model_path", async () => {
    const location = "germanywestcentral";
    const { w, train, validation } = await withData(location);
    await control("POST", "/quotas", { family: "standardNCADSA100v4Family", limit: 48, current: 0, location });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "train-data": train,
        "validation-data": validation,
        model: "Phi-4",
        nodes: "2",
        "max-nodes": "2",
        epochs: "2",
        hyperparameters: '{"learning_rate": 0.0001, "num_train_epochs": 5}',
        wait: "false",
      },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(0);
    const node = jobNode(await w.armCalls());
    expect(node.inputs.mlflow_model_path).toEqual({
      job_input_type: "mlflow_model",
      uri: "azureml://registries/azureml/models/Phi-4/versions/8",
    });
    expect(node.inputs.huggingface_id).toBeUndefined();
    expect(node.inputs.num_nodes_finetune?.value).toBe("2");
    expect(node.inputs.deepspeed_stage?.value).toBe("3"); // Phi-4's own default
    expect(node.inputs.learning_rate?.value).toBe("0.0001"); // the JSON over the model's 5e-6
    expect(node.inputs.num_train_epochs?.value).toBe("2"); // the typed input over the JSON
    expect(run.stdout).toContain("the input epochs sets it to 2: the input wins");
  });

  it("runs on serverless compute: no cluster, the component's instance_type inputs", async () => {
    const { w, train, validation } = await withData();
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation, compute: "serverless", wait: "false" },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(0);
    const calls = await w.armCalls();
    expect(calls.filter((c) => c.method === "PUT" && c.path.includes("/computes/"))).toEqual([]);
    const put = calls.find((c) => c.method === "PUT" && c.path.includes("/jobs/"))!;
    const props = (put.requestBody as { properties: Record<string, unknown> }).properties;
    expect(props.computeId).toBeUndefined();
    const node = jobNode(calls);
    expect(node.inputs.compute_finetune?.value).toBe("serverless");
    expect(node.inputs.instance_type_finetune?.value).toBe("Standard_NC24ads_A100_v4");
  });

  it("binds a registered MLflow model-asset to mlflow_model_path", async () => {
    const { w, train, validation } = await withData();
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "train-data": train,
        "validation-data": validation,
        "model-asset": "azureml://registries/azureml/models/Phi-4/versions/8",
        wait: "false",
      },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(0);
    expect(jobNode(await w.armCalls()).inputs.mlflow_model_path?.uri).toBe(
      "azureml://registries/azureml/models/Phi-4/versions/8",
    );
  });

  it("refuses the retired catalog Phi-3 before any write, naming the date and the live models, and no guessed Hugging Face id", async () => {
    const { w, train, validation } = await withData();
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation, model: "Phi-3-mini-4k-instruct" },
    });
    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toMatch(/model: Phi-3-mini-4k-instruct version 15 .*is archived.*retired on 2025-08-30/);
    // The catalog gives no Hugging Face id for it, so none is guessed (issue 21).
    expect(error).toContain("Ways forward: choose a live catalog model.");
    expect(error).not.toContain("huggingface-id: microsoft/");
    expect(error).toContain("Phi-4 (version 8)");
    expect(writes(await w.armCalls())).toEqual([]);
  });

  it("refuses, before any write, a model that cannot fine-tune for chat-completion, a missing model, and VM sizes that do not fit", async () => {
    const { w, train, validation } = await withData();
    const refused = async (inputs: Record<string, string>) => {
      const run = await runAction(ACTION, {
        env: w.env,
        inputs: { "train-data": train, "validation-data": validation, ...inputs },
      });
      expect(run.code).toBe(1);
      return run.annotations.find((a) => a.level === "error")!.message;
    };
    expect(await refused({ model: "bert-base-uncased" })).toMatch(
      /model: bert-base-uncased version 19 .*cannot be fine-tuned for chat-completion .*Phi-4 \(version 8\)/,
    );
    expect(await refused({ model: "Phi-9-giant" })).toMatch(/no model Phi-9-giant in the azureml registry.*Phi-4/);
    expect(await refused({ model: "Phi-4", "vm-size": "Standard_NC16as_T4_v3" })).toMatch(
      /vm-size: Standard_NC16as_T4_v3 is not on Phi-4 version 8's fine-tuning compute allow-list .*Sizes that fit and have quota: Standard_NC24ads_A100_v4/,
    );
    expect(await refused({ "vm-size": "Standard_NC24s_v3" })).toMatch(
      /vm-size: Standard_NC24s_v3 is of the NCv3 \(V100\) family, which Azure retired on 2025-09-30/,
    );
    expect(writes(await w.armCalls())).toEqual([]);
  });

  it("refuses two model sources, nodes above max-nodes and a malformed identity before any call", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "train-data": "azureml:a:1",
        "validation-data": "azureml:b:1",
        model: "Phi-4",
        "huggingface-id": "microsoft/phi-4",
        nodes: "3",
        "max-nodes": "2",
        identity: "phi3-identity",
      },
    });
    expect(run.code).toBe(1);
    expect(
      run.annotations
        .filter((a) => a.title?.startsWith("Input "))
        .map((a) => a.title)
        .sort(),
    ).toEqual(["Input huggingface-id", "Input identity", "Input nodes"]);
    expect(await w.idTokensIssued()).toBe(0);
  });

  it("fails at the model-import step when the Hugging Face id cannot be fetched", async () => {
    const { w, train, validation } = await withData();
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation, "huggingface-id": "nobody/no-such-model" },
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe("Failed");
    expect(run.annotations.find((a) => a.level === "error")!.message).toMatch(
      /\[chat_completion_model_import\].*RepositoryNotFoundError|Repository Not Found/,
    );
  });

  it("cancels a job whose PUT was still in flight when the run was cancelled", async () => {
    // How long the emulator holds the job PUT: longer than main waits for the job once cancelled (5 s,
    // cancel.ts MAIN_WAIT_MS), so main gives up and the post step cancels the job once the PUT creates it.
    const PUT_DELAY_MS = 8_000;
    const { w, train, validation } = await withData();
    await control("PUT", "/jobs/next", { workspace: w.workspace, durationMs: 600_000 });
    const { id } = await control<{ id: number }>("POST", "/faults", {
      service: "arm",
      method: "PUT",
      path: `/workspaces/${w.workspace}/jobs/`,
      kind: "delay",
      delayMs: PUT_DELAY_MS,
    });
    // The signal comes while the job PUT is held: a moment after main says it is submitting the job.
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation },
      signal: { name: "SIGINT", afterMs: 500, afterStdout: /submitting phi3-ft-/ },
      timeoutMs: 60_000,
    });
    await control("DELETE", `/faults/${id}`);
    // The name was saved before the PUT, so the post step knows the job although main never saw the PUT end.
    const job = run.state["job-name"]!;
    expect(job).toMatch(/^phi3-ft-/);
    expect(run.stdout).toContain("the workflow run was cancelled; cancelling Azure ML job");
    expect(run.stdout).toContain(`${job} does not exist after waiting 5 s: nothing to cancel.`);
    const post = await runAction(ACTION, { env: w.env, post: { state: { "job-name": job } }, timeoutMs: 90_000 });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(`Asked Azure ML to cancel ${job}.`);
    const calls = await w.armCalls();
    const put = calls.find((c) => c.method === "PUT" && c.path.includes("/jobs/"))!;
    const cancel = calls.find((c) => c.method === "POST" && c.path.endsWith(`/jobs/${job}/cancel`));
    expect(put.path.endsWith(`/jobs/${job}`)).toBe(true);
    expect(put.status).toBe(201);
    // Post cancelled the job the held PUT created, once it had been created.
    expect(cancel?.status).toBe(202);
    expect(cancel!.at).toBeGreaterThanOrEqual(put.at);
  });
});
