import { checkName, JOB } from "@phi3-aml/shared/names";
import { pipelineJobBody, type JobPlan } from "../src/job-body.js";
import {
  canonicalJson,
  decideJob,
  defaultDisplayName,
  jobFingerprint,
  jobNameFor,
  jobNames,
  runIdentity,
} from "../src/job-name.js";
import { ARM } from "./helpers.js";

const plan: JobPlan = {
  workspaceId: ARM,
  registry: "azureml",
  componentVersion: "0.0.65",
  model: {
    input: "mlflow_model_path",
    type: "mlflow_model",
    uri: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/14",
  },
  trainData: "azureml:chat-train:3",
  validationData: "azureml:chat-validation:3",
  compute: "phi3-ft-a100",
  gpusPerNode: 1,
  nodes: 1,
  hyperparameters: { num_train_epochs: 1, learning_rate: 0.00002 },
  experimentName: "phi3-finetune",
  displayName: "run 1",
  tags: { "created-at": "2026-01-01T00:00:00.000Z" },
};
const fp = jobFingerprint(pipelineJobBody(plan));

describe("the workflow run", () => {
  it("is GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT", () => {
    expect(runIdentity({ GITHUB_RUN_ID: "9876543210", GITHUB_RUN_ATTEMPT: "2" })).toEqual({
      runId: "9876543210",
      attempt: 2,
      local: false,
    });
    expect(runIdentity({ GITHUB_RUN_ID: "42" })).toEqual({ runId: "42", attempt: 1, local: false });
    expect(runIdentity({ GITHUB_RUN_ID: "42", GITHUB_RUN_ATTEMPT: "x" }).attempt).toBe(1);
  });

  it("outside GitHub Actions carries the time, so each local run submits anew", () => {
    expect(runIdentity({}, new Date("2026-11-25T10:20:30.456Z"))).toEqual({
      runId: "local-20261125102030",
      attempt: 1,
      local: true,
    });
  });
});

describe("the job name", () => {
  it("derives from the run and a hash of what the job runs, and is a valid Azure ML job name", () => {
    const name = jobNameFor({ runId: "9876543210" }, fp);
    expect(name).toMatch(/^phi3-ft-9876543210-[0-9a-f]{8}$/);
    expect(checkName(JOB, name)).toBeUndefined();
    expect(checkName(JOB, jobNameFor({ runId: "local-20261125102030" }, fp, 3))).toBeUndefined();
  });

  it("is the same for the same inputs, however the body was put together, and whatever the tags or display name", () => {
    expect(
      jobFingerprint(
        pipelineJobBody({
          ...plan,
          hyperparameters: { learning_rate: 0.00002, num_train_epochs: 1 },
          displayName: "other",
          tags: { "created-at": "2030-01-01" },
        }),
      ),
    ).toBe(fp);
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}',
    );
  });

  it("changes with anything that changes the training", () => {
    const other = (p: Partial<JobPlan>) => jobFingerprint(pipelineJobBody({ ...plan, ...p }));
    expect(other({ hyperparameters: { num_train_epochs: 2, learning_rate: 0.00002 } })).not.toBe(fp);
    expect(other({ model: { input: "huggingface_id", value: "microsoft/Phi-3-mini-4k-instruct" } })).not.toBe(fp);
    expect(other({ nodes: 2 })).not.toBe(fp);
    expect(other({ componentVersion: "0.0.64" })).not.toBe(fp);
    expect(other({ trainData: "azureml:chat-train:4" })).not.toBe(fp);
    expect(other({ compute: "other" })).not.toBe(fp);
    expect(other({ experimentName: "x" })).not.toBe(fp);
  });

  it("lists the names of every attempt so far, the current one last", () => {
    const names = jobNames({ runId: "42", attempt: 3, local: false }, fp);
    const h = fp.slice(0, 8);
    expect(names).toEqual([`phi3-ft-42-${h}`, `phi3-ft-42-${h}-a2`, `phi3-ft-42-${h}-a3`]);
  });
});

describe("submit or follow", () => {
  const [a1, a2, a3] = jobNames({ runId: "42", attempt: 3, local: false }, fp) as [string, string, string];

  it("submits when no attempt has submitted the job", () => {
    expect(decideJob([a1], {})).toEqual({ submit: true, name: a1, reason: `submitting ${a1}.` });
  });

  it("follows this attempt's job instead of submitting a second one, whatever its state", () => {
    expect(decideJob([a1], { [a1]: "Running" })).toMatchObject({ submit: false, name: a1 });
    expect(decideJob([a1], { [a1]: "Failed" })).toMatchObject({
      submit: false,
      name: a1,
      reason: expect.stringMatching(/already submitted by this run attempt \(Failed\)/),
    });
  });

  it("reuses an earlier attempt's job that completed or is still going (a re-run of a later step must not train again)", () => {
    expect(decideJob([a1, a2], { [a1]: "Completed" })).toMatchObject({
      submit: false,
      name: a1,
      reason: expect.stringMatching(/attempt 1 .* \(Completed\); reusing it/),
    });
    expect(decideJob([a1, a2, a3], { [a1]: "Failed", [a2]: "Running" })).toMatchObject({ submit: false, name: a2 });
  });

  it("submits anew under this attempt's name when every earlier job failed or was cancelled", () => {
    const d = decideJob([a1, a2, a3], { [a1]: "Failed", [a2]: "Canceled" });
    expect(d).toMatchObject({ submit: true, name: a3 });
    expect(d.reason).toBe(
      `earlier attempts' jobs ended without a model (${a1}: Failed, ${a2}: Canceled); submitting ${a3}.`,
    );
  });
});

describe("the display name", () => {
  it("names the model and the run (and the attempt after the first)", () => {
    expect(defaultDisplayName("Phi-3-mini-4k-instruct", { runId: "42", attempt: 1, local: false })).toBe(
      "Phi-3-mini-4k-instruct chat fine-tune · run 42",
    );
    expect(defaultDisplayName("Phi-3-mini-4k-instruct", { runId: "42", attempt: 2, local: false })).toBe(
      "Phi-3-mini-4k-instruct chat fine-tune · run 42 attempt 2",
    );
    expect(defaultDisplayName("Phi-3-mini-4k-instruct", { runId: "local-1", attempt: 1, local: true })).toBe(
      "Phi-3-mini-4k-instruct chat fine-tune · local-1",
    );
  });
});
