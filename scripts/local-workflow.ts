// Runs a repository workflow's jobs on this machine, the way GitHub would run them, with the bundled
// in-repo actions against the local emulator: jobs in `needs` order, `if:` conditions, `with:` and job
// outputs evaluated by GitHub's own expression engine (@actions/expressions), after GitHub's workflow parser
// has accepted the file and every step's `with:` keys match its action.yml (the workflow linter's check: an
// unknown key fails the run here, where GitHub would only warn). Only what our workflows use is supported:
// `uses: ./…` steps, and examples/' `OWNER/REPO/<action>@vN` as the same folder here (actions/checkout is the
// checkout you are in), job and step outputs, env, inputs, vars, github, needs, steps; the event is
// workflow_dispatch unless `event` names another (schedule, push).
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parse } from "yaml";
import { runAction, type ActionRun } from "../test/harness/run-action.js";
import { checkActionInputs } from "./lint-workflows.js";

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
  on: { workflow_dispatch?: { inputs?: Record<string, DispatchInput> } };
  jobs: Record<string, Job>;
}

interface DispatchInput {
  type?: string;
  default?: unknown;
  options?: string[];
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

/**
 * The `inputs` context of a workflow_dispatch run: the workflow's defaults, overridden by `given`. A name the
 * workflow does not declare, a choice outside its options or a boolean that is not true/false is refused (all
 * problems at once); booleans become booleans, as GitHub gives them.
 */
export function dispatchInputs(
  declared: Record<string, DispatchInput>,
  given: Record<string, string>,
): Record<string, unknown> {
  const problems: string[] = [];
  const names = Object.keys(declared);
  for (const [name, value] of Object.entries(given)) {
    const d = declared[name];
    if (!d) problems.push(`--input ${name}=${value}: the workflow has no input "${name}"; it has: ${names.join(", ")}`);
    else if (d.type === "boolean" && !["true", "false"].includes(value))
      problems.push(`--input ${name}=${value}: "${name}" is a boolean: give true or false`);
    else if (d.type === "choice" && d.options && !d.options.includes(value))
      problems.push(`--input ${name}=${value}: "${name}" is one of ${d.options.join(", ")}`);
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return Object.fromEntries(
    names.map((name) => {
      const value = given[name] ?? declared[name]!.default;
      return [name, declared[name]!.type === "boolean" ? String(value) === "true" : value];
    }),
  );
}

/** Refuses a workflow whose steps pass keys their action.yml does not declare, or leave out required ones. */
async function checkWithKeys(file: string, content: string): Promise<void> {
  const problems = await checkActionInputs(relative(process.cwd(), file), content);
  if (problems.length)
    throw new Error(
      `${file}: steps pass inputs their actions do not take (GitHub would only warn, and ignore them):\n` +
        problems.map((p) => `  ${p.replace(/ \[languageservice\]$/, "")}`).join("\n"),
    );
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

type Needs = Record<string, { result: string; outputs: Record<string, string> }>;

interface RunOptions {
  file: string;
  /** github.event_name: workflow_dispatch unless given (e.g. schedule). */
  event?: string;
  /** github.event: the event's payload (e.g. a pull_request's head repository); empty unless given. */
  payload?: Record<string, unknown>;
  env: Record<string, string>;
  vars: Record<string, string>;
  inputs?: Record<string, string>;
  cwd: string;
  onStep?: (r: StepResult) => void;
}

/** The workflow file, accepted by GitHub's parser and the `with:` check, and its dispatch inputs. */
async function load(o: RunOptions): Promise<{ wf: Workflow; inputs: Record<string, unknown> }> {
  const content = readFileSync(o.file, "utf8");
  const parsed = parseWorkflow({ name: o.file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors();
  if (errors.length)
    throw new Error(`GitHub's workflow parser rejects ${o.file}: ${errors.map((e) => e.message).join("; ")}`);
  await checkWithKeys(o.file, content);
  const wf = parse(content) as Workflow;
  return { wf, inputs: dispatchInputs(wf.on.workflow_dispatch?.inputs ?? {}, o.inputs ?? {}) };
}

/** Why a job does not run (its `if:` or a need that did not succeed), or undefined when it runs. */
function skipReason(job: Job, jobNeeds: Needs, base: Record<string, unknown>): string | undefined {
  const failedNeed = Object.entries(jobNeeds).find(([, n]) => n?.result !== "success");
  const condition = job.if ? truthy(evaluate(job.if.replace(/^\$\{\{|\}\}$/g, "").trim(), base)) : !failedNeed;
  if (failedNeed) return `needs ${failedNeed[0]} (${failedNeed[1]?.result})`;
  return condition ? undefined : `if: ${job.if}`;
}

/** The folder of one of our actions a step uses: `./action-x`, or examples/' `OWNER/REPO/action-x@v1`. */
export function localAction(uses: string | undefined): string | undefined {
  if (uses?.startsWith("./")) return uses.slice(2);
  return /^OWNER\/REPO\/((?:action-|actions\/)[\w-]+)@v\d+$/.exec(uses ?? "")?.[1];
}

/** One job's steps in order, until one fails; its result and outputs. */
async function runJob(
  o: RunOptions,
  wf: Workflow,
  jobName: string,
  base: Record<string, unknown>,
  report: (r: StepResult) => void,
): Promise<Needs[string]> {
  const job = wf.jobs[jobName]!;
  const env = Object.fromEntries(Object.entries({ ...wf.env, ...job.env }).map(([k, v]) => [k, interpolate(v, base)]));
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  let result = "success";
  for (const step of job.steps) {
    const label = step.id ?? step.uses ?? step.run ?? "step";
    const local = localAction(step.uses);
    if (!local) {
      const skipped = step.uses
        ? `${step.uses}: this checkout is the workspace`
        : "run: steps are not part of the chain";
      report({ job: jobName, step: label, skipped });
      continue;
    }
    const contexts = { ...base, env, steps };
    const withInputs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(v, contexts)]),
    );
    const run = await runAction(local, {
      env: { ...o.env, ...env },
      inputs: withInputs,
      cwd: o.cwd,
      keepFiles: true,
      timeoutMs: 300_000,
    });
    if (step.id) steps[step.id] = { outputs: run.outputs };
    report({ job: jobName, step: label, run });
    if (run.code !== 0) {
      result = "failure";
      break;
    }
  }
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, { ...base, env, steps })]),
  );
  return { result, outputs };
}

