import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { pipelineSpecFile } from "../../emulator/src/azure-files.js";
import { API_VERSION, loadContract, type Contract } from "../../emulator/src/contract/openapi.js";
import { componentSpecOf, type ComponentSpec } from "../src/component.js";

export const ARM = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w";
export const Q = `?api-version=${API_VERSION}`;

let contract: Contract | undefined;
/** The official OpenAPI contract (Azure's files in emulator/azure/; a missing file fails the test). */
export function officialContract(): Contract {
  contract ??= loadContract();
  return contract;
}

/** A component version resource as the registry answers it: the spec.yaml's content in properties.componentSpec. */
export function componentVersionResource(version = "0.0.65"): unknown {
  const yaml = parse(readFileSync(pipelineSpecFile(), "utf8")) as Record<string, unknown>;
  return {
    id: `/subscriptions/x/resourceGroups/y/providers/Microsoft.MachineLearningServices/registries/azureml/components/chat_completion_pipeline/versions/${version}`,
    name: version,
    properties: { componentSpec: { ...yaml, version } },
  };
}

export const realSpec = (): ComponentSpec => componentSpecOf(componentVersionResource());

/**
 * A small hand-written spec with one input of each kind the checks handle; the generic rules are tested on
 * it, each rule on one small input (the real spec is tested too: realSpec).
 */
export const MINI: ComponentSpec = {
  name: "chat_completion_pipeline",
  version: "9.9.9",
  type: "pipeline",
  inputs: {
    num_train_epochs: { type: "integer", min: 1, default: 1, optional: true },
    num_nodes_finetune: { type: "integer", min: 1, default: 1, optional: true },
    learning_rate: { type: "number", default: 2e-5, optional: true },
    lora_dropout: { type: "number", min: 0, max: "1", default: 0, optional: true },
    lr_scheduler_type: {
      type: "string",
      enum: ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup"],
      default: "linear",
      optional: true,
    },
    apply_lora: { type: "string", enum: ["true", "false"], default: "false", optional: true },
    lora_r: { type: "integer", default: 8, optional: true },
    precision: { type: "string", enum: ["32", "16"], default: "32", optional: true },
    batch_size: { type: "integer", min: 1, default: 1000, optional: true },
    per_device_train_batch_size: { type: "integer", min: 1, default: 1, optional: true },
    warmup_steps: { type: "integer", default: 0, optional: true },
    shm_size_finetune: { type: "string", default: "5g", optional: true },
    instance_type_finetune: { type: "string", default: "Standard_nc24rs_v3", optional: true },
    use_fast_tokenizer: { type: "boolean", default: true, optional: true },
    deepspeed: { type: "uri_file", optional: true, mode: "rw_mount" },
    task_name: { type: "string", enum: ["ChatCompletion"], default: "ChatCompletion", optional: false },
    mlflow_model_path: { type: "mlflow_model", optional: true },
    train_file_path: { type: "uri_file", optional: true },
    validation_file_path: { type: "uri_file", optional: true },
    compute_model_import: { type: "string", default: "serverless", optional: true },
    compute_preprocess: { type: "string", default: "serverless", optional: true },
    compute_finetune: { type: "string", default: "serverless", optional: true },
    compute_model_evaluation: { type: "string", default: "serverless", optional: true },
    number_of_gpu_to_use_finetuning: { type: "integer", min: 1, default: 1, optional: true },
  },
  outputs: { mlflow_model_folder: { type: "mlflow_model" }, pytorch_model_folder: { type: "uri_folder" } },
};
