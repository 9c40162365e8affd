import { checkHyperparameters } from "../src/component.js";
import { computeArmId, modelUri, parseDataRef, pipelineJobBody, type JobPlan } from "../src/job-body.js";
import { jobFingerprint, jobNameFor } from "../src/job-name.js";
import { ARM, MINI, officialContract, Q, realSpec } from "./helpers.js";

const plan: JobPlan = {
  workspaceId: ARM,
  registry: "azureml",
  componentVersion: "0.0.65",
  model: {
    input: "mlflow_model_path",
    type: "mlflow_model",
    uri: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/14",
  },
  trainData: `${ARM}/data/chat-train/versions/3`,
  validationData: "azureml://datastores/workspaceblobstore/paths/chat/validation.jsonl",
  compute: "phi3-ft-a100",
  gpusPerNode: 1,
  nodes: 1,
  hyperparameters: { num_train_epochs: 3, learning_rate: 0.00002, lr_scheduler_type: "cosine", apply_lora: true },
  experimentName: "phi3-finetune",
  displayName: "Phi-3-mini-4k-instruct chat fine-tune · run 4242",
  tags: { "managed-by": "phi3-aml-actions", repository: "octo-org/phi3-demo" },
  spec: MINI,
};

const node = (p: JobPlan = plan) => pipelineJobBody(p).properties.jobs.chat_completion_pipeline!;

describe("pipeline job body", () => {
  it("is a Pipeline job whose single node is the registry component at the resolved version", () => {
    const b = pipelineJobBody(plan);
    expect(b.properties.jobType).toBe("Pipeline");
    expect(Object.keys(b.properties.jobs)).toEqual(["chat_completion_pipeline"]);
    expect(node()).toMatchObject({
      type: "pipeline",
      name: "chat_completion_pipeline",
      componentId: "azureml://registries/azureml/components/chat_completion_pipeline/versions/0.0.65",
    });
    expect(b.properties.inputs).toEqual({});
  });

  it("passes the catalog model as an mlflow_model input of mlflow_model_path", () => {
    expect(node().inputs.mlflow_model_path).toEqual({
      job_input_type: "mlflow_model",
      uri: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/14",
    });
  });

  it("turns action-dataset's ARM data id into azureml:<name>:<version> and passes a datastore URI through", () => {
    expect(node().inputs.train_file_path).toEqual({ job_input_type: "uri_file", uri: "azureml:chat-train:3" });
    expect(node().inputs.validation_file_path).toEqual({
      job_input_type: "uri_file",
      uri: "azureml://datastores/workspaceblobstore/paths/chat/validation.jsonl",
    });
  });

  it("runs every step on the cluster and uses its GPUs per node", () => {
    const i = node().inputs;
    for (const k of ["compute_model_import", "compute_preprocess", "compute_finetune", "compute_model_evaluation"])
      expect(i[k]).toEqual({ job_input_type: "literal", value: "phi3-ft-a100" });
    expect(i.number_of_gpu_to_use_finetuning).toEqual({ job_input_type: "literal", value: "1" });
    expect(node({ ...plan, gpusPerNode: 4 }).inputs.number_of_gpu_to_use_finetuning).toEqual({
      job_input_type: "literal",
      value: "4",
    });
  });

  it('sends every hyperparameter as a literal string, LoRA as "true"', () => {
    const i = node().inputs;
    expect(i.num_train_epochs).toEqual({ job_input_type: "literal", value: "3" });
    expect(i.learning_rate).toEqual({ job_input_type: "literal", value: "0.00002" });
    expect(i.lr_scheduler_type).toEqual({ job_input_type: "literal", value: "cosine" });
    expect(i.apply_lora).toEqual({ job_input_type: "literal", value: "true" });
  });

  it("sends task_name as the component declares it, and not at all when it does not", () => {
    expect(node().inputs.task_name).toEqual({ job_input_type: "literal", value: "ChatCompletion" });
    const { task_name: _t, ...inputs } = MINI.inputs;
    expect(node({ ...plan, spec: { ...MINI, inputs } }).inputs).not.toHaveProperty("task_name");
  });

  it("never lets a hyperparameter redirect the model, data or compute", () => {
    const i = node({
      ...plan,
      hyperparameters: { ...plan.hyperparameters, compute_finetune: "elsewhere", train_file_path: "azureml:other:1" },
    }).inputs;
    expect(i.compute_finetune).toEqual({ job_input_type: "literal", value: "phi3-ft-a100" });
    expect(i.train_file_path).toEqual({ job_input_type: "uri_file", uri: "azureml:chat-train:3" });
  });

  it("wires the node's mlflow_model_folder to the pipeline output trained_model", () => {
    const b = pipelineJobBody(plan);
    expect(b.properties.outputs).toEqual({ trained_model: { jobOutputType: "mlflow_model", mode: "ReadWriteMount" } });
    expect(node().outputs).toEqual({
      mlflow_model_folder: { type: "literal", value: "${{parent.outputs.trained_model}}" },
    });
    expect(modelUri("phi3-ft-4242-0123abcd")).toBe("azureml://jobs/phi3-ft-4242-0123abcd/outputs/trained_model");
  });

  it("names experiment, display name, tags and the cluster's ARM id as compute and default compute", () => {
    const p = pipelineJobBody(plan).properties;
    expect(p.experimentName).toBe("phi3-finetune");
    expect(p.displayName).toBe(plan.displayName);
    expect(p.tags).toEqual(plan.tags);
    expect(p.computeId).toBe(`${ARM}/computes/phi3-ft-a100`);
    expect(p.settings).toEqual({
      default_compute: computeArmId(ARM, "phi3-ft-a100"),
      force_rerun: true,
      continue_on_step_failure: false,
    });
  });

  it("is the same body for the same plan, whatever order the hyperparameters came in", () => {
    const reversed = Object.fromEntries(Object.entries(plan.hyperparameters).reverse());
    expect(JSON.stringify(pipelineJobBody({ ...plan, hyperparameters: reversed }))).toBe(
      JSON.stringify(pipelineJobBody(plan)),
    );
  });

  it("refuses to build a body with data that preflight should have rejected", () => {
    expect(() => pipelineJobBody({ ...plan, trainData: "train.jsonl" })).toThrow(
      /train-data "train.jsonl" is not a data asset id or URI/,
    );
  });
});

