import { escapeMarkdown, link, markdownTable } from "@phi3-aml/shared/report";
import { formatDuration } from "@phi3-aml/shared/wait";
import { formatUsd, hourlyCost, type PriceBook } from "@phi3-aml/shared/azureml/prices";
import type { Traffic } from "./endpoint-body.js";
import type { Lineage } from "./model-body.js";
import { sameTraffic } from "./traffic.js";

/**
 * Everything the job summary shows. There is deliberately no field for the endpoint key: the summary is
 * built from what is safe to show, so a key cannot reach it by mistake.
 */
export interface DeploySummaryInput {
  ok: boolean;
  /** Why the step failed (Azure's message or ours); shown escaped. */
  failure?: string;
  model: {
    name: string;
    version: string;
    reused: boolean;
    url?: string;
    lineage?: Lineage & { commit?: string; workflowRun?: string; sourceUri?: string };
    jobUrl?: string;
  };
  endpoint: {
    name: string;
    created: boolean;
    /** Removed again after a failure (a first deploy strands nothing). */
    removed?: boolean;
    managed: boolean;
    /** What it runs as: SystemAssigned, UserAssigned. */
    identity?: string;
    scoringUri?: string;
    swaggerUri?: string;
    expiresAt?: Date;
    url?: string;
  };
  deployment: {
    name: string;
    created: boolean;
    instanceType: string;
    instanceCount: number;
    /** Why this VM size (instance-type auto says which it chose and why). */
    why?: string;
    /** Created by this run and removed again after the failure. */
    removed?: boolean;
  };
  previous?: string;
  trafficBefore: Traffic;
  /** The traffic now (equal to before when the rollout stopped before moving it). */
  trafficAfter: Traffic;
  deleted: readonly string[];
  kept: ReadonlyArray<{ name: string; reason: string }>;
  /** What runs now, for the hourly cost. */
  running: ReadonlyArray<{ name: string; instanceType: string; instanceCount: number }>;
  /** The region's prices (the VM sizes API's estimatedVMPrices); no cost section without them. */
  prices?: PriceBook;
  timings: ReadonlyArray<{ step: string; ms: number }>;
  smoke?: { prompt: string; answer?: string; ms?: number; error?: string };
  /** The evaluation gate's Markdown (shared/evaluation renderEvaluationMarkdown, keys removed), when it ran. */
  gate?: string;
  promptflowConnection?: string;
  notes?: readonly string[];
  /** What a failed run could not remove, with the command that removes it (rollback.ts). */
  leftBehind?: ReadonlyArray<{ what: string; why: string; command: string }>;
}

const ZWJ = "\u200D";

/**
 * Text we did not write (the model's answer, the prompt, Azure's messages) made inert in GitHub Markdown
 * and kept on one line of a table cell: controls and bidirectional overrides dropped; shared escaping
 * (HTML, links, emphasis, code, tables, @mentions); and, for what GitHub links after rendering when the
 * backslashes are gone, a zero-width joiner in `#123`, `GH-123`, `://` and `www.`. Cut to `max` characters
 * before escaping so no escape is cut in half.
 */
export function escapeUntrusted(text: string, max = 1000): string {
  // Matching control characters is the point here.
  let t = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/\t/g, " ")
    .replace(/\r\n?/g, "\n")
    .trim();
  const chars = Array.from(t);
  if (chars.length > max) t = `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
  return escapeMarkdown(t)
    .replace(/\$/g, "\\$")
    .replace(/^([-=])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2")
    .replace(/#/g, `#${ZWJ}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\b(www)\./gi, `$1${ZWJ}.`);
}

const pct = (v: number | undefined) => (v === undefined ? "—" : `${v}%`);
const shares = (t: Traffic) =>
  Object.entries(t)
    .filter(([, v]) => v > 0)
    .map(([d, v]) => `${d} ${v}%`)
    .join(", ") || "none";

