/**
 * Issue 25, items 5 and 6 for the fine-tune: Hugging Face ids that Hugging Face refuses, and hyperparameter
 * JSON that tries Object.prototype or repeats a key, stop before any write with plain messages.
 */
import { world } from "../../test/harness/emulator.js";
import { runAction, type ActionRun } from "../../test/harness/run-action.js";

const ACTION = "action-finetune";
const errors = (r: ActionRun) =>
  r.annotations
    .filter((a) => a.level === "error")
    .map((a) => `${a.title ?? ""} ${a.message}`)
    .join("\n");

it("refuses Hugging Face ids by huggingface_hub's rules, and repeated hyperparameter keys, before any call", async () => {
  const w = await world();
  const data = { "train-data": "azureml:t:1", "validation-data": "azureml:v:1" };
  const long = await runAction(ACTION, {
    env: w.env,
    inputs: { ...data, "huggingface-id": `a/${"x".repeat(300)}`, hyperparameters: '{"max_steps": 5, "max_steps": 50}' },
  });
  expect(long.code).toBe(1);
  expect(errors(long)).toContain("has a name of 300 characters; Hugging Face allows at most 96");
  expect(errors(long)).toContain('gives "max_steps" more than once');

  const dots = await runAction(ACTION, { env: w.env, inputs: { ...data, "huggingface-id": "microsoft/Phi-3..mini-" } });
  expect(dots.code).toBe(1);
  expect(errors(dots)).toContain("Input huggingface-id");
  expect(errors(dots)).toContain('no part may start or end with "-" or "."');
  // Refused while reading the inputs: not even a token was asked for.
  expect(await w.idTokensIssued()).toBe(0);
});

it("hyperparameters constructor and __proto__ get plain messages, and nothing is written", async () => {
  const w = await world();
  const run = await runAction(ACTION, {
    env: w.env,
    inputs: {
      "train-data": "azureml:nope:1",
      "validation-data": "azureml:nope:2",
      hyperparameters: '{"constructor": 1, "__proto__": 1, "toString": 2}',
    },
  });
  expect(run.code).toBe(1);
  const error = errors(run);
  expect(error).toContain('"constructor" is not an input of chat_completion_pipeline');
  expect(error).toContain('"__proto__" is not an input of chat_completion_pipeline');
  expect(error).toContain('"toString" is not an input of chat_completion_pipeline');
  expect(error).not.toMatch(/native code|\[object Object\]|function /);
  expect((await w.armCalls()).filter((c) => ["PUT", "PATCH", "DELETE"].includes(c.method))).toEqual([]);
});
