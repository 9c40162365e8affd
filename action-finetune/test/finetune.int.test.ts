import { control, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";

const ACTION = "action-finetune";

/** A workspace with the walkthrough's data assets, made by the dataset action itself. */
async function withData() {
  const w = await world();
  const data = await runAction("action-dataset", {
    env: w.env,
    inputs: { source: "hf://HuggingFaceH4/ultrachat_200k", split: "train_sft[:1%]" },
  });
  expect(data.code).toBe(0);
  return { w, train: data.outputs["train-data"]!, validation: data.outputs["validation-data"]! };
}

describe("action-finetune (bundled, as the runner runs it)", () => {
  it("checks everything, creates the cluster, submits the catalog fine-tune once, follows it to Completed and reports metrics", async () => {
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
    // The latest component and model of the registry, the walkthrough's hyperparameters as string literals.
    expect(node.componentId).toBe("azureml://registries/azureml/components/chat_completion_pipeline/versions/0.0.65");
    expect(node.inputs.mlflow_model_path?.uri).toBe(
      "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15",
    );
    expect(Number(node.inputs.learning_rate?.value)).toBe(0.00002);
    expect(node.inputs.lr_scheduler_type?.value).toBe("cosine");
    expect(node.inputs.apply_lora?.value).toBe("true");
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
      signal: { name: "SIGINT", afterMs: 6000 },
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
    const { w, train, validation } = await withData();
    await control("POST", "/quotas", { family: "standardNCADSA100v4Family", limit: 24, current: 24 });
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: { "train-data": train, "validation-data": validation, "component-version": "9.9.9" },
    });
    await control("POST", "/quotas", { family: "standardNCADSA100v4Family", limit: 24, current: 0 });

    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain("no chat_completion_pipeline version 9.9.9");
    expect(error).toMatch(/vm-size: .*NCADSA100v4/);
    expect((await w.armCalls()).filter((c) => c.method === "PUT" && !c.path.includes("/data/"))).toEqual([]);
  });
});
