import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inputs } from "@phi3-aml/shared/inputs";
import { readGateInputs } from "../src/gate-inputs.js";
import { planRollout, type PlanInput } from "../src/plan.js";
import { ARM, deploymentGet, endpointGet } from "./helpers.js";

const repo = mkdtempSync(join(tmpdir(), "gate-inputs-"));
writeFileSync(join(repo, "eval.jsonl"), "{}\n");

function read(values: Record<string, string>) {
  const old = process.env.GITHUB_WORKSPACE;
  process.env.GITHUB_WORKSPACE = repo;
  try {
    const i = new Inputs((n) => values[n] ?? "");
    return { gate: readGateInputs(i), problems: i.problems.map((p) => `${p.input}: ${p.message}`) };
  } finally {
    process.env.GITHUB_WORKSPACE = old;
  }
}

describe("the gate's inputs", () => {
  it("is off without eval-data, on with it, with the documented defaults", () => {
    expect(read({}).gate).toMatchObject({ mode: "off", data: undefined });
    expect(read({ "eval-data": "eval.jsonl" })).toEqual({
      gate: {
        mode: "on",
        data: { kind: "file", path: join(repo, "eval.jsonl"), input: "eval.jsonl" },
        metric: "f1",
        tolerance: 0.02,
        maxExamples: 200,
        timeoutMs: 30 * 60_000,
      },
      problems: [],
    });
  });

  it("takes action-dataset's data asset id and azureml: references as assets", () => {
    const id = `${ARM}/data/phi3-chat-validation/versions/3`;
    expect(read({ "eval-data": id }).gate.data).toEqual({ kind: "asset", ref: id });
    expect(read({ "eval-data": "azureml:phi3-chat-validation:3" }).gate.data).toEqual({
      kind: "asset",
      ref: "azureml:phi3-chat-validation:3",
    });
  });

  it("reports every bad gate input together, each naming the input", () => {
    const { problems } = read({
      gate: "maybe",
      "gate-metric": "bleu",
      "gate-tolerance": "-1",
      "max-examples": "0",
      "eval-timeout-minutes": "0",
      "eval-data": "../outside.jsonl",
    });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "eval-data",
      "gate",
      "gate-metric",
      "gate-tolerance",
      "max-examples",
      "eval-timeout-minutes",
    ]);
    expect(read({ gate: "on" }).problems).toEqual([expect.stringMatching(/^gate: "on" needs eval-data/)]);
    expect(read({ "eval-data": "missing.jsonl" }).problems).toEqual([expect.stringContaining("is not a file")]);
    expect(read({ "eval-data": "azureml:no-version" }).problems).toEqual([
      expect.stringContaining("is not a data asset reference"),
    ]);
  });
});

describe("the gate step in the rollout plan", () => {
  const base: PlanInput = {
    endpointName: "octo-org-phi3-demo",
    deployments: [],
    model: { name: "phi3-chat-ft", version: "7", id: `${ARM}/models/phi3-chat-ft/versions/7` },
    settings: "aaaaaaaaaaaaaaaa",
    instanceType: "Standard_NC24ads_A100_v4",
    instanceCount: 1,
    traffic: 100,
    keepPrevious: false,
    smoke: true,
    gate: true,
    repository: "octo-org/phi3-demo",
  };

  it("runs after the smoke prompt and before the traffic moves, against the deployment in production", () => {
    const p = planRollout({
      ...base,
      endpoint: endpointGet({ traffic: { v06: 100 } }),
      deployments: [deploymentGet("v06")],
    });
    expect(p.steps.map((s) => s.kind)).toEqual([
      "create-deployment",
      "smoke",
      "gate",
      "set-traffic",
      "delete-deployment",
    ]);
    expect(p.steps[2]).toEqual({ kind: "gate", deployment: "v07", baseline: "v06" });
  });

  it("has no baseline on a first deploy, and no step when the gate is off", () => {
    expect(planRollout(base).steps.find((s) => s.kind === "gate")).toEqual({ kind: "gate", deployment: "v07" });
    expect(planRollout({ ...base, gate: false }).steps.map((s) => s.kind)).not.toContain("gate");
  });
});
