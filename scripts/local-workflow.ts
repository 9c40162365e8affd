// Runs a repository workflow's jobs on this machine, the way GitHub would run them, with the bundled
// in-repo actions against the local emulator: jobs in `needs` order, `if:` conditions, `with:` and job
// outputs evaluated by GitHub's own expression engine (@actions/expressions), after GitHub's workflow parser
// has accepted the file. Only what our workflows use is supported: `uses: ./…` steps (actions/checkout is the
// checkout you are in), job and step outputs, env, inputs, vars, github, needs, steps.
import { readFileSync } from "node:fs";
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parse } from "yaml";
import { runAction, type ActionRun } from "../test/harness/run-action.js";

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  env?: Record<string, string>;
  on: { workflow_dispatch?: { inputs?: Record<string, { default?: unknown }> } };
  jobs: Record<string, Job>;
}

export interface StepResult {
  job: string;
  step: string;
  run?: ActionRun;
  skipped?: string;
}

const CONTEXTS = [
  "github",
  "inputs",
  "vars",
  "env",
  "needs",
  "steps",
  "job",
  "runner",
  "secrets",
  "matrix",
  "strategy",
];

/** Evaluates one expression (without ${{ }}) against the contexts, with GitHub's engine. */
export function evaluate(expression: string, contexts: Record<string, unknown>): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const expr = new Parser(lexed.tokens, CONTEXTS, []).parse();
  const ctx = JSON.parse(
    JSON.stringify(Object.fromEntries(CONTEXTS.map((c) => [c, contexts[c] ?? {}]))),
    data.reviver,
  ) as data.Dictionary;
  return new Evaluator(expr, ctx).evaluate();
}

/** A value with ${{ }} parts, as GitHub interpolates it into a string. */
export function interpolate(value: unknown, contexts: Record<string, unknown>): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.replace(/\$\{\{(.*?)\}\}/g, (_m, e: string) => evaluate(e.trim(), contexts).coerceString());
}

/** The jobs in an order that respects `needs`. */
export function jobOrder(jobs: Record<string, Job>): string[] {
  const done: string[] = [];
  const visit = (name: string, path: string[] = []) => {
    if (done.includes(name)) return;
    if (path.includes(name)) throw new Error(`needs cycle: ${[...path, name].join(" → ")}`);
    for (const n of [jobs[name]?.needs ?? []].flat()) visit(n, [...path, name]);
    done.push(name);
  };
  Object.keys(jobs).forEach((j) => visit(j));
  return done;
}

export async function runWorkflow(o: {
  file: string;
  env: Record<string, string>;
  vars: Record<string, string>;
  inputs?: Record<string, string>;
  cwd: string;
  onStep?: (r: StepResult) => void;
}): Promise<{ results: StepResult[]; needs: Record<string, { result: string; outputs: Record<string, string> }> }> {
  const content = readFileSync(o.file, "utf8");
  const parsed = parseWorkflow({ name: o.file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors();
  if (errors.length)
    throw new Error(`GitHub's workflow parser rejects ${o.file}: ${errors.map((e) => e.message).join("; ")}`);
  const wf = parse(content) as Workflow;
  const inputs = {
    ...Object.fromEntries(Object.entries(wf.on.workflow_dispatch?.inputs ?? {}).map(([k, v]) => [k, v.default])),
    ...(o.inputs ?? {}),
  };
  const github = {
    event_name: "workflow_dispatch",
    repository: o.env.GITHUB_REPOSITORY ?? "octo-org/phi3-demo",
    ref: "refs/heads/main",
    sha: o.env.GITHUB_SHA ?? "0".repeat(40),
  };
  const needs: Record<string, { result: string; outputs: Record<string, string> }> = {};
  const results: StepResult[] = [];

  for (const jobName of jobOrder(wf.jobs)) {
    const job = wf.jobs[jobName]!;
    const jobNeeds = Object.fromEntries([job.needs ?? []].flat().map((n) => [n, needs[n]]));
    const base = { github, inputs, vars: o.vars, needs: jobNeeds };
    const failedNeed = Object.entries(jobNeeds).find(([, n]) => n?.result !== "success");
    const condition = job.if ? truthy(evaluate(job.if.replace(/^\$\{\{|\}\}$/g, "").trim(), base)) : !failedNeed;
    if (!condition || failedNeed) {
      const why = failedNeed ? `needs ${failedNeed[0]} (${failedNeed[1]?.result})` : `if: ${job.if}`;
      needs[jobName] = { result: "skipped", outputs: {} };
      results.push({ job: jobName, step: "(job)", skipped: why });
      o.onStep?.(results.at(-1)!);
      continue;
    }
    const env = Object.fromEntries(
      Object.entries({ ...wf.env, ...job.env }).map(([k, v]) => [k, interpolate(v, base)]),
    );
    const steps: Record<string, { outputs: Record<string, string> }> = {};
    let result = "success";
    for (const step of job.steps) {
      const label = step.id ?? step.uses ?? step.run ?? "step";
      if (!step.uses?.startsWith("./")) {
        results.push({
          job: jobName,
          step: label,
          skipped: step.uses ? `${step.uses}: this checkout is the workspace` : "run: steps are not part of the chain",
        });
        o.onStep?.(results.at(-1)!);
        continue;
      }
      const contexts = { ...base, env, steps };
      const withInputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(v, contexts)]),
      );
      const run = await runAction(step.uses.slice(2), {
        env: { ...o.env, ...env },
        inputs: withInputs,
        cwd: o.cwd,
        keepFiles: true,
        timeoutMs: 300_000,
      });
      if (step.id) steps[step.id] = { outputs: run.outputs };
      results.push({ job: jobName, step: label, run });
      o.onStep?.(results.at(-1)!);
      if (run.code !== 0) {
        result = "failure";
        break;
      }
    }
    const outputs = Object.fromEntries(
      Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, { ...base, env, steps })]),
    );
    needs[jobName] = { result, outputs };
  }
  return { results, needs };
}
