// A team's first days, as GitHub would run them: the example workflows (examples/) and this repository's own
// (.github/workflows/) through the local runner against an emulator of their own, a preview endpoint with a
// ttl, then the scheduled teardowns as if 100 hours had passed. Production (deployed without ttl-hours) must
// still be there; the preview must be gone. Every Azure request of the whole run must be granted by the role
// of the identity that sent it, as examples/roles/*.json define them and the README's Azure setup assigns them.
import { join } from "node:path";
import { DEFAULTS } from "../emulator/src/defaults.js";
import { startEmulator, type Emulator } from "../emulator/src/emulator.js";
import { runWorkflow } from "../scripts/local-workflow.js";
import { armAction, covered, notOurs, readRole, type RoleDefinition } from "./harness/arm-actions.js";
import { REPO_ROOT } from "./harness/paths.js";
import { runAction } from "./harness/run-action.js";

const HOURS = 100;
const PRODUCTION = "octo-org-phi3-demo"; // action-deploy's default name for octo-org/phi3-demo
const PREVIEW = "phi3-preview";

/** The identity (README's Azure setup) each action runs as, and the roles assigned to it there. */
const IDENTITY_ROLES: Record<string, string[]> = {
  dataset: ["train", "locations"],
  finetune: ["train", "locations"],
  deploy: ["train", "locations"],
  "chat-smoke": ["smoke"],
  teardown: ["teardown", "locations"],
};

function vars(emu: Emulator): Record<string, string> {
  const e = emu.env;
  return {
    AZURE_CLIENT_ID: e.AZURE_CLIENT_ID!,
    AZURE_SMOKE_CLIENT_ID: e.AZURE_CLIENT_ID!,
    AZURE_TEARDOWN_CLIENT_ID: e.AZURE_CLIENT_ID!,
    AZURE_TENANT_ID: e.AZURE_TENANT_ID!,
    AZURE_SUBSCRIPTION_ID: e.AZURE_SUBSCRIPTION_ID!,
    AZUREML_RESOURCE_GROUP: e.AZUREML_RESOURCE_GROUP!,
    AZUREML_WORKSPACE: e.AZUREML_WORKSPACE!,
  };
}

/** Every endpoint's clock moved back: its created-at and expires-at tags and Azure's systemData. */
function age(emu: Emulator, hours: number): void {
  const shift = (iso: unknown) =>
    typeof iso === "string" && !Number.isNaN(Date.parse(iso))
      ? new Date(Date.parse(iso) - hours * 3_600_000).toISOString()
      : iso;
  for (const r of emu.arm.store.resources.values()) {
    if (!r.type.endsWith("/onlineEndpoints")) continue;
    for (const tag of ["created-at", "expires-at"]) if (r.tags?.[tag]) r.tags[tag] = String(shift(r.tags[tag]));
    for (const k of ["createdAt", "lastModifiedAt"]) if (r.systemData?.[k]) r.systemData[k] = shift(r.systemData[k]);
  }
}

const endpoints = (emu: Emulator) =>
  [...emu.arm.store.resources.values()].filter((r) => r.type.endsWith("/onlineEndpoints")).map((r) => r.name);

