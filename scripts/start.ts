// `npm start`: the local cloud and the bundled actions, on this machine, as GitHub would run them.
// Until the chain exists (issue 7 reads it from .github/workflows/finetune.yml), this starts the
// emulator and runs each action's bundle against it: inputs checked, GitHub OIDC login, workspace read.
import { startEmulator } from "../emulator/src/emulator.js";
import { runAction } from "../test/harness/run-action.js";

const steps: Array<{ action: string; inputs: Record<string, string> }> = [
  { action: "action-dataset", inputs: { source: "data/ultrachat-sample.jsonl" } },
  { action: "action-finetune", inputs: { "train-data": "azureml:phi3-chat-train:1", "validation-data": "azureml:phi3-chat-validation:1", "learning-rate": "0.00002", "lr-scheduler-type": "cosine" } },
  { action: "action-deploy", inputs: { "job-name": "phi3-ft-demo" } },
  { action: "action-chat-smoke", inputs: { endpoint: "octo-org-phi3-demo", prompts: "What is the capital of France?" } },
  { action: "actions/teardown", inputs: { "max-age-hours": "24", "dry-run": "true" } },
];

const t0 = Date.now();
console.log("Starting the local cloud (GitHub OIDC issuer, Entra ID, Azure ML API, Azurite)...");
const emu = await startEmulator();
let failed = 0;
try {
  // Children trust the emulator's CA through NODE_EXTRA_CA_CERTS, as set in emu.env.
  for (const s of steps) {
    console.log(`\n── ${s.action} ${"─".repeat(Math.max(0, 60 - s.action.length))}`);
    const run = await runAction(s.action, { env: emu.env, inputs: s.inputs, cwd: process.cwd() });
    for (const line of run.visibleLog.split("\n").filter((l) => l && !l.startsWith("::debug::"))) console.log(`  ${line}`);
    if (Object.keys(run.outputs).length) console.log(`  outputs: ${JSON.stringify(run.outputs)}`);
    if (run.summary.trim()) console.log(`  summary:\n${run.summary.replace(/^/gm, "    ")}`);
    console.log(`  exit code ${run.code}`);
    if (run.code !== 0) failed++;
  }
} finally {
  await emu.stop();
}
console.log(`\n${steps.length - failed} of ${steps.length} steps succeeded in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
process.exit(failed ? 1 : 0);
