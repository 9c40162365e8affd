import { ServiceClient } from "@azure/core-client";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import type { Session } from "@phi3-aml/shared/azureml/session";
import type { Logger } from "@phi3-aml/shared/log";
import { waitFor, WaitTimeoutError, WaitCancelledError } from "@phi3-aml/shared/wait";
import { progressLine, type MetricHistories, type MetricPoint } from "./metrics.js";
import { describeStatus, pollDelayMs } from "./status.js";

export interface Followed {
  status: string;
  ended: boolean;
  /** The step stopped waiting (timeout or cancellation) while the job goes on. */
  stoppedWaiting?: "timeout" | "cancelled";
  durationSeconds: number;
  histories: MetricHistories;
  timeline: Array<{ state: string; elapsedMs: number }>;
}

const METRIC_KEYS = ["loss", "eval_loss", "learning_rate"];

/**
 * The training metrics of a pipeline job's fine-tune child run, read through MLflow's REST API at the
 * workspace's tracking URI with the same Entra token.
 */
function metricsReader(s: Session) {
  const tracking = String(s.workspace.mlFlowTrackingUri ?? "").replace(/^azureml:/, "https:");
  const client = new ServiceClient({ credential: s.credential, credentialScopes: [s.cloud.managementScope] });
  const call = async (path: string, body?: unknown) => {
    const res = await client.sendRequest(
      createPipelineRequest({
        url: `${tracking}/api/2.0/mlflow/${path}`,
        method: body ? "POST" : "GET",
        body: body ? JSON.stringify(body) : undefined,
      }),
    );
    return res.status < 400 ? (JSON.parse(res.bodyAsText ?? "{}") as Record<string, unknown>) : undefined;
  };
  return async (jobName: string): Promise<MetricHistories> => {
    if (!tracking.startsWith("https://")) return {};
    try {
      const found = (await call("runs/search", {
        filter: `tags.mlflow.parentRunId = '${jobName}'`,
        max_results: 50,
      })) as
        | { runs?: Array<{ info: { run_id: string }; data?: { tags?: Array<{ key: string; value: string }> } }> }
        | undefined;
      const child =
        found?.runs?.find((r) => r.data?.tags?.some((t) => t.key === "azureml.nodeid" && /finetune/.test(t.value))) ??
        found?.runs?.[0];
      if (!child) return {};
      const histories: Record<string, MetricPoint[]> = {};
      for (const key of METRIC_KEYS) {
        const h = (await call(
          `metrics/get-history?run_id=${encodeURIComponent(child.info.run_id)}&metric_key=${key}`,
        )) as { metrics?: MetricPoint[] } | undefined;
        if (h?.metrics?.length) histories[key] = h.metrics;
      }
      return histories;
    } catch {
      return {}; // metrics are a bonus: their absence never fails the step
    }
  };
}

/** Follows a job to its end (or the timeout, or cancellation), with progress lines and the metrics as they appear. */
export async function follow(
  s: Session,
  jobName: string,
  o: { timeoutMs: number; signal?: AbortSignal; log: Logger; pollScale?: number },
): Promise<Followed> {
  const { resourceGroup: rg, workspace: ws } = s.ref;
  const readMetrics = metricsReader(s);
  const start = Date.now();
  const timeline: Followed["timeline"] = [];
  let status = "Unknown";
  let unchanged = 0;
  let histories: MetricHistories = {};
  let lastProgress = "";
  const result = (stoppedWaiting?: Followed["stoppedWaiting"]): Followed => ({
    status,
    ended: describeStatus(status).phase === "ended",
    stoppedWaiting,
    durationSeconds: Math.round((Date.now() - start) / 1000),
    histories,
    timeline,
  });
  try {
    await waitFor(
      async () => {
        const job = await s.client.jobs.get(rg, ws, jobName);
        const now = job.properties.status ?? "Unknown";
        unchanged = now === status ? unchanged + 1 : 0;
        status = now;
        if (describeStatus(now).phase !== "waiting") {
          histories = await readMetrics(jobName);
          const line = progressLine(histories);
          if (line && line !== lastProgress) o.log.info(`${jobName}: ${line}`);
          lastProgress = line ?? lastProgress;
        }
        const info = describeStatus(now);
        return {
          state: now,
          done: info.phase === "ended",
          retryAfterMs: pollDelayMs(now, unchanged, { scale: o.pollScale }),
        };
      },
      {
        what: `fine-tune job ${jobName}`,
        log: o.log,
        timeoutMs: o.timeoutMs,
        signal: o.signal,
        intervalMs: 1_000,
        maxIntervalMs: 60_000,
        backoff: 1,
        onState: (state, at) => timeline.push({ state, elapsedMs: at - start }),
      },
    );
    return result();
  } catch (e) {
    if (e instanceof WaitTimeoutError) return result("timeout");
    if (e instanceof WaitCancelledError) return result("cancelled");
    throw e;
  }
}

/**
 * The tail of the failing fine-tune child run's log, where it can be read: the child run (from MLflow),
 * its log files from run history (the region's `history` service in the workspace's discovery document),
 * and the last lines of its std_log. Undefined when any of that is not there.
 */
export async function failedRunLog(
  s: Session,
  jobName: string,
  lines = 30,
): Promise<{ run: string; text: string } | undefined> {
  try {
    const client = new ServiceClient({ credential: s.credential, credentialScopes: [s.cloud.managementScope] });
    const get = async (url: string) => {
      const res = await client.sendRequest(createPipelineRequest({ url, method: "GET" }));
      return res.status < 400 ? (JSON.parse(res.bodyAsText ?? "{}") as Record<string, unknown>) : undefined;
    };
    const tracking = String(s.workspace.mlFlowTrackingUri ?? "").replace(/^azureml:/, "https:");
    const search = await client.sendRequest(
      createPipelineRequest({
        url: `${tracking}/api/2.0/mlflow/runs/search`,
        method: "POST",
        body: JSON.stringify({ filter: `tags.mlflow.parentRunId = '${jobName}'`, max_results: 50 }),
      }),
    );
    const runs =
      (JSON.parse(search.bodyAsText ?? "{}") as { runs?: Array<{ info: { run_id: string; status?: string } }> }).runs ??
      [];
    const child = runs.find((r) => r.info.status === "FAILED") ?? runs[0];
    if (!child || !s.workspace.discoveryUrl) return undefined;
    const discovery = await get(s.workspace.discoveryUrl);
    const history = String(discovery?.history ?? "").replace(/\/+$/, "");
    const { subscriptionId, resourceGroup, workspace } = s.ref;
    const details = (await get(
      `${history}/history/v1.0/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}/runs/${encodeURIComponent(child.info.run_id)}/details`,
    )) as { logFiles?: Record<string, string> } | undefined;
    const file = Object.entries(details?.logFiles ?? {}).find(([name]) => /std_log/.test(name));
    if (!file) return undefined;
    const res = await fetch(file[1]); // a SAS URL: no token
    if (!res.ok) return undefined;
    const text = (await res.text()).trimEnd().split("\n").slice(-lines).join("\n");
    return { run: child.info.run_id, text };
  } catch {
    return undefined;
  }
}