export async function runWorkflow(o: RunOptions): Promise<{ results: StepResult[]; needs: Needs }> {
  const { wf, inputs: declared } = await load(o);
  // Only a workflow_dispatch run has inputs; on a schedule or a push the inputs context is empty.
  const inputs = (o.event ?? "workflow_dispatch") === "workflow_dispatch" ? declared : {};
  const github = {
    event_name: o.event ?? "workflow_dispatch",
    event: o.payload ?? {},
    repository: o.env.GITHUB_REPOSITORY ?? "octo-org/phi3-demo",
    ref: "refs/heads/main",
    sha: o.env.GITHUB_SHA ?? "0".repeat(40),
  };
  const needs: Needs = {};
  const results: StepResult[] = [];
  const report = (r: StepResult) => {
    results.push(r);
    o.onStep?.(r);
  };
  for (const jobName of jobOrder(wf.jobs)) {
    const job = wf.jobs[jobName]!;
    const jobNeeds = Object.fromEntries([job.needs ?? []].flat().map((n) => [n, needs[n]!]));
    const base = { github, inputs, vars: o.vars, needs: jobNeeds };
    const skipped = skipReason(job, jobNeeds, base);
    if (skipped) {
      needs[jobName] = { result: "skipped", outputs: {} };
      report({ job: jobName, step: "(job)", skipped });
      continue;
    }
    needs[jobName] = await runJob(o, wf, jobName, base, report);
  }
  return { results, needs };
}
