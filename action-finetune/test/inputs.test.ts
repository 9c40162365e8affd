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

  it("lets a typed input win over the same key in the JSON, and says so (precedence typed > JSON)", () => {
    const r = read({
      "learning-rate": "0.00002",
      epochs: "3",
      hyperparameters: '{"learning_rate": 0.1, "num_train_epochs": 3, "max_steps": 10}',
    });
    r.done();
    expect(r.inputs.hyperparameters).toEqual({ learning_rate: 0.00002, num_train_epochs: 3, max_steps: 10 });
    expect(r.inputs.inputNotes).toEqual([
      "hyperparameters sets learning_rate to 0.1, and the input learning-rate sets it to 0.00002: the input wins.",
      "hyperparameters sets num_train_epochs to 3, and the input epochs sets it to 3: the input wins.",
    ]);
  });

  it("takes exactly one model source, Hugging Face Phi-3-mini-4k-instruct by default", () => {
    const none = read({});
    none.done();
    expect(none.inputs.source).toEqual({ kind: "huggingface", id: "microsoft/Phi-3-mini-4k-instruct" });
    const two = read({ model: "Phi-4", "huggingface-id": "microsoft/phi-4" });
    expect(() => two.done()).toThrow(InputError);
    expect(two.problems[0]!.message).toMatch(/is given together with model \(Phi-4\): give exactly one model source/);
    const version = read({ "model-version": "3" });
    expect(() => version.done()).toThrow(/applies to a catalog model only/);
    const asset = read({ "model-asset": "azureml:my-phi:2" });
    asset.done();
    expect(asset.inputs.source).toEqual({ kind: "asset", ref: "azureml:my-phi:2" });
    expect(() => read({ "model-asset": "my-phi" }).done()).toThrow(/model-asset/);
  });

  it("checks nodes against max-nodes, and the identity id", () => {
    expect(() => read({ nodes: "2", "max-nodes": "1" }).done()).toThrow(/nodes.*is more than max-nodes \(1\)/s);
    const ok = read({ nodes: "2", "max-nodes": "2" });
    ok.done();
    expect(ok.inputs.nodes).toBe(2);
    expect(read({ nodes: "4", compute: "serverless" }).inputs.serverless).toBe(true);
    expect(() => read({ identity: "my-identity" }).done()).toThrow(/identity.*userAssignedIdentities/s);
    const id =
      "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/phi3-cluster";
    const good = read({ identity: id });
    good.done();
    expect(good.inputs.identity).toBe(id);
  });
});