describe("a team's first days with the example workflows", () => {
  let emu: Emulator;
  const runs: Array<{ file: string; failed: string[] }> = [];
  const teardowns: Array<{ deleted: string[]; kept: string[] }> = [];
  let before: string[] = [];
  let rolloutAt24 = "";

  const workflow = async (file: string, o: { event?: string; inputs?: Record<string, string> } = {}) => {
    const { results, needs } = await runWorkflow({
      file: join(REPO_ROOT, file),
      env: emu.env,
      vars: vars(emu),
      cwd: REPO_ROOT,
      ...o,
    });
    const failed = results
      .filter((r) => r.run && r.run.code !== 0)
      .map((r) => `${r.job} › ${r.step}: ${(r.run!.stdout.match(/^::error.*$/gm) ?? []).join(" ")}${r.run!.stderr}`);
    runs.push({ file, failed });
    return needs;
  };

  beforeAll(async () => {
    emu = await startEmulator();
    // Day 1: the example chain deploys production (no ttl-hours) on a quota of one A100 deployment (24 vCPUs).
    const family = { family: "standardNCADSA100v4Family", current: 0 };
    emu.arm.quotas.set(DEFAULTS.subscriptionId, DEFAULTS.location, { ...family, limit: 24 });
    const chain = await workflow("examples/finetune.yml", { inputs: { source: "data/ultrachat-sample.jsonl" } });
    // This repository's chain trains again. While its job runs, the cluster's node holds 24 vCPUs beside
    // production's 24 (Azure counts both in the family), and its blue/green rollout needs both deployments at
    // once: 48 vCPUs.
    emu.arm.quotas.set(DEFAULTS.subscriptionId, DEFAULTS.location, { ...family, limit: 48 });
    const again = await workflow(".github/workflows/finetune.yml");
    // The same rollout again on a quota of 24 is refused before any write.
    emu.arm.quotas.set(DEFAULTS.subscriptionId, DEFAULTS.location, { ...family, limit: 24 });
    const refused = await runAction("action-deploy", {
      env: emu.env,
      inputs: { "job-name": again.finetune!.outputs["job-name"]!, "smoke-prompt": "What is the capital of France?" },
      cwd: REPO_ROOT,
    });
    rolloutAt24 = refused.code ? refused.stdout : "";
    emu.arm.quotas.set(DEFAULTS.subscriptionId, DEFAULTS.location, { ...family, limit: 48 });
    // A preview endpoint that may go after 72 hours.
    const preview = await runAction("action-deploy", {
      env: emu.env,
      inputs: { "job-name": chain.finetune!.outputs["job-name"]!, endpoint: PREVIEW, "ttl-hours": "72" },
      cwd: REPO_ROOT,
    });
    runs.push({ file: "action-deploy (preview, ttl-hours 72)", failed: preview.code ? [preview.stderr] : [] });
    before = endpoints(emu);
    // Day 5: the scheduled teardowns, 100 hours later.
    age(emu, HOURS);
    for (const file of ["examples/teardown.yml", ".github/workflows/teardown.yml"]) {
      const { results } = await runWorkflow({
        file: join(REPO_ROOT, file),
        env: emu.env,
        vars: vars(emu),
        cwd: REPO_ROOT,
        event: "schedule",
      });
      const step = results.find((r) => r.run)!;
      runs.push({ file, failed: step.run!.code ? [step.run!.stderr] : [] });
      teardowns.push({
        deleted: JSON.parse(step.run!.outputs.deleted ?? "[]") as string[],
        kept: JSON.parse(step.run!.outputs.kept ?? "[]") as string[],
      });
    }
  }, 240_000);

  afterAll(async () => {
    await emu?.stop();
  });

  it("a blue/green rollout of the default A100 size needs 48 vCPUs of NCADSA100v4 quota: refused on 24", () => {
    expect(rolloutAt24).toMatch(
      // production holds the 24 it has; the new deployment needs 24 more, and none is free
      /Standard_NC24ads_A100_v4 \(no quota \(Standard NCADSA100v4 Family: needs 24 vCPUs, 0 free of 24\)\)/,
    );
  });

  it("every workflow and step ran", () => {
    expect(runs.map((r) => [r.file, r.failed])).toEqual(runs.map((r) => [r.file, []]));
    expect(before.sort()).toEqual([PRODUCTION, PREVIEW].sort());
  });

  it(`after ${HOURS} hours the scheduled teardown deletes the expired preview and keeps production`, () => {
    expect(teardowns[0]).toEqual({ deleted: [PREVIEW], kept: [PRODUCTION] });
    expect(teardowns[1]).toEqual({ deleted: [], kept: [PRODUCTION] });
    expect(endpoints(emu)).toEqual([PRODUCTION]);
    const tags = [...emu.arm.store.resources.values()].find((r) => r.name === PRODUCTION)!.tags!;
    expect(tags["expires-at"]).toBeUndefined();
    expect(Date.now() - Date.parse(tags["created-at"]!)).toBeGreaterThan(HOURS * 3_600_000);
  });

  it("every Azure request of the run is granted by the documented role of the identity that sent it", () => {
    const roles = new Map<string, RoleDefinition>();
    const role = (n: string) => roles.get(n) ?? roles.set(n, readRole(REPO_ROOT, n)).get(n)!;
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const x of emu.exchanges.filter((x) => x.service === "arm" || x.service === "api")) {
      if (notOurs(x)) continue;
      // MLflow (the loss as the fine-tune trains) is read by action-finetune alone, with no user agent of ours.
      const action =
        /phi3-aml-([a-z-]+)\//.exec(x.userAgent ?? "")?.[1] ?? (x.path.includes("/mlflow/") ? "finetune" : "?");
      const needed = armAction(x);
      seen.add(`${action} ${needed}`);
      const assigned = IDENTITY_ROLES[action];
      if (!assigned) missing.push(`${x.method} ${x.path}: sent by no known action (${x.userAgent ?? "no user agent"})`);
      else if (!covered(assigned.map(role), needed))
        missing.push(`${action} needs ${needed} (${x.method} ${x.path.split("?")[0]}), not in ${assigned.join(" + ")}`);
    }
    expect(missing).toEqual([]);
    // The run did exercise each identity, so the check above is not empty.
    for (const a of Object.keys(IDENTITY_ROLES)) expect([...seen].some((s) => s.startsWith(`${a} `))).toBe(true);
    expect(seen).toContain("teardown Microsoft.MachineLearningServices/workspaces/onlineEndpoints/delete");
    expect(seen).toContain("chat-smoke Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action");
  });

  it("the roles grant no datastore secrets, and teardown and smoke nothing beyond endpoints", () => {
    const all = ["train", "smoke", "teardown", "locations"].map((n) => readRole(REPO_ROOT, n));
    const listSecrets = "Microsoft.MachineLearningServices/workspaces/datastores/listsecrets/action";
    expect(covered(all, listSecrets)).toBe(false);
    expect(covered([readRole(REPO_ROOT, "train")], "Microsoft.MachineLearningServices/workspaces/write")).toBe(false);
    for (const n of ["teardown", "smoke"])
      for (const a of readRole(REPO_ROOT, n).Actions)
        expect(a).toMatch(/^Microsoft\.MachineLearningServices\/workspaces\/(read|onlineEndpoints\/.+)$/);
  });
});
