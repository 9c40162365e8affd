import type { Arm } from "./arm/index.js";
import { wsId } from "./arm/context.js";
import type { Router } from "./http.js";

const RUNS = String.raw`^/history/v1\.0/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.MachineLearningServices/workspaces/([^/]+)(?:/experiments/[^/]+)?/runs/([^/]+)/children$`;

/** Child run status from the parent's: a finished pipeline's steps finished as it did. */
const childStatus = (parent: string) =>
  ["NotStarted", "Queued", "Preparing"].includes(parent) ? "NotStarted" : parent;

/**
 * Run history (the `history` service the workspace's discovery document names): a pipeline job's child
 * runs, one per step of its `jobs`, which `azure-ai-ml`'s `jobs.list(parent_job_name=…)` reads
 * (Azure/azure-sdk-for-python, sdk/ml/azure-ai-ml, _restclient/runhistory: Runs.get_child). Shapes:
 * PaginatedRunList of Run (runId, parentRunId, rootRunId, status, runType…).
 */
export function registerRunHistory(r: Router, arm: Arm): void {
  r.on("GET", new RegExp(RUNS, "i"), async (req, [sub, rg, ws, runId]) => {
    const denied = await arm.authenticate(req);
    if (denied) return denied;
    const job = arm.store.get(`${wsId(sub!, rg!, ws!)}/jobs/${runId}`);
    if (!job) return { status: 404, body: { error: { code: "UserError", message: `Run ${runId} was not found.` } } };
    const status = childStatus(String(job.properties.status ?? "NotStarted"));
    const steps = Object.keys((job.properties.jobs ?? {}) as Record<string, unknown>);
    const created = String(
      (job.systemData as { createdAt?: string } | undefined)?.createdAt ?? new Date().toISOString(),
    );
    const value = steps.map((step) => ({
      runId: `${runId}_${step}`,
      parentRunId: runId,
      rootRunId: runId,
      name: step,
      displayName: step,
      status,
      runType: "azureml.StepRun",
      createdUtc: created,
      properties: { "azureml.nodeid": step, StepType: "PipelineStep" },
      tags: {},
    }));
    return { status: 200, body: { value, nextLink: null, continuationToken: null } };
  });
}
