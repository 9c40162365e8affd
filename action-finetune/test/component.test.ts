import { Inputs } from "@phi3-aml/shared/inputs";
import {
  checkComponent,
  checkHyperparameters,
  componentSpecOf,
  editDistance,
  nearestInput,
  TYPED_INPUTS,
  typedDefaults,
  type ComponentSpec,
} from "../src/component.js";
import { readInputs } from "../src/inputs.js";
import { componentVersionResource, MINI, realSpec } from "./helpers.js";

const check = (
  hp: Record<string, string | number | boolean>,
  o: { serverless?: boolean } = {},
  spec: ComponentSpec = MINI,
) => checkHyperparameters(spec, hp, o);
const messages = (hp: Record<string, string | number | boolean>, o: { serverless?: boolean } = {}) =>
  check(hp, o).problems.map((p) => p.message);

describe("the component's declared inputs", () => {
  it("reads the spec from a component version resource's properties.componentSpec", () => {
    const spec = componentSpecOf({
      properties: {
        componentSpec: {
          name: "c",
          version: "1.2.3",
          type: "pipeline",
          inputs: { a: { type: "integer", min: 1 } },
          outputs: { o: { type: "mlflow_model" } },
        },
      },
    });
    expect(spec).toEqual({
      name: "c",
      version: "1.2.3",
      type: "pipeline",
      inputs: { a: { type: "integer", min: 1 } },
      outputs: { o: { type: "mlflow_model" } },
    });
  });

  it("keeps a declaration whose optional field has another type, without that field", () => {
    const spec = componentSpecOf({
      properties: {
        componentSpec: {
          inputs: { a: { type: "integer", min: true, max: "8", enum: "1,2", optional: "true" }, b: { min: 1 } },
          outputs: { o: { type: "mlflow_model", mode: 3 } },
        },
      },
    });
    // Plain copies: the declarations are tables without a prototype (hostile names such as "constructor" stay inert).
    expect({ ...spec.inputs, a: { ...spec.inputs.a } }).toStrictEqual({
      a: { type: "integer", max: "8", optional: "true" },
    });
    expect({ ...spec.outputs, o: { ...spec.outputs.o } }).toStrictEqual({ o: { type: "mlflow_model" } });
  });

  it("refuses a component version without a spec, since nothing could be checked", () => {
    expect(() => componentSpecOf({ properties: {} })).toThrow(/without its component spec/);
    expect(() => componentSpecOf(undefined)).toThrow(/properties\.componentSpec/);
  });

  it("finds nothing missing in a component that declares what the action sets and publishes", () => {
    expect(checkComponent(MINI)).toEqual([]);
  });

  it("names an input or output the action relies on that a component version lacks", () => {
    const { mlflow_model_path: _m, ...inputs } = MINI.inputs;
    const problems = checkComponent({ ...MINI, inputs, outputs: { pytorch_model_folder: { type: "uri_folder" } } });
    expect(problems).toEqual([
      expect.stringMatching(
        /chat_completion_pipeline 9\.9\.9 declares no input mlflow_model_path \(mlflow_model\).*component-version/,
      ),
      expect.stringMatching(/declares no output mlflow_model_folder/),
    ]);
  });

  it("names a required input without a default that nothing sets, and accepts it once given in hyperparameters", () => {
    const spec = { ...MINI, inputs: { ...MINI.inputs, dataset_kind: { type: "string", optional: false } } };
    expect(checkComponent(spec)).toEqual([
      expect.stringMatching(
        /requires the input dataset_kind \(string\), which has no default; give it in hyperparameters/,
      ),
    ]);
    expect(checkComponent(spec, ["dataset_kind"])).toEqual([]);
  });
});