/** The heading, and why it failed when it did. */
function headingLines(s: DeploySummaryInput, model: string): string[] {
  const out: string[] = [];
  out.push(
    s.ok
      ? `## Phi-3 deployed: ${escapeMarkdown(model)} on ${escapeMarkdown(s.endpoint.name)}`
      : s.endpoint.removed
        ? `## Phi-3 deployment failed: ${escapeMarkdown(s.endpoint.name)}, created by this run, removed again`
        : sameTraffic(s.trafficBefore, s.trafficAfter) && !s.leftBehind?.length
          ? `## Phi-3 deployment failed: ${escapeMarkdown(s.endpoint.name)} left as it was`
          : `## Phi-3 deployment failed part-way on ${escapeMarkdown(s.endpoint.name)}: live traffic is now ${escapeMarkdown(shares(s.trafficAfter))}${s.leftBehind?.length ? `; ${s.leftBehind.length} left behind (see below)` : ""}`,
    "",
  );
  if (!s.ok && s.failure) out.push(`**Why:** ${escapeUntrusted(s.failure, 2000)}`, "");
  return out;
}

/** The table of what was deployed where: model, endpoint, deployment, URIs, expiry, connection. */
function factsLines(s: DeploySummaryInput, model: string): string[] {
  const rows: Array<[string, string]> = [
    [
      "model",
      `${s.model.url ? link(model, s.model.url) : escapeMarkdown(model)} (${s.model.reused ? "already registered, reused" : "registered by this run"})`,
    ],
    [
      "endpoint",
      `${s.endpoint.url ? link(s.endpoint.name, s.endpoint.url) : escapeMarkdown(s.endpoint.name)} (${s.endpoint.removed ? "created by this run and removed after the failure" : s.endpoint.created ? "created by this run" : "existing"}${s.endpoint.managed ? "" : "; not managed by phi3-aml-actions, so never re-tagged or deleted"})`,
    ],
    ...(s.endpoint.identity ? [["identity", escapeMarkdown(s.endpoint.identity)] as [string, string]] : []),
    [
      "deployment",
      `${escapeMarkdown(s.deployment.name)} (${s.deployment.created ? "new" : "reused"}) on ${s.deployment.instanceCount} × ${escapeMarkdown(s.deployment.instanceType)}`,
    ],
  ];
  if (s.deployment.why) rows.push(["VM size", escapeUntrusted(s.deployment.why, 1500)]);
  if (s.previous) rows.push(["previous deployment", escapeMarkdown(s.previous)]);
  if (s.endpoint.scoringUri) rows.push(["scoring URI", escapeMarkdown(s.endpoint.scoringUri)]);
  if (s.endpoint.swaggerUri) rows.push(["swagger URI", escapeMarkdown(s.endpoint.swaggerUri)]);
  if (s.endpoint.expiresAt)
    rows.push(["expires", `${s.endpoint.expiresAt.toISOString()} (teardown may delete the endpoint after this)`]);
  if (s.promptflowConnection)
    rows.push([
      "Prompt flow connection",
      `${escapeMarkdown(s.promptflowConnection)} (custom keys; the key is stored there as a secret)`,
    ]);
  return [markdownTable(["", ""], rows, [1]), ""];
}

