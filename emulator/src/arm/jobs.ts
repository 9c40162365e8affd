import type { Req, Router } from "../http.js";
import { armError, locationHeaders, notFound, WS, wsId, type ArmContext } from "./context.js";
import { jobInputProblem } from "./job-inputs.js";
import { modelImportFailure } from "./registry.js";
import { systemData, type Resource } from "./store.js";

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
    const importError = modelImportFailure(p);
    state.scripts.set(
      id.toLowerCase(),
      importError
        ? { ...script, outcome: "Failed", durationMs: Math.min(script.durationMs, 1500), importError }
        : script,
    );
    const outputs = Object.fromEntries(
      Object.entries((p.outputs ?? {}) as Record<string, Record<string, unknown>>).map(([k, v]) => [
        k,
        { ...v, uri: v.uri ?? `azureml://jobs/${name}/outputs/${k}` },
      ]),
    );
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
    const op = ctx.store.startOperation(sub!, "eastus2");
    return { status: 202, headers: locationHeaders(ctx, op, req) };
  });
}
