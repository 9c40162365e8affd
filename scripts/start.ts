// `npm start`: the whole pipeline on this machine. Starts the local cloud (GitHub OIDC, Entra ID, Azure ML,
// Azurite, the Hugging Face Hub), runs .github/workflows/finetune.yml as GitHub would (dataset from the
// repository's sample → fine-tune → deploy → chat smoke, otherwise with its workflow_dispatch defaults), then
// the teardown action on what it deployed,
// printing each step, its outputs and its summary. The last line is a JSON record of the final state.
import { join } from "node:path";
import { startEmulator } from "../emulator/src/emulator.js";
import { runAction } from "../test/harness/run-action.js";
import { runWorkflow, type StepResult } from "./local-workflow.js";

const ROOT = new URL("..", import.meta.url).pathname;

/** Markdown as a terminal shows it well: headings underlined, tables aligned, links as their text. */
export function renderMarkdown(md: string): string {
  const out: string[] = [];
  const lines = md.split("\n");
  const plain = (s: string) =>
    s
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\\([\\`*_{}[\]()#+!|~<>-])/g, "$1")
      .replace(/<br>/g, " ")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&")
      .replace(/\u200d/g, "");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const text = plain(heading[2]!);
      out.push(text, (heading[1]!.length <= 2 ? "=" : "-").repeat(text.length));
      continue;
    }
    if (line.startsWith("|")) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith("|"); i++) {
        if (/^\|\s*-+/.test(lines[i]!)) continue;
        rows.push(
          lines[i]!.replace(/^\||\|$/g, "")
            .split(/(?<!\\)\|/)
            .map((c) => plain(c.trim())),
        );
      }
      i--;
      const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((r) => (r[c] ?? "").length))));
      for (const r of rows)
        out.push(
          r
            .map((c, k) => (c.length > 60 ? `${c.slice(0, 59)}…` : c).padEnd(widths[k]!))
            .join("  ")
            .trimEnd(),
        );
      continue;
    }
    out.push(plain(line));
  }
  return out.join("\n");
}

function print(r: StepResult): void {
  const title = `${r.job} › ${r.step}`;
  console.log(`\n── ${title} ${"─".repeat(Math.max(0, 70 - title.length))}`);
  if (r.skipped) return void console.log(`  skipped: ${r.skipped}`);
  const run = r.run!;
  for (const line of run.visibleLog
    .split("\n")
    .filter((l) => l && !l.startsWith("::debug::") && !l.startsWith("::group::") && !l.startsWith("::endgroup::")))
    console.log(`  ${line}`);
  if (Object.keys(run.outputs).length) {
    console.log("  outputs:");
    for (const [k, v] of Object.entries(run.outputs))
      console.log(`    ${k}: ${v.length > 150 ? `${v.slice(0, 147)}...` : v}`);
  }
  if (run.summary.trim()) console.log(`  summary:\n${renderMarkdown(run.summary).replace(/^/gm, "    ")}`);
  console.log(`  exit code ${run.code}`);
}

const t0 = Date.now();
console.log("Starting the local cloud (GitHub OIDC issuer, Entra ID, Azure ML API, Azurite, Hugging Face Hub)...");
const emu = await startEmulator();
let ok = false;
try {
  const vars = Object.fromEntries(
    ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE"].map(
      (k) => [k, emu.env[k]!],
    ),
  );
  // The dataset from the sample in the repository; everything else as the workflow's defaults have it.
  const inputs = { source: "data/ultrachat-sample.jsonl", split: "train" };
  const { results, needs } = await runWorkflow({
    file: join(ROOT, ".github/workflows/finetune.yml"),
    env: emu.env,
    vars,
    inputs,
    cwd: ROOT,
    onStep: print,
  });
  const chained = results.filter((r) => r.run).every((r) => r.run!.code === 0) && needs.smoke?.result === "success";
  const endpoint = needs.deploy?.outputs.endpoint;
  const scoring = endpoint ? emu.scoring.requests.filter((q) => q.endpoint === endpoint && q.status === 200).length : 0;
  let teardown: StepResult | undefined;
  if (endpoint) {
    teardown = {
      job: "teardown",
      step: "./actions/teardown",
      run: await runAction("actions/teardown", { env: emu.env, inputs: { endpoint }, cwd: ROOT }),
    };
    print(teardown);
  }
  const left = [...emu.arm.store.resources.values()]
    .filter((r) => r.type.endsWith("/onlineEndpoints"))
    .map((r) => r.name);
  const models = [...emu.arm.store.resources.values()]
    .filter((r) => r.type.endsWith("/models/versions"))
    .map((r) => r.id.split("/models/")[1]);
  ok = chained && teardown?.run?.code === 0 && left.length === 0;
  console.log(
    `\n${ok ? "The whole chain ran" : "The chain did NOT complete"} in ${((Date.now() - t0) / 1000).toFixed(1)} s: dataset → fine-tune → deploy → chat smoke → teardown.`,
  );
  // Azure ML management requests per action: every request's user agent names the action that sent it.
  const requests: Record<string, number> = {};
  for (const x of emu.exchanges) {
    const action = /phi3-aml-([a-z-]+)\//.exec(x.userAgent ?? "")?.[1];
    if (action && (x.service === "arm" || x.service === "api")) requests[action] = (requests[action] ?? 0) + 1;
  }
  console.log(
    JSON.stringify({
      ok,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      job: needs.finetune?.outputs["job-name"],
      models,
      endpoint,
      answered: scoring,
      endpointsLeft: left,
      requests,
    }),
  );
} finally {
  await emu.stop();
}
process.exit(ok ? 0 : 1);
