import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { truthy } from "@actions/expressions/result";
import { parse } from "yaml";
import { evaluate, interpolate } from "../scripts/local-workflow.js";
import { REPO_ROOT } from "./harness/paths.js";

interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  steps: Array<{ uses?: string; run?: string; with?: Record<string, string> }>;
}
interface Workflow {
  on: Record<string, { paths?: string[]; types?: string[] } | null>;
  jobs: Record<string, Job>;
}
const workflow = (name: string) => parse(readFileSync(join(REPO_ROOT, ".github/workflows", name), "utf8")) as Workflow;
const runs = (job: Job, contexts: Record<string, unknown>) => !job.if || truthy(evaluate(job.if, contexts));

describe("this repository's workflows on day one", () => {
  const finetune = workflow("finetune.yml");
  const prSmoke = workflow("pr-smoke.yml");
  const teardown = workflow("teardown.yml");

  it("a push trains on the repository's data file, not on a Hub dataset", () => {
    const step = finetune.jobs.dataset!.steps.find((s) => s.uses === "./action-dataset")!;
    const push = { github: { event_name: "push" }, inputs: {}, vars: {} };
    const source = interpolate(step.with!.source, push);
    expect(source).toBe("data/ultrachat-sample.jsonl");
    expect(existsSync(join(REPO_ROOT, source))).toBe(true);
    expect(interpolate(step.with!.split, push)).toBe("train");
    expect(interpolate(step.with!.source, { ...push, vars: { DATASET_SOURCE: "data/ours.jsonl" } })).toBe(
      "data/ours.jsonl",
    );
    expect(finetune.on.push!.paths).toContain("data/**");
  });

  it("editing a smoke prompt runs the smoke check only, never a fine-tune", () => {
    expect(finetune.on.push!.paths!.some((p) => p.startsWith(".github/smoke"))).toBe(false);
    expect(prSmoke.on.push!.paths).toEqual([".github/smoke/**"]);
    const push = { github: { event_name: "push" }, vars: { AZUREML_ENDPOINT: "phi3-chat" } };
    expect(
      Object.entries(prSmoke.jobs)
        .filter(([, j]) => runs(j, push))
        .map(([n]) => n),
    ).toEqual(["chat"]);
  });

  it("pr-smoke skips the chat with a notice, not a failure, until an endpoint is configured", () => {
    const pr = (endpoint: string) => ({ github: { event_name: "pull_request" }, vars: { AZUREML_ENDPOINT: endpoint } });
    const running = (endpoint: string) =>
      Object.entries(prSmoke.jobs)
        .filter(([, j]) => runs(j, pr(endpoint)))
        .map(([n]) => n);
    expect(running("")).toEqual(["validate-data", "no-endpoint"]);
    expect(prSmoke.jobs["no-endpoint"]!.steps[0]!.run).toMatch(/::notice title=[^:]*::.*AZUREML_ENDPOINT/);
    expect(prSmoke.jobs["no-endpoint"]!.permissions).toEqual({});
    expect(running("phi3-chat")).toEqual(["validate-data", "chat"]);
  });

  it("no teardown on pull-request close: nothing creates per-PR endpoints", () => {
    expect(Object.keys(teardown.on)).toEqual(["schedule", "workflow_dispatch"]);
  });

  it("jobs that create or spend use `azureml`, chat smoke `azureml-smoke`, teardown `azureml-teardown`", () => {
    // The environment comes from a variable: none at all with AZUREML_ENVIRONMENTS=none (plans without them).
    const env = (job: Job, vars: Record<string, string>) => interpolate(job.environment ?? "", { vars });
    for (const wf of [finetune, prSmoke, teardown])
      for (const job of Object.values(wf.jobs)) {
        if (job.permissions?.["id-token"] !== "write") continue;
        const uses = job.steps.map((s) => s.uses).join(" ");
        const want = uses.includes("./action-chat-smoke")
          ? "azureml-smoke"
          : uses.includes("./actions/teardown")
            ? "azureml-teardown"
            : "azureml";
        expect([uses, env(job, {}), env(job, { AZUREML_ENVIRONMENTS: "none" })]).toEqual([uses, want, ""]);
      }
  });
});
