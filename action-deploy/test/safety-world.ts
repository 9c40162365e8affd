/**
 * The world of the issue-25 suites (safety.int.test.ts and safety-rollback.int.test.ts): a workspace in a region
 * of their own with no quota limit, its fine-tune jobs, and what the tests read of the emulator.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control, type Exchange, world } from "../../test/harness/emulator.js";
import { REPO_ROOT } from "../../test/harness/paths.js";
import { runAction, type ActionRun } from "../../test/harness/run-action.js";

const ACTION = "action-deploy";
const A100 = "standardNCADSA100v4Family";
export const REGION = "westus3";
// The tests leave their deployments running (24 vCPUs each): no family or regional limit in westus3, as in
// deploy.int.test.ts, so that the order of the tests (and of the files, on one emulator) holds none back.
// Each suite calls it in its beforeAll.
export async function openRegion(): Promise<void> {
  await control("POST", "/quotas", { family: A100, limit: -1, current: 0, location: REGION });
  await control("POST", "/quotas", { regional: true, limit: -1, current: 0, location: REGION });
}

export const uniq = (p: string) => `${p}-${randomUUID().slice(0, 6)}`;

export async function setup() {
  const name = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace: name });
  await control("POST", "/workspaces", { name, location: REGION });
  const wsPath = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;
  await control("POST", "/jobs", { workspace: w.workspace, name: "ft-1" });
  await control("POST", "/jobs", { workspace: w.workspace, name: "ft-2" });
  type R = {
    type: string;
    name: string;
    tags: Record<string, string>;
    properties: { traffic?: Record<string, number>; provisioningState?: string };
  };
  const resources = (ep: string) =>
    control<R[]>("GET", `/resources?prefix=${encodeURIComponent(`${wsPath}/onlineEndpoints/${ep}`)}`);
  const endpoint = async (ep: string) => (await resources(ep)).find((r) => r.type.endsWith("/onlineEndpoints"));
  /** Deployments that exist and are not being deleted. */
  const deploymentsOf = async (ep: string) =>
    (await resources(ep))
      .filter((r) => r.type.endsWith("/deployments") && r.properties.provisioningState !== "Deleting")
      .map((r) => r.name)
      .sort();
  const deploy = (ep: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}, more = {}) =>
    runAction(ACTION, { env: { ...w.env, ...env }, inputs: { "job-name": "ft-1", endpoint: ep, ...inputs }, ...more });
  const post = (main: ActionRun, env: Record<string, string> = {}) =>
    runAction(ACTION, { env: { ...w.env, ...env }, post: { state: main.state }, timeoutMs: 120_000 });
  const writesSince = async (seq: number) =>
    (await control<Exchange[]>("GET", `/exchanges?service=arm&since=${seq}`)).filter(
      (x) => x.path.includes(`/workspaces/${w.workspace}/`) && ["PUT", "PATCH", "DELETE"].includes(x.method),
    );
  return { w, wsPath, endpoint, deploymentsOf, deploy, post, writesSince };
}

export const lastSeq = async () =>
  Math.max(0, ...(await control<Exchange[]>("GET", "/exchanges?service=arm")).map((x) => x.seq));
export const errorOf = (r: ActionRun) =>
  r.annotations
    .filter((a) => a.level === "error")
    .map((a) => a.message)
    .join("\n");
/** A repository checkout holding held-out conversations (eval.jsonl) for the evaluation gate. */
const repos: string[] = [];
/** Each suite calls it in its afterAll. */
export const removeRepositories = () => repos.forEach((r) => rmSync(r, { recursive: true, force: true }));
export function repositoryWithEvalData(): string {
  const repo = mkdtempSync(join(tmpdir(), "safety-repo-"));
  repos.push(repo);
  const sample = readFileSync(join(REPO_ROOT, "data/ultrachat-sample.jsonl"), "utf8").trim().split("\n");
  writeFileSync(join(repo, "eval.jsonl"), sample.slice(200, 260).join("\n") + "\n");
  return repo;
}

export const fault = (f: Record<string, unknown>) =>
  control<{ id: number }>("POST", "/faults", { service: "arm", ...f });
