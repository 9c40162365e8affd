import {
  findRegistered,
  jobOfUri,
  jobOutputUri,
  lineageFromJob,
  lineageFromTags,
  modelId,
  modelVersionBody,
  nextVersion,
  parseModelRef,
  SOURCE_URI_TAG,
  type ModelVersionLike,
} from "../src/model-body.js";
import { ARM, ENV, NOW, officialContract, Q, WS } from "./helpers.js";

const job = {
  name: "ft-20261125-abc",
  properties: {
    status: "Completed",
    inputs: {},
    jobs: {
      chat_completion_pipeline: {
        type: "pipeline",
        inputs: {
          mlflow_model_path: {
            job_input_type: "mlflow_model",
            uri: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/9",
          },
          train_file_path: { job_input_type: "uri_file", uri: "azureml:chat-train:3f2a" },
          validation_file_path: { job_input_type: "uri_file", uri: "azureml:chat-validation:3f2a" },
          compute_finetune: { job_input_type: "literal", value: "phi3-ft-a100" },
          number_of_gpu_to_use_finetuning: { job_input_type: "literal", value: "1" },
          learning_rate: { job_input_type: "literal", value: "0.00002" },
          num_train_epochs: { job_input_type: "literal", value: "${{parent.inputs.epochs}}" },
          lr_scheduler_type: { job_input_type: "literal", value: "cosine" },
        },
      },
    },
  },
};

describe("model registration body", () => {
  it("registers the job's trained_model output as an MLflow model", () => {
    const uri = jobOutputUri("ft-20261125-abc");
    expect(uri).toBe("azureml://jobs/ft-20261125-abc/outputs/trained_model");
    const b = modelVersionBody({ modelUri: uri, now: NOW, env: ENV });
    expect(b.properties.modelType).toBe("mlflow_model");
    expect(b.properties.modelUri).toBe(uri);
    expect(b.properties.jobName).toBe("ft-20261125-abc");
    expect(b.properties.isAnonymous).toBe(false);
  });

  it("tags the model with its lineage: commit, workflow run, job, data, base model and hyperparameters", () => {
    const uri = jobOutputUri(job.name);
    const tags = modelVersionBody({ modelUri: uri, lineage: lineageFromJob(job), now: NOW, env: ENV }).properties.tags;
    expect(tags).toMatchObject({
      "managed-by": "phi3-aml-actions",
      commit: ENV.GITHUB_SHA,
      "workflow-run": "https://github.com/octo-org/phi3-demo/actions/runs/4242/attempts/1",
      repository: "octo-org/phi3-demo",
      "job-name": "ft-20261125-abc",
      "data-assets": "azureml:chat-train:3f2a, azureml:chat-validation:3f2a",
      "base-model": "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/9",
      "hp.learning_rate": "0.00002",
      "hp.lr_scheduler_type": "cosine",
      [SOURCE_URI_TAG]: uri,
    });
    // How the job ran is not a hyperparameter; an unresolved binding is not a value.
    expect(Object.keys(tags).filter((k) => /compute|number_of_gpu|num_train_epochs/.test(k))).toEqual([]);
    expect(tags["expires-at"]).toBeUndefined();
  });

  it("resolves a node input bound to a pipeline input", () => {
    const bound = {
      ...job,
      properties: { ...job.properties, inputs: { epochs: { jobInputType: "literal", value: "3" } } },
    };
    expect(lineageFromJob(bound).hyperparameters).toMatchObject({ epochs: "3", num_train_epochs: "3" });
  });

  it("reads the lineage back from the tags it wrote", () => {
    const uri = jobOutputUri(job.name);
    const tags = modelVersionBody({ modelUri: uri, lineage: lineageFromJob(job), now: NOW, env: ENV }).properties.tags;
    expect(lineageFromTags(tags)).toMatchObject({
      jobName: job.name,
      dataAssets: ["azureml:chat-train:3f2a", "azureml:chat-validation:3f2a"],
      hyperparameters: { learning_rate: "0.00002", lr_scheduler_type: "cosine" },
      commit: ENV.GITHUB_SHA,
      sourceUri: uri,
    });
  });

  it("registers any azureml:// URI, naming the job only when the URI is a job output", () => {
    expect(jobOfUri("azureml://jobs/j1/outputs/trained_model/paths/model")).toBe("j1");
    const b = modelVersionBody({
      modelUri: "azureml://datastores/workspaceblobstore/paths/models/phi3",
      now: NOW,
      env: ENV,
    });
    expect(b.properties.jobName).toBeUndefined();
    expect(b.properties.tags["job-name"]).toBeUndefined();
  });

  it("finds the version already registered from the same job output, by its source-uri tag", () => {
    const uri = jobOutputUri("j1");
    const versions: ModelVersionLike[] = [
      { name: "1", properties: { tags: { [SOURCE_URI_TAG]: jobOutputUri("j0") } } },
      { name: "2", properties: { tags: { [SOURCE_URI_TAG]: uri } } },
      { name: "10", properties: { tags: { [SOURCE_URI_TAG]: uri } } },
      { name: "11", properties: { tags: { [SOURCE_URI_TAG]: uri }, isArchived: true } },
      { name: "12", properties: { modelUri: uri, tags: {} } },
    ];
    expect(findRegistered(versions, uri)?.name).toBe("10");
    expect(findRegistered(versions, jobOutputUri("j9"))).toBeUndefined();
  });

  it("numbers the next version one above the highest whole-number version", () => {
    expect(nextVersion([])).toBe("1");
    expect(nextVersion(["1", "2", "10", "9"])).toBe("11");
    expect(nextVersion(["2024-05-01", "3"])).toBe("4");
    expect(nextVersion(["99999999999999999999"])).toBe("100000000000000000000");
  });

  it("names the model by ARM id and parses name:version", () => {
    expect(modelId(WS, "phi3-chat-ft", "7")).toBe(`${ARM}/models/phi3-chat-ft/versions/7`);
    expect(parseModelRef("phi3-chat-ft:7")).toEqual({ name: "phi3-chat-ft", version: "7" });
    expect(parseModelRef("phi3-chat-ft")).toBeUndefined();
  });
});

