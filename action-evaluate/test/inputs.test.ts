import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Inputs } from "@phi3-aml/shared/inputs";
import { readInputs } from "../src/inputs.js";

const read = (given: Record<string, string>) => {
  const i = new Inputs((name) => given[name] ?? "");
  const value = readInputs(i);
  return { value, problems: i.problems.map((p) => `${p.input}: ${p.message}`) };
};

describe("action-evaluate inputs", () => {
  const saved = process.env.GITHUB_WORKSPACE;
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "phi3-eval-inputs-"));
    writeFileSync(join(dir, "pairs.jsonl"), '{"response":"a","reference":"a"}\n');
    writeFileSync(join(dir, "eval.jsonl"), "{}\n");
    process.env.GITHUB_WORKSPACE = dir;
  });
  afterAll(() => {
    process.env.GITHUB_WORKSPACE = saved;
  });

  it("pairs alone: no Azure inputs read, defaults as action.yml", () => {
    const { value, problems } = read({ pairs: "pairs.jsonl" });
    expect(problems).toEqual([]);
    expect(value).toMatchObject({ mode: "pairs", azure: undefined, maxExamples: 200, evalTimeoutMinutes: 30 });
    expect(value.gate).toEqual({ mode: "on", metric: "f1", tolerance: 0.02, floors: {} });
    expect(value.pairsText).toContain("response");
  });

  it("refuses pairs together with an endpoint", () => {
    const { problems } = read({ pairs: "pairs.jsonl", endpoint: "ep", "eval-data": "eval.jsonl" });
    expect(problems.filter((p) => p.includes("is given with pairs"))).toHaveLength(2);
  });

  it("checks the deployments, the data reference, the gate settings and the floors", () => {
    const { problems } = read({
      endpoint: "ep",
      deployment: "green",
      "baseline-deployment": "GREEN",
      "eval-data": "azureml:bad name:1",
      gate: "maybe",
      "gate-metric": "bleu",
      "min-f1": "1.5",
      "min-rougel": "0.3",
    });
    expect(problems.join("\n")).toMatch(/baseline-deployment: .*is the candidate deployment itself/);
    expect(problems.join("\n")).toMatch(/eval-data: .*is not a data asset reference/);
    expect(problems.join("\n")).toMatch(/gate: .*is not one of: on, report, off/);
    expect(problems.join("\n")).toMatch(/gate-metric: .*is not one of: f1, rouge1, rouge2, rougeL/);
    expect(problems.join("\n")).toMatch(/min-f1: /);
    expect(problems.some((p) => p.startsWith("min-rougel"))).toBe(false);
  });

  it("takes a data asset as azureml:<name>:<version> or as action-dataset's ARM id", () => {
    const arm =
      "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/data/phi3-chat-validation/versions/abc123";
    for (const ref of ["azureml:phi3-chat-validation:3", arm]) {
      const { value, problems } = read({ endpoint: "ep", deployment: "green", "eval-data": ref });
      expect(problems.filter((p) => p.startsWith("eval-data"))).toEqual([]);
      expect(value.evalData).toEqual({ kind: "asset", ref });
    }
  });

  it("needs endpoint, deployment and eval-data without pairs; a missing file is named", () => {
    const { problems } = read({ "eval-data": "nope.jsonl" });
    expect(problems.join("\n")).toMatch(/endpoint: is missing/);
    expect(problems.join("\n")).toMatch(/deployment: is missing/);
    expect(problems.join("\n")).toMatch(/eval-data: .*is not a file in the repository/);
  });
});
