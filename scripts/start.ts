// `npm start`: the whole pipeline on this machine. Starts the local cloud (GitHub OIDC, Entra ID, Azure ML,
// Azurite, the Hugging Face Hub), runs .github/workflows/finetune.yml as GitHub would run it from
// workflow_dispatch (dataset → fine-tune → deploy → chat smoke), with the workflow's dispatch defaults or the
// inputs given as `--input name=value`, then the teardown action on what it deployed.
//
//   npm start -- --input source=path/to/mine.jsonl --input epochs=2
//
// Each step's log is shown as a person reads it (annotations as `warning: file:line: message`, groups as
// headings, masked values as ***), then its outputs and its summary rendered for a terminal. The summaries
// (and the logs) are also written to a folder named at the end. The last line is a JSON record of the final
// state.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startEmulator, type Emulator } from "../emulator/src/emulator.js";
import { runAction } from "../test/harness/run-action.js";
import { runWorkflow, type StepResult } from "./local-workflow.js";
import { applyMasks, masksOf, renderLog } from "./workflow-commands.js";

const ROOT = new URL("..", import.meta.url).pathname;
const WORKFLOW = ".github/workflows/finetune.yml";

/** Markdown as a terminal shows it well: headings underlined, tables aligned, links as their text. */
export function renderMarkdown(md: string): string {
  const out: string[] = [];
  const lines = md.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const text = plain(heading[2]!);
      out.push(text, (heading[1]!.length <= 2 ? "=" : "-").repeat(text.length));
    } else if (line.startsWith("|")) {
      const rows: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(lines[i]!);
      i--;
      out.push(...table(rows));
    } else if (!/^<\/?details>|^<summary>/.test(line)) out.push(plain(line));
  }
  return out.join("\n");
}

