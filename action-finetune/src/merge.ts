/**
 * The hyperparameters of the job, merged as Azure ML studio and Microsoft's chat-completion notebook merge
 * them (Azure/azureml-examples sdk/python/foundation-models/system/finetune/chat-completion/chat-completion.ipynb:
 * the model's `model_specific_defaults` tag over the training parameters). Precedence, highest first:
 * a typed input > the `hyperparameters` JSON > the model's `model_specific_defaults` > the component's defaults.
 * Every value keeps where it came from, for the summary.
 */
import { dict, own } from "@phi3-aml/shared/lookup";
import { checkHyperparameters, TYPED_INPUTS, type ComponentSpec, type HyperValue } from "./component.js";

export interface MergeInput {
  typed: Readonly<Record<string, HyperValue>>;
  extra: Readonly<Record<string, HyperValue>>;
  modelDefaults: Readonly<Record<string, HyperValue>>;
  /** "Phi-4 version 8 (registry azureml)": whose defaults. */
  modelLabel?: string;
  serverless?: boolean;
}

export interface Merged {
  /** Component input → literal the job sends. */
  values: Record<string, string>;
  /** Component input → "input learning-rate", "hyperparameters", "model default (…)". */
  sources: Record<string, string>;
  problems: string[];
  notes: string[];
}

export function mergeHyperparameters(spec: ComponentSpec, m: MergeInput): Merged {
  const user = checkHyperparameters(spec, { ...m.extra, ...m.typed }, { serverless: m.serverless });
  const defaults = checkHyperparameters(spec, m.modelDefaults, { serverless: m.serverless });
  const notes = [...user.notes];
  // A model default this component version does not take (learning_rate_min, for Studio's sliders) is left out.
  for (const p of defaults.problems) notes.push(`The model default ${p.key} = ${p.value} is left out: ${p.message}`);
  const values = { ...defaults.values, ...user.values };
  const sources = dict<string>();
  for (const key of Object.keys(values)) {
    if (Object.hasOwn(user.values, key))
      sources[key] = Object.hasOwn(m.typed, key) ? `input ${own(TYPED_INPUTS, key) ?? key}` : "hyperparameters";
    else sources[key] = `model default${m.modelLabel ? ` (${m.modelLabel})` : ""}`;
  }
  return { values, sources, problems: user.problems.map((p) => `${p.input}: ${p.message}`), notes };
}
