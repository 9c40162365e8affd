import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "./harness/paths.js";

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface ActionMeta {
  inputs?: Record<string, { required?: boolean; default?: string }>;
  outputs?: Record<string, unknown>;
}

// This repository's workflows, and the consumer examples, whose `OWNER/REPO/action-x@v1` is read as `./action-x`.
const workflows = [".github/workflows", "examples"].flatMap((d) =>
  readdirSync(join(REPO_ROOT, d))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${d}/${f}`),
);
const asLocal = (text: string) => text.replace(/\bOWNER\/REPO\/((?:action-|actions\/)[\w-]+)@v\d+/g, "./$1");
const action = (uses: string) => parse(readFileSync(join(REPO_ROOT, uses, "action.yml"), "utf8")) as ActionMeta;
const refs = (text: string, kind: "needs" | "steps") =>
  [...text.matchAll(new RegExp(`\\b${kind}\\.([\\w-]+)\\.outputs\\.([\\w-]+)`, "g"))].map((m) => ({
    name: m[1]!,
    output: m[2]!,
  }));

describe.each(workflows)("workflow %s uses our actions as they are declared", (file) => {
  const wf = parse(asLocal(readFileSync(join(REPO_ROOT, file), "utf8"))) as {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
  };

  it("passes only inputs the actions declare, and every input they require", () => {
    const problems: string[] = [];
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.uses?.startsWith("./")) continue;
        const path = step.uses.slice(2);
        if (!existsSync(join(REPO_ROOT, path, "action.yml"))) {
          problems.push(`${jobName}: ${step.uses} has no action.yml`);
          continue;
        }
        const meta = action(path);
        for (const key of Object.keys(step.with ?? {}))
          if (!(key in (meta.inputs ?? {}))) problems.push(`${jobName}: ${step.uses} has no input "${key}"`);
        for (const [name, input] of Object.entries(meta.inputs ?? {})) {
          if (input.required && input.default === undefined && !(name in (step.with ?? {})))
            problems.push(`${jobName}: ${step.uses} requires "${name}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("reads only outputs that exist: needs.<job>.outputs.<name> and steps.<id>.outputs.<name>", () => {
    const problems: string[] = [];
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      const needs = [job.needs ?? []].flat();
      const text = JSON.stringify(job);
      for (const r of refs(text, "needs")) {
        if (!needs.includes(r.name)) problems.push(`${jobName}: needs.${r.name} is not in its needs`);
        else if (!(r.output in (wf.jobs[r.name]?.outputs ?? {})))
          problems.push(`${jobName}: job ${r.name} has no output ${r.output}`);
      }
      for (const r of refs(text, "steps")) {
        const step = job.steps?.find((s) => s.id === r.name);
        if (!step) problems.push(`${jobName}: no step with id ${r.name}`);
        else if (step.uses?.startsWith("./") && !(r.output in (action(step.uses.slice(2)).outputs ?? {})))
          problems.push(`${jobName}: ${step.uses} has no output ${r.output}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("asks for an ID token only in jobs that log in to Azure, and never runs pull_request_target", () => {
    expect(Object.keys(wf.on)).not.toContain("pull_request_target");
    for (const job of Object.values(wf.jobs) as Array<Job & { permissions?: Record<string, string> }>) {
      if (job.permissions?.["id-token"] === "write") expect(JSON.stringify(job.steps)).toMatch(/"uses":"\.\//);
    }
  });
});

it("the consistency test itself catches a wrong input name and a missing output", () => {
  const bad = {
    jobs: {
      a: {
        steps: [{ id: "d", uses: "./action-dataset", with: { sauce: "x" } }],
        outputs: { x: "${{ steps.d.outputs.nope }}" },
      },
    },
  };
  const meta = action("action-dataset");
  expect(Object.keys(bad.jobs.a.steps[0]!.with).filter((k) => !(k in meta.inputs!))).toEqual(["sauce"]);
  expect(refs(JSON.stringify(bad.jobs.a), "steps").filter((r) => !(r.output in meta.outputs!))).toEqual([
    { name: "d", output: "nope" },
  ]);
});
