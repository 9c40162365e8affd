import { mergeHyperparameters } from "../src/merge.js";
import { bindingFor } from "../src/model-source.js";
import { MINI } from "./helpers.js";

describe("hyperparameters merged with the model's defaults", () => {
  const merged = mergeHyperparameters(MINI, {
    typed: { num_train_epochs: 2 },
    extra: { num_train_epochs: 5, learning_rate: 0.0001 },
    modelDefaults: {
      num_train_epochs: 1,
      learning_rate: 5e-6,
      lr_scheduler_type: "cosine",
      apply_lora: "true",
      learning_rate_min: 5e-7,
    },
    modelLabel: "Phi-3-mini-4k-instruct version 15",
  });

  it("takes typed input > hyperparameters JSON > model default, and keeps each value's source", () => {
    expect(merged.values).toEqual({
      num_train_epochs: "2",
      learning_rate: "0.0001",
      lr_scheduler_type: "cosine",
      apply_lora: "true",
    });
    expect(merged.sources).toEqual({
      num_train_epochs: "input epochs",
      learning_rate: "hyperparameters",
      lr_scheduler_type: "model default (Phi-3-mini-4k-instruct version 15)",
      apply_lora: "model default (Phi-3-mini-4k-instruct version 15)",
    });
    expect(merged.problems).toEqual([]);
  });

  it("leaves out a model default the component does not take, and says so", () => {
    expect(merged.notes).toEqual([expect.stringMatching(/^The model default learning_rate_min = 5e-7 is left out/)]);
  });

  it("reports a bad user value but never a bad model default as a problem", () => {
    const m = mergeHyperparameters(MINI, {
      typed: {},
      extra: { lr_scheduler_type: "sine" },
      modelDefaults: { precision: 8 },
    });
    expect(m.problems).toEqual([expect.stringMatching(/^lr-scheduler-type: lr_scheduler_type = "sine" is not one of/)]);
    expect(m.notes[0]).toMatch(/model default precision = 8 is left out/);
  });
});

describe("a registered model's binding", () => {
  it("binds MLflow models to mlflow_model_path and custom ones to pytorch_model_path, and nothing else", () => {
    expect(bindingFor("mlflow_model", "azureml:m:1")).toEqual({
      input: "mlflow_model_path",
      type: "mlflow_model",
      uri: "azureml:m:1",
    });
    expect(bindingFor("CustomModel", "azureml:m:2")).toEqual({
      input: "pytorch_model_path",
      type: "custom_model",
      uri: "azureml:m:2",
    });
    expect(bindingFor("triton_model", "azureml:m:3")).toBeUndefined();
  });
});

describe("hyperparameter keys against the component's declared inputs (issue 21)", () => {
  it("checks them even when the component does not declare num_train_epochs", async () => {
    const { hyperparametersFor } = await import("../src/preflight.js");
    const { num_train_epochs: _dropped, ...inputs } = MINI.inputs;
    const spec = { ...MINI, inputs };
    const r = hyperparametersFor(
      { found: true, spec },
      { typed: { learning_rate: 0.0001 }, extra: { no_such_input: 1, num_train_epochs: 2 }, serverless: false },
    );
    expect(r.values).toMatchObject({ learning_rate: "0.0001" });
    expect(r.problems.join("\n")).toMatch(/no_such_input/);
    expect(r.problems.join("\n")).toMatch(/num_train_epochs/);
  });

  it("merges nothing when the component was not found (reported on its own)", async () => {
    const { hyperparametersFor } = await import("../src/preflight.js");
    const r = hyperparametersFor({ found: false, spec: MINI }, { typed: {}, extra: { x: 1 }, serverless: false });
    expect(r).toEqual({ values: {}, sources: {}, problems: [], notes: [] });
  });
});