describe("model registration body against the official OpenAPI contract", () => {
  it("is a valid ModelVersions_CreateOrUpdate request", () => {
    const body = modelVersionBody({
      modelUri: jobOutputUri(job.name),
      lineage: lineageFromJob(job),
      now: NOW,
      env: ENV,
    });
    const r = officialContract().checkRequest("PUT", `${ARM}/models/phi3-chat-ft/versions/7${Q}`, body);
    expect(r.errors).toEqual([]);
    expect(r.operationId).toBe("ModelVersions_CreateOrUpdate");
  });
});

describe("the base model as lineage, for all three sources (issue 21)", () => {
  const job = (inputs: Record<string, unknown>) => ({
    name: "ft-9",
    properties: {
      jobs: { finetune: { inputs: { learning_rate: { job_input_type: "literal", value: "0.1" }, ...inputs } } },
    },
  });

  it("records a Hugging Face id as the base model, not as a hyperparameter", () => {
    const l = lineageFromJob(
      job({ huggingface_id: { job_input_type: "literal", value: "microsoft/Phi-3-mini-4k-instruct" } }),
    );
    expect(l).toMatchObject({ baseModel: "microsoft/Phi-3-mini-4k-instruct", baseModelSource: "huggingface" });
    expect(l.hyperparameters).toEqual({ learning_rate: "0.1" });
    const tags = modelVersionBody({
      modelUri: "azureml://jobs/ft-9/outputs/trained_model",
      lineage: l,
      now: NOW,
      env: ENV,
    }).properties.tags;
    expect(tags).toMatchObject({
      "base-model": "microsoft/Phi-3-mini-4k-instruct",
      "base-model-source": "huggingface",
    });
    expect(lineageFromTags(tags)).toMatchObject({
      baseModel: "microsoft/Phi-3-mini-4k-instruct",
      baseModelSource: "huggingface",
    });
  });

  it("records a registry model (model + registry) and a workspace asset (model-asset) by their URIs", () => {
    const reg = "azureml://registries/azureml/models/Phi-4/versions/8";
    expect(lineageFromJob(job({ mlflow_model_path: { job_input_type: "mlflow_model", uri: reg } }))).toMatchObject({
      baseModel: reg,
      baseModelSource: "registry",
    });
    expect(
      lineageFromJob(job({ pytorch_model_path: { job_input_type: "custom_model", uri: "azureml:my-model:3" } })),
    ).toMatchObject({ baseModel: "azureml:my-model:3", baseModelSource: "workspace" });
  });
});