function plain(s: string): string {
  return s
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\\([\\`*_{}[\]()#+!|~<>-])/g, "$1")
    .replace(/<br>/g, " ")
    .replace(/<\/?(summary|b|code|sub|sup)>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\u200d/g, "");
}

/** A markdown table's rows as aligned columns (cells longer than 60 characters cut). */
function table(lines: string[]): string[] {
  const rows = lines
    .filter((l) => !/^\|\s*:?-+/.test(l))
    .map((l) =>
      l
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((c) => plain(c.trim())),
    );
  const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((r) => (r[c] ?? "").length))));
  return rows.map((r) =>
    r
      .map((c, k) => (c.length > 60 ? `${c.slice(0, 59)}…` : c).padEnd(widths[k] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}

/** `--input name=value` (repeatable, or `--input=name=value`) from the command line. */
export function parseArgs(argv: string[]): { inputs: Record<string, string>; debug: boolean } {
  const inputs: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--debug") continue;
    const pair = arg === "--input" ? argv[++i] : arg.startsWith("--input=") ? arg.slice(8) : undefined;
    if (pair === undefined) problems.push(`unknown argument "${arg}": use --input name=value (or --debug)`);
    else if (!pair.includes("=")) problems.push(`--input ${pair}: write it as name=value, e.g. --input epochs=2`);
    else inputs[pair.slice(0, pair.indexOf("="))] = pair.slice(pair.indexOf("=") + 1);
  }
  if (problems.length) throw new Error(problems.join("\n"));
  return { inputs, debug: argv.includes("--debug") };
}

/**
 * A `source` that is a file on this machine, as the workflow's step sees it: a path relative to the checkout.
 * `npm start` runs in the repository root, so a path is resolved from where you typed the command (INIT_CWD);
 * a file outside the repository is copied into the run's folder.
 */
export function localSource(source: string, from: string, runDir: string): { source: string; note?: string } {
  if (/^[a-z]+:\/\//i.test(source)) return { source };
  const file = isAbsolute(source) ? source : resolve(from, source);
  if (!existsSync(file)) throw new Error(`--input source=${source}: there is no file ${file}`);
  const inRepo = relative(ROOT, file);
  if (!inRepo.startsWith("..") && !isAbsolute(inRepo)) return { source: inRepo };
  mkdirSync(join(runDir, "data"), { recursive: true });
  const copy = join(runDir, "data", basename(file));
  copyFileSync(file, copy);
  return { source: relative(ROOT, copy), note: `${file} is outside the repository: copied to ${copy}` };
}

/** Prints each step and writes its summary and log to the run's folder. */
class Printer {
  readonly masks = new Set<string>();
  private n = 0;
  constructor(
    readonly dir: string,
    readonly debug: boolean,
  ) {}

  print = (r: StepResult): void => {
    const title = `${r.job} › ${r.step}`;
    console.log(`\n── ${title} ${"─".repeat(Math.max(0, 70 - title.length))}`);
    if (r.skipped) return void console.log(`  skipped: ${r.skipped}`);
    const run = r.run!;
    const raw = `${run.stdout}\n${run.stderr}`;
    masksOf(raw).forEach((m) => this.masks.add(m));
    const log = renderLog(raw, { masks: this.masks, debug: this.debug });
    for (const line of log.split("\n").filter(Boolean)) console.log(`  ${line}`);
    this.outputs(run.outputs);
    const summary = applyMasks(run.summary, this.masks);
    if (summary.trim()) console.log(`  summary:\n${renderMarkdown(summary).replace(/^/gm, "    ")}`);
    this.save(r, summary, log);
    console.log(`  exit code ${run.code}`);
  };

  private outputs(outputs: Record<string, string>): void {
    if (!Object.keys(outputs).length) return;
    console.log("  outputs:");
    for (const [k, v] of Object.entries(outputs)) {
      const shown = applyMasks(v, this.masks);
      console.log(`    ${k}: ${shown.length > 150 ? `${shown.slice(0, 147)}...` : shown}`);
    }
  }

  private save(r: StepResult, summary: string, log: string): void {
    const step = r.step.replace(/^\.\//, "");
    const name = `${String(++this.n).padStart(2, "0")}-${r.job}-${step}`.replace(/[^\w.-]+/g, "_");
    if (summary.trim()) writeFileSync(join(this.dir, `${name}.md`), summary);
    writeFileSync(join(this.dir, `${name}.log`), log);
  }
}

/** The repository variables of the README's Quick start; here one emulated identity plays all three. */
function azureVars(emu: Emulator): Record<string, string> {
  const names = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP"];
  const vars = Object.fromEntries([...names, "AZUREML_WORKSPACE"].map((k) => [k, emu.env[k]!]));
  return { ...vars, AZURE_SMOKE_CLIENT_ID: vars.AZURE_CLIENT_ID!, AZURE_TEARDOWN_CLIENT_ID: vars.AZURE_CLIENT_ID! };
}

/** Azure ML management requests per action: every request's user agent names the action that sent it. */
function requestsPerAction(emu: Emulator): Record<string, number> {
  const requests: Record<string, number> = {};
  for (const x of emu.exchanges) {
    const action = /phi3-aml-([a-z-]+)\//.exec(x.userAgent ?? "")?.[1];
    if (action && (x.service === "arm" || x.service === "api")) requests[action] = (requests[action] ?? 0) + 1;
  }
  return requests;
}

function resourcesLeft(emu: Emulator): { endpoints: string[]; models: string[] } {
  const all = [...emu.arm.store.resources.values()];
  return {
    endpoints: all.filter((r) => r.type.endsWith("/onlineEndpoints")).map((r) => r.name),
    models: all.filter((r) => r.type.endsWith("/models/versions")).map((r) => r.id.split("/models/")[1]!),
  };
}

async function chain(emu: Emulator, inputs: Record<string, string>, printer: Printer) {
  const { results, needs } = await runWorkflow({
    file: join(ROOT, WORKFLOW),
    env: emu.env,
    vars: azureVars(emu),
    inputs,
    cwd: ROOT,
    onStep: printer.print,
  });
  const chained = results.filter((r) => r.run).every((r) => r.run!.code === 0) && needs.smoke?.result === "success";
  const endpoint = needs.deploy?.outputs.endpoint;
  let teardown: StepResult | undefined;
  if (endpoint) {
    const run = await runAction("actions/teardown", { env: emu.env, inputs: { endpoint }, cwd: ROOT });
    teardown = { job: "teardown", step: "./actions/teardown", run };
    printer.print(teardown);
  }
  return { chained, needs, endpoint, teardownOk: teardown?.run?.code === 0 };
}

async function main(argv: string[]): Promise<boolean> {
  const t0 = Date.now();
  const args = parseArgs(argv);
  const runDir = join(ROOT, ".local-run", new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19));
  mkdirSync(runDir, { recursive: true });
  if (args.inputs.source !== undefined) {
    const local = localSource(args.inputs.source, process.env.INIT_CWD ?? process.cwd(), runDir);
    if (local.note) console.log(local.note);
    args.inputs.source = local.source;
  }
  const given = Object.entries(args.inputs).map(([k, v]) => `${k}=${v}`);
  console.log(`Running ${WORKFLOW} with ${given.length ? given.join(", ") : "its dispatch defaults"}.`);
  console.log("Starting the local cloud (GitHub OIDC issuer, Entra ID, Azure ML API, Azurite, Hugging Face Hub)...");
  const emu = await startEmulator();
  try {
    await shortenPacing(emu);
    const printer = new Printer(runDir, args.debug);
    const run = await chain(emu, args.inputs, printer);
    const left = resourcesLeft(emu);
    const ok = run.chained && run.teardownOk && left.endpoints.length === 0;
    const seconds = Math.round((Date.now() - t0) / 100) / 10;
    console.log(
      `\n${ok ? "The whole chain ran" : "The chain did NOT complete"} in ${seconds.toFixed(1)} s: dataset → fine-tune → deploy → chat smoke → teardown.`,
    );
    console.log(`Step summaries and logs: ${relative(process.env.INIT_CWD ?? process.cwd(), runDir) || "."}/`);
    const state = {
      ok,
      seconds,
      source: args.inputs.source,
      fingerprint: run.needs.dataset?.outputs.fingerprint,
      job: run.needs.finetune?.outputs["job-name"],
      models: left.models,
      endpoint: run.endpoint,
      answered: run.endpoint
        ? emu.scoring.requests.filter((q) => q.endpoint === run.endpoint && q.status === 200).length
        : 0,
      endpointsLeft: left.endpoints,
      summaries: runDir,
      requests: requestsPerAction(emu),
    };
    console.log(JSON.stringify(state));
    return ok;
  } finally {
    await emu.stop();
  }
}

/** npm start's Retry-After, in seconds; Azure and the emulator's default send 10 (the spec's minimum). */
const START_RETRY_AFTER_SECONDS = 1;

/** Shortens the local cloud's Retry-After through its control API, so the chain's deletes do not wait 10 s a look. */
async function shortenPacing(emu: Emulator): Promise<void> {
  const res = await fetch(`${emu.controlUrl}/arm/config`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ retryAfterSeconds: START_RETRY_AFTER_SECONDS }),
  });
  if (!res.ok) throw new Error(`Could not shorten the local cloud's pacing: ${res.status}`);
  console.log(
    `Retry-After shortened to ${START_RETRY_AFTER_SECONDS} s for this run (Azure and the local cloud's default: 10 s; the actions honour it, up to 2 minutes).`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const ok = await main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`npm start: ${e.message}`);
    return false;
  });
  process.exit(ok ? 0 : 1);
}