/** Where the model came from (job, files, base model, data, hyperparameters, commit, run), when known. */
function lineageLines(s: DeploySummaryInput): string[] {
  const l = s.model.lineage;
  if (!l) return [];
  const lin: Array<[string, string]> = [];
  if (l.jobName)
    lin.push(["fine-tune job", s.model.jobUrl ? link(l.jobName, s.model.jobUrl) : escapeMarkdown(l.jobName)]);
  if (l.sourceUri) lin.push(["model files", escapeMarkdown(l.sourceUri)]);
  if (l.baseModel) lin.push(["base model", escapeMarkdown(l.baseModel)]);
  if (l.dataAssets?.length) lin.push(["data", l.dataAssets.map((d) => escapeMarkdown(d)).join("<br>")]);
  if (l.hyperparameters && Object.keys(l.hyperparameters).length) {
    lin.push([
      "hyperparameters",
      Object.entries(l.hyperparameters)
        .map(([k, v]) => `${escapeMarkdown(k)} = ${escapeMarkdown(v)}`)
        .join("<br>"),
    ]);
  }
  if (l.commit) lin.push(["commit", escapeMarkdown(l.commit)]);
  if (l.workflowRun && /^https:\/\//.test(l.workflowRun)) lin.push(["workflow run", link("run", l.workflowRun)]);
  return lin.length ? ["### Lineage", "", markdownTable(["", ""], lin, [1]), ""] : [];
}

/** Every deployment seen before or after, with its traffic share before and after and what became of it. */
function trafficLines(s: DeploySummaryInput): string[] {
  const names = [
    ...new Set([...Object.keys(s.trafficBefore), ...Object.keys(s.trafficAfter), s.deployment.name, ...s.deleted]),
  ];
  const traffic = names.map((d) => {
    const gone = s.deleted.includes(d);
    const left = s.leftBehind?.some((l) => l.what.startsWith(`deployment ${d} `));
    const what =
      d === s.deployment.name
        ? s.deployment.removed
          ? "created by this run, removed after the failure"
          : s.deployment.created
            ? left
              ? "created by this run; left behind (see below)"
              : "new"
            : "reused"
        : left
          ? "left behind (see below)"
          : gone
            ? "deleted once traffic had moved"
            : (s.kept.find((k) => k.name === d)?.reason ?? "");
    const after = gone || (d === s.deployment.name && s.deployment.removed) ? "—" : pct(s.trafficAfter[d]);
    return [d, pct(s.trafficBefore[d]), after, what];
  });
  return ["### Deployments and live traffic", "", markdownTable(["deployment", "before", "after", ""], traffic), ""];
}

/** What a failed run could not remove: each with why and the command that removes it. */
function leftBehindLines(s: DeploySummaryInput): string[] {
  if (!s.leftBehind?.length) return [];
  return [
    "### Left behind",
    "",
    markdownTable(
      ["what", "why"],
      s.leftBehind.map((l) => [l.what, l.why]),
    ),
    "",
    "Remove it with:",
    "",
    "```sh",
    ...s.leftBehind.map((l) => l.command),
    "```",
    "",
  ];
}

/** The smoke prompt and the model's answer (or its error), when one was sent. */
function smokeLines(s: DeploySummaryInput): string[] {
  if (!s.smoke) return [];
  const answer = s.smoke.error
    ? `failed: ${escapeUntrusted(s.smoke.error, 500)}`
    : s.smoke.answer !== undefined
      ? escapeUntrusted(s.smoke.answer)
      : "";
  return [
    "### Smoke prompt (new deployment alone, before traffic moved)",
    "",
    markdownTable(
      ["prompt", "answer (model text, shown as plain text)", "time"],
      [[escapeUntrusted(s.smoke.prompt, 500), answer, s.smoke.ms === undefined ? "" : formatDuration(s.smoke.ms)]],
      [0, 1],
    ),
    "",
  ];
}

/** How long each step took, when any was timed. */
function timingLines(s: DeploySummaryInput): string[] {
  if (!s.timings.length) return [];
  return [
    "### Timings",
    "",
    markdownTable(
      ["step", "time"],
      s.timings.map((t) => [t.step, formatDuration(t.ms)]),
    ),
    "",
  ];
}

/** The estimated hourly cost of what runs now, per deployment and in total. */
function costLines(s: DeploySummaryInput): string[] {
  if (!s.prices) return [];
  const cost = hourlyCost(s.running, s.prices);
  if (!cost.lines.length) return [];
  const none = cost.unknown.length
    ? `, not counting ${cost.unknown.map((u) => escapeMarkdown(u)).join(", ")}: ${cost.region} gives no price for ${cost.unknown.length === 1 ? "it" : "them"}`
    : "";
  return [
    "### Estimated cost of what now runs",
    "",
    markdownTable(
      ["deployment", "instance type", "instances", "estimated per hour"],
      cost.lines.map((c) => [
        c.name,
        c.instanceType,
        c.instanceCount,
        c.usdPerHour === undefined ? `no price in ${cost.region}` : formatUsd(c.usdPerHour),
      ]),
    ),
    "",
    `**About ${formatUsd(cost.usdPerHour)} per hour** (${formatUsd(cost.usdPerHour * 24 * 30)} for 30 days) while it runs${none}. ` +
      `Prices: ${cost.source}, ${cost.region}; pay-as-you-go estimates in USD, before any agreement or reservation.`,
    "",
  ];
}

/** The job summary of the deploy step (Markdown). */
export function deploySummary(s: DeploySummaryInput): string {
  const model = `${s.model.name}:${s.model.version}`;
  const out: string[] = [
    ...headingLines(s, model),
    ...factsLines(s, model),
    ...lineageLines(s),
    ...trafficLines(s),
    ...leftBehindLines(s),
    ...smokeLines(s),
    ...(s.gate ? [s.gate, ""] : []),
    ...timingLines(s),
    ...costLines(s),
  ];
  for (const n of s.notes ?? []) out.push(`> ${escapeUntrusted(n, 1000)}`, "");
  return out.join("\n");
}
