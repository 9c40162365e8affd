import type { Router } from "./http.js";
import type { Arm } from "./arm/index.js";
import { statusOf } from "./arm/jobs.js";

const TRACKING = String.raw`^/mlflow/v1\.0/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.MachineLearningServices/workspaces/([^/]+)/api/2\.0/mlflow`;
const STEPS = 40;

/**
 * The workspace's MLflow tracking API (its mlFlowTrackingUri): a pipeline job's runs — the job itself and
 * its `chat_completion_finetune` child — with loss, eval_loss and learning_rate that evolve while the job
 * runs (loss falls from ~2.1 towards ~0.9), as the fine-tune logs them.
 */
const HISTORY = String.raw`^/history/v1\.0/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.MachineLearningServices/workspaces/([^/]+)/runs/([^/]+)/details$`;

/** A run's log, as the fine-tune writes it (a failed job's child ends with the error). */
function stdLog(jobName: string, failed: boolean, importError?: string): string {
  if (importError) return `[chat_completion_model_import] run ${jobName}\nImporting the model...\n${importError}\n`;
  const lines = [
    `[chat_completion_finetune] run ${jobName}_finetune`,
    "Loading Phi-3-mini-4k-instruct...",
    "Applying LoRA (r=8, alpha=128)...",
    "Training: epoch 1/1",
  ];
  for (let step = 10; step <= 40; step += 10)
    lines.push(`{'loss': ${(2.1 * Math.exp(-step / 18) + 0.85).toFixed(4)}, 'step': ${step}}`);
  if (failed)
    lines.push(
      "Traceback (most recent call last):",
      '  File "finetune.py", line 412, in train',
      "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    );
  return lines.join("\n") + "\n";
}

type JobScript = Parameters<typeof statusOf>[0];

/**
 * A failed run's error as run history's RunDetails carries it (an ErrorResponse: `error.code`,
 * `error.message`), which azure-ai-ml's jobs.stream prints when the job fails (Azure/azure-sdk-for-python,
 * sdk/ml/azure-ai-ml, operations/_job_ops_helper.py stream_logs_until_completion; without it: "Detailed
 * error not set on the Run"). The message is the failing step's last log line.
 */
function runError(importError?: string) {
  const message = importError ?? "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB";
  return {
    error: { code: "UserError", message, messageFormat: message, details: [] },
    componentName: importError ? "chat_completion_model_import" : "chat_completion_finetune",
    time: new Date().toISOString(),
  };
}

/** The pipeline job a run id names (the job itself, or its `_finetune` child), when the emulator runs it. */
function jobOf(arm: Arm, sub: string, rg: string, ws: string, runId: string) {
  const jobName = runId.replace(/_finetune$/, "");
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}/jobs/${jobName}`;
  const script = arm.jobs.scripts.get(id.toLowerCase());
  return script && arm.store.get(id) ? { jobName, script } : undefined;
}

/** Steps logged so far: none before Running, all once Finalizing or done. */
function stepsDone(s: JobScript): number {
  const status = statusOf(s);
  if (["NotStarted", "Queued", "Preparing"].includes(status)) return 0;
  if (status !== "Running") return STEPS;
  return Math.max(1, Math.floor((((Date.now() - s.start) / s.durationMs - 0.35) / 0.55) * STEPS));
}

/** A metric's value at a step (undefined for a metric the fine-tune does not log). */
function value(key: string, step: number): number | undefined {
  return key === "loss"
    ? 2.1 * Math.exp(-step / 18) + 0.85
    : key === "eval_loss"
      ? 2.2 * Math.exp(-step / 20) + 0.95
      : key === "learning_rate"
        ? 2e-5 * (1 - step / STEPS)
        : undefined;
}

/** An MLflow run: the job, or its child with the latest metrics. */
function run(runId: string, jobName: string, s: JobScript, child: boolean) {
  const n = stepsDone(s);
  const status = statusOf(s);
  const mlflowStatus =
    status === "Completed"
      ? "FINISHED"
      : status === "Failed"
        ? "FAILED"
        : status === "Canceled"
          ? "KILLED"
          : n
            ? "RUNNING"
            : "SCHEDULED";
  return {
    info: {
      run_id: runId,
      run_uuid: runId,
      experiment_id: "1",
      status: mlflowStatus,
      start_time: s.start,
      lifecycle_stage: "active",
    },
    data: {
      metrics:
        child && n
          ? ["loss", "eval_loss", "learning_rate"].map((key) => ({
              key,
              value: value(key, n),
              step: n,
              timestamp: s.start + n,
            }))
          : [],
      tags: [
        { key: "mlflow.parentRunId", value: child ? jobName : "" },
        { key: "azureml.nodeid", value: child ? "chat_completion_finetune" : "" },
      ].filter((t) => t.value),
    },
  };
}

/** Run history: a run's details with its log files (SAS-style URLs that need no token), and the files. */
function registerRunHistory(r: Router, arm: Arm, base: () => string): void {
  r.on("GET", new RegExp(HISTORY), async (req, [sub, rg, ws, runId]) => {
    const denied = await arm.authenticate(req);
    if (denied) return denied;
    const job = jobOf(arm, sub!, rg!, ws!, runId!);
    if (!job) return { status: 404, body: { error: { code: "UserError", message: `Run ${runId} was not found.` } } };
    const status = statusOf(job.script);
    return {
      status: 200,
      body: {
        runId,
        status,
        ...(status === "Failed" ? { error: runError(job.script.importError) } : {}),
        logFiles: {
          "user_logs/std_log.txt": `${base()}/logs/${encodeURIComponent(runId!)}/std_log.txt?sv=2021-08-06&sig=emulator`,
        },
      },
    };
  });
  r.on("GET", /^\/logs\/([^/]+)\/std_log\.txt$/, (_req, [runId]) => {
    for (const [id, script] of arm.jobs.scripts) {
      if (id.endsWith(`/jobs/${runId!.replace(/_finetune$/, "").toLowerCase()}`))
        return {
          status: 200,
          text: true,
          body: stdLog(runId!.replace(/_finetune$/, ""), statusOf(script) === "Failed", script.importError),
        };
    }
    return { status: 404, text: true, body: "BlobNotFound" };
  });
}

/** MLflow tracking: the child run found by its parent, a run by id, and a metric's history. */
function registerTracking(r: Router, arm: Arm): void {
  r.on("POST", new RegExp(`${TRACKING}/runs/search$`), (req, [sub, rg, ws]) => {
    const filter = String(req.json<{ filter?: string }>()?.filter ?? "");
    const parent = /tags\.mlflow\.parentRunId\s*=\s*'([^']+)'/.exec(filter)?.[1];
    const job = parent ? jobOf(arm, sub!, rg!, ws!, parent) : undefined;
    return { status: 200, body: { runs: job ? [run(`${job.jobName}_finetune`, job.jobName, job.script, true)] : [] } };
  });

  r.on("GET", new RegExp(`${TRACKING}/runs/get$`), (req, [sub, rg, ws]) => {
    const runId = req.url.searchParams.get("run_id") ?? "";
    const job = jobOf(arm, sub!, rg!, ws!, runId);
    if (!job)
      return { status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: `Run '${runId}' not found.` } };
    return { status: 200, body: { run: run(runId, job.jobName, job.script, runId.endsWith("_finetune")) } };
  });

  r.on("GET", new RegExp(`${TRACKING}/metrics/get-history$`), (req, [sub, rg, ws]) => {
    const runId = req.url.searchParams.get("run_id") ?? "";
    const key = req.url.searchParams.get("metric_key") ?? "";
    const job = jobOf(arm, sub!, rg!, ws!, runId);
    if (!job)
      return { status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: `Run '${runId}' not found.` } };
    const n = runId.endsWith("_finetune") ? stepsDone(job.script) : 0;
    const metrics =
      value(key, 1) === undefined
        ? []
        : Array.from({ length: n }, (_, k) => ({
            key,
            value: value(key, k + 1)!,
            step: k + 1,
            timestamp: job.script.start + k + 1,
          }));
    return { status: 200, body: { metrics } };
  });
}

export function registerMlflow(r: Router, arm: Arm, base: () => string): void {
  // Every MLflow call needs the same Entra token as Resource Manager.
  r.on("*", new RegExp(TRACKING), async (req) => arm.authenticate(req));
  registerRunHistory(r, arm, base);
  registerTracking(r, arm);
}