describe("data references", () => {
  it("reads an ARM id of this workspace as a data asset, whatever the case of its segments", () => {
    expect(parseDataRef(`${ARM}/data/chat-train/versions/3`, ARM)).toEqual({
      kind: "asset",
      name: "chat-train",
      version: "3",
      uri: "azureml:chat-train:3",
    });
    expect(parseDataRef(`${ARM.toLowerCase()}/data/chat-train/versions/3`, ARM)).toMatchObject({
      uri: "azureml:chat-train:3",
    });
    expect(parseDataRef(`azureml:${ARM}/data/chat-train/versions/3`, ARM)).toMatchObject({
      uri: "azureml:chat-train:3",
    });
  });

  it("refuses a data asset of another workspace rather than reading this workspace's asset of that name", () => {
    const other = ARM.replace("/workspaces/w", "/workspaces/other");
    expect(parseDataRef(`${other}/data/chat-train/versions/3`, ARM)).toEqual({
      problem: expect.stringMatching(
        /is a data asset of workspace .*workspaces\/other, not of .*workspaces\/w where the job runs/,
      ),
    });
  });

  it("passes azureml:<name>:<version>, labels, azureml:// and https:// URIs through", () => {
    expect(parseDataRef("azureml:chat-train:3", ARM)).toEqual({
      kind: "asset",
      name: "chat-train",
      version: "3",
      label: undefined,
      uri: "azureml:chat-train:3",
    });
    expect(parseDataRef("azureml:chat-train@latest", ARM)).toMatchObject({
      kind: "asset",
      name: "chat-train",
      label: "latest",
    });
    expect(parseDataRef("azureml://datastores/workspaceblobstore/paths/a/train.jsonl", ARM)).toEqual({
      kind: "uri",
      uri: "azureml://datastores/workspaceblobstore/paths/a/train.jsonl",
    });
    expect(parseDataRef("https://acct.blob.core.windows.net/c/train.jsonl", ARM)).toMatchObject({ kind: "uri" });
  });

  it("explains an ARM id that is not a data version, and anything else", () => {
    expect(parseDataRef(`${ARM}/data/chat-train`, ARM)).toEqual({
      problem: expect.stringMatching(/not of a data asset version/),
    });
    expect(parseDataRef("train.jsonl", ARM)).toEqual({ problem: expect.stringMatching(/expected an ARM id/) });
  });
});

describe("pipeline job body against the official Azure ML OpenAPI (2025-12-01)", () => {
  it("passes PUT jobs/{id} as Jobs_CreateOrUpdate", () => {
    const body = pipelineJobBody(plan);
    const name = jobNameFor({ runId: "4242" }, jobFingerprint(body));
    const r = officialContract().checkRequest("PUT", `${ARM}/jobs/${name}${Q}`, body);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.operationId).toMatch(/^Jobs_CreateOrUpdate$/);
  });

  describe("with the real component spec", () => {
    it("passes with every typed hyperparameter checked against the component", () => {
      const spec = realSpec();
      const hp = checkHyperparameters(spec, {
        num_train_epochs: 1,
        learning_rate: 5e-6,
        lr_scheduler_type: "cosine",
        per_device_train_batch_size: 1,
        apply_lora: true,
        apply_deepspeed: true,
        deepspeed_stage: "2",
        seed: 42,
      });
      expect(hp.problems).toEqual([]);
      const body = pipelineJobBody({ ...plan, spec, hyperparameters: hp.values });
      expect(officialContract().checkRequest("PUT", `${ARM}/jobs/phi3-ft-4242-0123abcd${Q}`, body).errors).toEqual([]);
      expect(node({ ...plan, spec, hyperparameters: hp.values }).inputs.apply_deepspeed).toEqual({
        job_input_type: "literal",
        value: "true",
      });
    });
  });

  it("would catch a body the service refuses (a wrong output type)", () => {
    const body = pipelineJobBody(plan) as unknown as { properties: { outputs: Record<string, unknown> } };
    body.properties.outputs.trained_model = { jobOutputType: "mlflow", mode: "ReadWriteMount" };
    expect(officialContract().checkRequest("PUT", `${ARM}/jobs/x${Q}`, body).ok).toBe(false);
  });
});
