import type { Req, Router } from "../http.js";
import { armError, locationHeaders, notFound, WS, wsId, type ArmContext } from "./context.js";
import { jobInputProblem } from "./job-inputs.js";
import { modelImportFailure } from "./registry.js";
import { systemData, type Resource } from "./store.js";
import { quotaRefusal } from "./usage-count.js";
import { vmSize } from "./vm-sizes.js";

/** How the next job submitted to a workspace runs (tests set it through the control API). */
export interface JobScript {
  /** From submission to the end, in ms (default 3000). */
  durationMs?: number;
  outcome?: "Completed" | "Failed";
}

const PHASES: Array<[string, number]> = [
  ["NotStarted", 0],
  ["Queued", 0.1],
  ["Preparing", 0.2],
  ["Running", 0.35],
  ["Finalizing", 0.9],
];

export class JobState {
  /** Per workspace id (lower case): how its next job runs. */
  readonly next = new Map<string, JobScript>();
  /** importError: why the model-import step fails (registry.ts modelImportFailure); the job fails early with it. */
  readonly scripts = new Map<
    string,
    Required<JobScript> & { start: number; canceledAt?: number; importError?: string }
  >();
}

/** The status of a job now, from its script: NotStarted → Queued → Preparing → Running → Finalizing → Completed (or Failed); CancelRequested → Canceled. */
export function statusOf(s: Required<JobScript> & { start: number; canceledAt?: number }, now = Date.now()): string {
  if (s.canceledAt !== undefined) return now - s.canceledAt < 300 ? "CancelRequested" : "Canceled";
  const t = (now - s.start) / s.durationMs;
  if (t >= 1) return s.outcome;
  return [...PHASES].reverse().find(([, at]) => t >= at)![0];
}

/** The job's outputs as Azure shows them: each with the URI it will be written to. */
function jobOutputs(p: Record<string, unknown>, name: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries((p.outputs ?? {}) as Record<string, Record<string, unknown>>).map(([k, v]) => [
      k,
      { ...v, uri: v.uri ?? `azureml://jobs/${name}/outputs/${k}` },
    ]),
  );
}