describe("hyperparameters checked against the component", () => {
  it("rejects an unknown hyperparameter and suggests the nearest input", () => {
    const r = check({ num_epochs: 3 });
    expect(r.problems).toEqual([
      {
        input: "hyperparameters",
        key: "num_epochs",
        value: "3",
        message: '"num_epochs" is not an input of chat_completion_pipeline 9.9.9; did you mean "num_train_epochs"?',
      },
    ]);
    expect(r.values).toEqual({});
  });

  it("suggests across spelling, action input names, typos and shared words", () => {
    const names = Object.keys(MINI.inputs);
    expect(nearestInput("Learning-Rate", names)).toBe("learning_rate");
    expect(nearestInput("epochs", names)).toBe("num_train_epochs");
    expect(nearestInput("batch-size", names)).toBe("per_device_train_batch_size");
    expect(nearestInput("learnin_rate", names)).toBe("learning_rate");
    expect(nearestInput("warmup_ratio", names)).toBe("warmup_steps");
    expect(nearestInput("lora_rank", names)).toBe("lora_r");
    expect(nearestInput("zzzzzz", names)).toBeUndefined();
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("says plainly when nothing is near", () => {
    expect(messages({ qqqqqqqq: 1 })).toEqual(['"qqqqqqqq" is not an input of chat_completion_pipeline 9.9.9.']);
  });

  it('sends LoRA as the string "true"', () => {
    expect(check({ apply_lora: true }).values).toEqual({ apply_lora: "true" });
    expect(check({ apply_lora: false }).values).toEqual({ apply_lora: "false" });
    expect(check({ apply_lora: "True" }).values).toEqual({ apply_lora: "true" });
  });

  it("rejects a value outside a string enum and suggests the nearest allowed one", () => {
    expect(messages({ lr_scheduler_type: "cosin" })).toEqual([
      'lr_scheduler_type = "cosin" is not one of "linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup"; did you mean "cosine"?',
    ]);
    expect(messages({ apply_lora: "yes" })[0]).toMatch(/apply_lora = "yes" is not one of "true", "false"/);
  });

  it("takes an enum value that differs only in case, in the spec's spelling", () => {
    expect(check({ lr_scheduler_type: "Cosine" }).values).toEqual({ lr_scheduler_type: "cosine" });
  });

  it("sends a number for a string enum of numbers as that string", () => {
    expect(check({ precision: 16 }).values).toEqual({ precision: "16" });
    expect(messages({ precision: 8 })[0]).toMatch(/precision = 8 is not one of "32", "16"/);
  });

  it("rejects a fraction, a word or a boolean for an integer input", () => {
    expect(messages({ num_train_epochs: 1.5 })).toEqual([
      "num_train_epochs = 1.5 is not a whole number; it takes an integer at least 1.",
    ]);
    expect(messages({ num_train_epochs: "three" })).toEqual([
      'num_train_epochs = "three" is not a whole number; it takes an integer at least 1.',
    ]);
    expect(messages({ num_train_epochs: true })[0]).toMatch(/is not a whole number/);
  });

  it("takes whole numbers written as strings, as a JSON object might give them", () => {
    expect(check({ num_train_epochs: "3", lora_r: 16 }).values).toEqual({ num_train_epochs: "3", lora_r: "16" });
  });

  it("rejects a value below min or above max when the spec declares them", () => {
    expect(messages({ num_train_epochs: 0 })).toEqual(["num_train_epochs = 0 is out of range; it takes at least 1."]);
    // min/max may come back as strings from the service.
    expect(messages({ lora_dropout: 1.5 })).toEqual([
      "lora_dropout = 1.5 is out of range; it takes at least 0 and at most 1.",
    ]);
    expect(check({ lora_r: -5 }).problems).toEqual([]);
  });

  it("takes numbers in any JSON notation and sends them as written", () => {
    expect(check({ learning_rate: 0.00002 }).values).toEqual({ learning_rate: "0.00002" });
    expect(check({ learning_rate: "2e-5" }).values).toEqual({ learning_rate: "2e-5" });
    expect(check({ learning_rate: 2e-7 }).values).toEqual({ learning_rate: "2e-7" });
    expect(messages({ learning_rate: "fast" })).toEqual(['learning_rate = "fast" is not a number; it takes a number.']);
  });

  it("sends a boolean input as lower-case true/false and rejects anything else", () => {
    expect(check({ use_fast_tokenizer: false }).values).toEqual({ use_fast_tokenizer: "false" });
    expect(check({ use_fast_tokenizer: "TRUE" }).values).toEqual({ use_fast_tokenizer: "true" });
    expect(messages({ use_fast_tokenizer: "maybe" })[0]).toMatch(/is not a boolean; it takes true or false/);
  });

  it("takes any scalar for a free string input, but not an empty one", () => {
    expect(check({ shm_size_finetune: "16g" }).values).toEqual({ shm_size_finetune: "16g" });
    expect(messages({ shm_size_finetune: " " })[0]).toMatch(/is empty; leave the key out/);
  });

  it("refuses a file input given as a hyperparameter", () => {
    expect(messages({ deepspeed: "ds.json" })).toEqual([
      "deepspeed is a uri_file input of chat_completion_pipeline 9.9.9 (a file or model, not a value); this action does not pass assets to it.",
    ]);
  });

  it("refuses the inputs the action sets itself, naming the action input to use", () => {
    const r = check({
      compute_finetune: "other",
      train_file_path: "x",
      number_of_gpu_to_use_finetuning: 2,
      task_name: "ChatCompletion",
    });
    expect(r.problems.map((p) => p.message)).toEqual([
      "compute_finetune is set by the compute input; set that instead of giving it in hyperparameters.",
      "train_file_path is set by the train-data input; set that instead of giving it in hyperparameters.",
      "number_of_gpu_to_use_finetuning is set by the gpus-per-node input (default: the GPUs of the VM size); set that instead of giving it in hyperparameters.",
      "task_name is set by the action (always ChatCompletion); set that instead of giving it in hyperparameters.",
    ]);
    // Nor is an action-set input ever suggested for a typo.
    expect(messages({ compute_finetun: "x" })[0]).not.toMatch(/did you mean "compute_finetune"/);
  });

  it("blames the typed action input for a key it sets, and hyperparameters otherwise", () => {
    const r = check({ num_train_epochs: 0, lora_r: "x" });
    expect(r.problems.map((p) => p.input)).toEqual(["epochs", "lora-r"]);
    expect(check({ warmup_ratio: 0.1 }).problems.map((p) => p.input)).toEqual(["hyperparameters"]);
  });

  it("refuses num_nodes_finetune in hyperparameters: the nodes input sets it (checked against max-nodes)", () => {
    expect(messages({ num_nodes_finetune: 2 })).toEqual([
      "num_nodes_finetune is set by the nodes input; set that instead of giving it in hyperparameters.",
    ]);
  });

  it("notes inputs that are allowed but have no effect as given", () => {
    expect(check({ batch_size: 8 }).notes).toEqual([
      expect.stringMatching(/tokenization batch.*per_device_train_batch_size \(the batch-size input\)/),
    ]);
    expect(check({ lora_r: 16 }).notes).toEqual([
      expect.stringMatching(/lora_r has an effect only with apply_lora = "true"/),
    ]);
    expect(check({ lora_r: 16, apply_lora: true }).notes).toEqual([]);
    const spec = { ...MINI, inputs: { ...MINI.inputs, instance_type_preprocess: { type: "string", optional: true } } };
    expect(check({ instance_type_preprocess: "Standard_D4s_v3" }, {}, spec).notes).toEqual([
      expect.stringMatching(/instance_type_preprocess has no effect/),
    ]);
    expect(check({ instance_type_preprocess: "Standard_D4s_v3" }, { serverless: true }, spec).notes).toEqual([]);
  });

  it("reports every problem at once", () => {
    expect(
      check({ num_epochs: 1, learning_rate: "x", lr_scheduler_type: "cosin", apply_lora: true }).problems,
    ).toHaveLength(3);
  });
});

describe("the typed inputs and the component", () => {
  const typedValues: Record<string, string> = {
    epochs: "2",
    "learning-rate": "0.0001",
    "lr-scheduler-type": "cosine",
    "batch-size": "2",
    "gradient-accumulation-steps": "4",
    "max-seq-length": "2048",
    "warmup-steps": "10",
    "weight-decay": "0.01",
    lora: "true",
    "lora-r": "16",
    "lora-alpha": "32",
    "lora-dropout": "0.05",
    deepspeed: "false",
    seed: "7",
  };
  const read = (values: Record<string, string>) =>
    readInputs(
      new Inputs((n) => ({ "train-data": "azureml:t:1", "validation-data": "azureml:v:1", ...values })[n] ?? ""),
    ).hyperparameters;

  it("maps each typed input to the component input TYPED_INPUTS names (kept equal to inputs.ts)", () => {
    for (const [component, action] of Object.entries(TYPED_INPUTS)) {
      expect(Object.keys(read({ [action]: typedValues[action]! }))).toEqual([component]);
    }
    expect(Object.keys(read(typedValues)).sort()).toEqual(Object.keys(TYPED_INPUTS).sort());
  });

  describe("against the real chat_completion_pipeline spec", () => {
    // Read in the tests, not here: a skipped suite still runs this callback.
    let spec: ComponentSpec;
    beforeAll(() => {
      spec = realSpec();
    });

    it("declares every input the action sets and the model output it publishes", () => {
      expect(checkComponent(spec)).toEqual([]);
    });

    it("accepts every typed input, with lora and deepspeed as the strings the component wants", () => {
      const r = checkHyperparameters(spec, read(typedValues));
      expect(r.problems).toEqual([]);
      expect(r.values).toMatchObject({
        apply_lora: "true",
        apply_deepspeed: "false",
        num_train_epochs: "2",
        learning_rate: "0.0001",
        lr_scheduler_type: "cosine",
        lora_dropout: "0.05",
      });
    });

    it("knows the component's other inputs, and its enums", () => {
      const r = checkHyperparameters(spec, {
        max_steps: 100,
        optim: "adafactor",
        evaluation_strategy: "steps",
        deepspeed_stage: 3,
        merge_lora_weights: false,
      });
      expect(r.problems).toEqual([]);
      expect(r.values).toEqual({
        max_steps: "100",
        optim: "adafactor",
        evaluation_strategy: "steps",
        deepspeed_stage: "3",
        merge_lora_weights: "false",
      });
      expect(checkHyperparameters(spec, { optim: "sgd" }).problems[0]!.message).toMatch(
        /optim = "sgd" is not one of "adamw_torch", "adafactor"/,
      );
      expect(checkHyperparameters(spec, { epochs: 3 }).problems[0]!.message).toMatch(/did you mean "num_train_epochs"/);
      expect(checkHyperparameters(spec, { eval_batch_size: 3 }).problems[0]!.message).toMatch(
        /did you mean "per_device_eval_batch_size"/,
      );
    });

    it("gives the component's defaults of the typed training inputs for the summary", () => {
      expect(typedDefaults(spec)).toMatchObject({
        num_train_epochs: "1",
        lr_scheduler_type: "linear",
        apply_lora: "false",
        per_device_train_batch_size: "1",
      });
    });

    it("reads the registry's answer as the emulator and Azure give it", () => {
      expect(componentSpecOf(componentVersionResource("0.0.64")).version).toBe("0.0.64");
    });
  });
});
