import { Inputs, InputError } from "@phi3-aml/shared/inputs";
import { readInputs } from "../src/inputs.js";

const base = {
  "subscription-id": "00000000-0000-0000-0000-000000000000",
  "resource-group": "rg-phi3",
  workspace: "mlw-phi3",
  "train-data": "azureml:phi3-chat-train:1",
  "validation-data": "azureml:phi3-chat-validation:1",
};
const read = (values: Record<string, string>) => {
  const i = new Inputs((name) => ({ ...base, ...values })[name] ?? "");
  const inputs = readInputs(i);
  return { inputs, done: () => i.done(), problems: i.problems };
};

describe("action-finetune inputs", () => {
  it("merges the typed inputs and the hyperparameters JSON into the component's inputs", () => {
    const r = read({
      "learning-rate": "0.00002",
      "lr-scheduler-type": "cosine",
      hyperparameters: '{"max_steps": 100, "logging_steps": 5}',
    });
    r.done();
    expect(r.inputs.hyperparameters).toEqual({
      learning_rate: 0.00002,
      lr_scheduler_type: "cosine",
      max_steps: 100,
      logging_steps: 5,
    });
  });

  it("accepts a typed hyperparameter given only in the JSON", () => {
    const r = read({ hyperparameters: '{"learning_rate": 0.0001}' });
    r.done();
    expect(r.inputs.hyperparameters).toEqual({ learning_rate: 0.0001 });
  });

  it("reports a hyperparameter given both by its typed input and in the JSON, instead of letting one win silently", () => {
    const r = read({
      "learning-rate": "0.00002",
      epochs: "3",
      hyperparameters: '{"learning_rate": 0.1, "num_train_epochs": 3, "max_steps": 10}',
    });
    expect(() => r.done()).toThrow(InputError);
    expect(r.problems.map((p) => `${p.input}: ${p.message}`)).toEqual([
      "hyperparameters: sets learning_rate to 0.1, but the input learning-rate sets it to 0.00002; give it in one place: the learning-rate input, or here and not there.",
      "hyperparameters: sets num_train_epochs to 3, but the input epochs sets it to 3; give it in one place: the epochs input, or here and not there.",
    ]);
  });
});