/** Jobs (pipeline jobs, as the fine-tune submits them): PUT creates, GET shows the simulated lifecycle, cancel is asynchronous. */
export function registerJobs(r: Router, ctx: ArmContext, state: JobState): void {
  const live = (job: Resource) => {
    const s = state.scripts.get(job.id.toLowerCase());
    if (s) job.properties.status = statusOf(s);
    return job;
  };

  // Jobs_List (mfe.json): the workspace's jobs, optionally of one jobType.
  r.on("GET", new RegExp(`${WS}/jobs$`, "i"), (req, [sub, rg, ws]) => {
    const id = wsId(sub!, rg!, ws!);
    if (!ctx.store.get(id)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    const type = req.url.searchParams.get("jobType")?.toLowerCase();
    const jobs = ctx.store
      .list(`${id}/jobs`)
      .filter((j) => !type || String(j.properties.jobType).toLowerCase() === type);
    return { status: 200, body: { value: jobs.map(live) } };
  });

  r.on("GET", new RegExp(`${WS}/jobs/([^/]+)$`, "i"), (_req, [sub, rg, ws, name]) => {
    const j = ctx.store.get(`${wsId(sub!, rg!, ws!)}/jobs/${name}`);
    return j
      ? { status: 200, body: live(j) }
      : notFound("Microsoft.MachineLearningServices/workspaces/jobs", `${ws}/${name}`, rg!);
  });

  r.on("PUT", new RegExp(`${WS}/jobs/([^/]+)$`, "i"), (req: Req, [sub, rg, ws, name]) => {
    const workspaceId = wsId(sub!, rg!, ws!);
    if (!ctx.store.get(workspaceId)) return notFound("Microsoft.MachineLearningServices/workspaces", ws!, rg!);
    const id = `${workspaceId}/jobs/${name}`;
    const existing = ctx.store.get(id);
    // A job is submitted once; the same name again shows the job that exists.
    if (existing) return { status: 200, body: live(existing) };
    const p = req.json<{ properties?: Record<string, unknown> }>()?.properties ?? {};
    if (!["Pipeline", "Command", "Sweep", "AutoML"].includes(String(p.jobType)))
      return armError(400, "UserError", `jobType ${p.jobType} is not supported.`, { target: "properties.jobType" });
    const refused = jobInputProblem(ctx.store, workspaceId, (p.jobs ?? {}) as Parameters<typeof jobInputProblem>[2]);
    if (refused) return armError(400, "UserError", refused.message, { target: refused.target });
    const script = {
      durationMs: 3000,
      outcome: "Completed" as const,
      ...(state.next.get(workspaceId.toLowerCase()) ?? {}),
      start: Date.now(),
    };
    state.next.delete(workspaceId.toLowerCase());
    const importError = modelImportFailure(p) ?? scaleCluster(ctx, id, String(p.computeId ?? ""), script.durationMs);
    state.scripts.set(
      id.toLowerCase(),
      importError
        ? { ...script, outcome: "Failed", durationMs: Math.min(script.durationMs, 1500), importError }
        : script,
    );
    const outputs = jobOutputs(p, name!);
    const job = ctx.store.put({
      id,
      name: name!,
      type: "Microsoft.MachineLearningServices/workspaces/jobs",
      properties: {
        ...p,
        outputs,
        status: "NotStarted",
        services: {
          Studio: { jobServiceType: "Studio", endpoint: `https://ml.azure.com/runs/${name}?wsid=${workspaceId}` },
        },
      },
      systemData: systemData(),
    });
    return { status: 201, body: job };
  });

  r.on("POST", new RegExp(`${WS}/jobs/([^/]+)/cancel$`, "i"), (req, [sub, rg, ws, name]) => {
    const id = `${wsId(sub!, rg!, ws!)}/jobs/${name}`;
    const job = ctx.store.get(id);
    const s = state.scripts.get(id.toLowerCase());
    if (!job || !s) return notFound("Microsoft.MachineLearningServices/workspaces/jobs", `${ws}/${name}`, rg!);
    const status = statusOf(s);
    if (["Completed", "Failed", "Canceled"].includes(status)) return { status: 200 };
    s.canceledAt ??= Date.now();
    releases.get(id.toLowerCase())?.();
    const op = ctx.store.startOperation(sub!, "eastus2");
    return { status: 202, headers: locationHeaders(ctx, op, req) };
  });
}

/** Per job id (lower case): gives its cluster's nodes back (when it ends, or is canceled). */
const releases = new Map<string, () => void>();

/**
 * A job on a cluster scales it up to the nodes it runs on (one here) for as long as it runs, then back to the
 * cluster's min nodes. When those nodes would go over the family or regional quota, the job fails with the
 * cluster's quota error (usage-count.ts); Azure keeps such a job queued while the cluster cannot resize.
 */
function scaleCluster(ctx: ArmContext, jobId: string, computeId: string, durationMs: number): string | undefined {
  const cluster = computeId ? ctx.store.get(computeId) : undefined;
  const inner = cluster?.properties.properties as
    | { vmSize?: string; currentNodeCount?: number; scaleSettings?: { minNodeCount?: number }; vmPriority?: string }
    | undefined;
  const size = vmSize(String(inner?.vmSize ?? ""));
  if (!cluster || !inner || !size || inner.vmPriority === "LowPriority") return undefined;
  const wanted = Math.max(1, inner.currentNodeCount ?? 0);
  if (wanted > (inner.currentNodeCount ?? 0)) {
    const at = { sub: cluster.id.split("/")[2]!, loc: String(cluster.location), except: cluster.id };
    const refusal = quotaRefusal(ctx, at, "cluster", size, wanted);
    if (refusal) return `${refusal.code}: ${refusal.message}`;
  }
  inner.currentNodeCount = wanted;
  const release = () => {
    releases.delete(jobId.toLowerCase());
    inner.currentNodeCount = Math.max(inner.scaleSettings?.minNodeCount ?? 0, 0);
  };
  releases.set(jobId.toLowerCase(), release);
  setTimeout(release, durationMs).unref();
  return undefined;
}
