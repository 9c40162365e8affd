/**
 * evaluate(): send every selected example to the candidate deployment and (when given) the baseline one,
 * pinned by the azureml-model-deployment header through the shared scoring client, score the answers, and
 * judge. Each deployment has its own pool of at most `concurrency` requests in flight (Azure ML answers 429
 * beyond 2 × max_concurrent_requests_per_instance × instances, how-to-troubleshoot-online-endpoints.md), and
 * the client retries 429/503/408/resets with backoff. One overall time budget: when it runs out, requests in
 * flight are cut off, nothing more is sent, and the gate is inconclusive (fails closed).
 */
import { scoringClient, type ScoringClient } from "../scoring/client.js";
import type { ChatMessage, PayloadShape } from "../scoring/payload.js";
import type { BackoffPolicy } from "../scoring/retry.js";
import { redactSecrets } from "../report.js";
import {
  DEFAULT_CONTEXT_TOKENS,
  greedyParameters,
  maxNewTokensFor,
  probablyCut,
  trimToContext,
  type DecodingOptions,
  type Trimmed,
} from "./decoding.js";
import { DEFAULT_SEED, selectExamples, type Dropped, type Example } from "./examples.js";
import type { GateSettings } from "./gate.js";
import { scorePair } from "./metrics/index.js";
import { percentile } from "./stats.js";
import { countDropped, difference, summarise } from "./summarise.js";
import type { Answer, DeploymentStats, EvaluationReport, ExampleResult, Role } from "./types.js";

export interface DeploymentTarget {
  name: string;
  /** Requests in flight at most: max_concurrent_requests_per_instance × instances (default 1). */
  concurrency?: number;
}

export interface ScoringTarget {
  scoringUri: string;
  /** The endpoint key: never logged, written or returned. */
  key: string;
  /** Endpoint name for the report. */
  endpoint?: string;
  /** A request shape known already (otherwise found out with the first answer). */
  shape?: PayloadShape;
  /** Per request (default 90 s). */
  timeoutMs?: number;
  /** Retries of 429/5xx/408/resets per request (default 5). */
  retries?: number;
  backoff?: BackoffPolicy;
  /** Injected for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type EvaluationEvent =
  | { type: "retry"; role: Role; deployment: string; reason: string; delayMs: number }
  | { type: "answer"; role: Role; deployment: string; example: string; ok: boolean; latencyMs?: number; error?: string }
  | { type: "budget"; budgetMs: number };

export interface EvaluateOptions {
  /** Usable examples (parseExamples); at most maxExamples of them are selected. */
  examples: readonly Example[];
  /** Lines that could not be used (parseExamples), counted in the report. */
  dropped?: readonly Dropped[];
  /** Most examples sent (default 200). */
  maxExamples?: number;
  target: ScoringTarget;
  candidate: DeploymentTarget;
  /** The deployment in production; none on a first deploy (floors or report-only). */
  baseline?: DeploymentTarget;
  decoding?: DecodingOptions;
  gate?: GateSettings;
  /** The whole evaluation's time (default 30 minutes). */
  budgetMs?: number;
  /** Aborting it ends the evaluation as the budget would. */
  signal?: AbortSignal;
  /** Progress. Must not throw. */
  onEvent?: (e: EvaluationEvent) => void;
}

const DEFAULT_MAX_EXAMPLES = 200;
const DEFAULT_BUDGET_MS = 30 * 60_000;

/** Compare the candidate with the baseline (or check it against floors) on the selected examples. */
export async function evaluate(o: EvaluateOptions): Promise<EvaluationReport> {
  const started = Date.now();
  const selected = selectExamples(o.examples, o.maxExamples ?? DEFAULT_MAX_EXAMPLES, o.gate?.seed ?? DEFAULT_SEED);
  const maxNewTokens = maxNewTokensFor(
    selected.map((e) => e.reference),
    o.decoding,
  );
  const settings = greedyParameters(maxNewTokens, o.decoding?.parameters);
  const context = o.decoding?.contextTokens ?? DEFAULT_CONTEXT_TOKENS;
  // Trimmed once: both deployments get the same prompt.
  const prompts = selected.map((e) => trimToContext(e.messages, maxNewTokens, context));
  const results: ExampleResult[] = selected.map((e, i) => initialResult(e, prompts[i]!));
  const budget = budgetSignal(o.budgetMs ?? DEFAULT_BUDGET_MS, o.signal);
  const roles: [Role, DeploymentTarget][] = [["candidate", o.candidate]];
  if (o.baseline) roles.push(["baseline", o.baseline]);
  let stats: DeploymentStats[];
  try {
    stats = await Promise.all(
      roles.map(([role, d]) => runDeployment(role, d, results, prompts, { ...o, settings, budget, maxNewTokens })),
    );
  } finally {
    budget.stop();
  }
  if (budget.signal.aborted) o.onEvent?.({ type: "budget", budgetMs: o.budgetMs ?? DEFAULT_BUDGET_MS });
  for (const r of results) finish(r, !!o.baseline);
  const summary = summarise(results, {
    hasBaseline: !!o.baseline,
    candidateErrorRate: stats[0]!.errorRate,
    budgetExceeded: budget.signal.aborted,
    gate: o.gate,
  });
  const used = results.filter((r) => r.used).length;
  return {
    kind: "deployments",
    endpoint: o.target.endpoint,
    candidate: o.candidate.name,
    baseline: o.baseline?.name,
    available: o.examples.length,
    selected: selected.length,
    used,
    dropped: countDropped([
      ...(o.dropped ?? []).map((d) => d.reason),
      ...results.filter((r) => !r.used).map((r) => r.droppedReason ?? "not scored"),
    ]),
    examples: results,
    ...summary,
    deployments: stats,
    decoding: { maxNewTokens, parameters: { temperature: 0, ...settings.parameters } },
    budgetExceeded: budget.signal.aborted,
    elapsedMs: Date.now() - started,
  };
}

function initialResult(e: Example, trimmed: Trimmed): ExampleResult {
  const lastUser = [...e.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  return {
    id: e.id,
    line: e.line,
    prompt: lastUser,
    reference: e.reference,
    trimmedTurns: trimmed.ok ? trimmed.trimmedTurns : 0,
    candidate: {},
    used: false,
    ...(trimmed.ok ? {} : { droppedReason: trimmed.reason }),
  };
}

interface RunContext extends EvaluateOptions {
  settings: ReturnType<typeof greedyParameters>;
  budget: { signal: AbortSignal };
  maxNewTokens: number;
}

/** Sends the examples to one deployment, `concurrency` at a time, and fills in its answers. */
async function runDeployment(
  role: Role,
  d: DeploymentTarget,
  results: ExampleResult[],
  prompts: readonly Trimmed[],
  c: RunContext,
): Promise<DeploymentStats> {
  let retries = 0;
  const client = scoringClient({
    scoringUri: c.target.scoringUri,
    key: c.target.key,
    deployment: d.name,
    settings: c.settings,
    shape: c.target.shape,
    fetch: c.target.fetch,
    timeoutMs: c.target.timeoutMs,
    retries: c.target.retries ?? 5,
    backoff: c.target.backoff,
    sleep: c.target.sleep,
    random: c.target.random,
    signal: c.budget.signal,
    onRetry: (e) => {
      retries++;
      c.onEvent?.({ type: "retry", role, deployment: d.name, reason: e.reason, delayMs: e.delayMs });
    },
  });
  const concurrency = Math.max(1, Math.floor(d.concurrency ?? 1));
  let next = 0;
  const worker = async () => {
    while (next < prompts.length && !c.budget.signal.aborted) {
      const i = next++;
      const r = results[i]!;
      const prompt = prompts[i]!;
      if (!prompt.ok) continue;
      const answer = await ask(client, prompt.messages, r, c);
      if (role === "candidate") r.candidate = answer;
      else r.baseline = answer;
      c.onEvent?.({
        type: "answer",
        role,
        deployment: d.name,
        example: r.id,
        ok: !answer.error,
        latencyMs: answer.latencyMs,
        error: answer.error,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, prompts.length)) }, worker));
  return deploymentStats(role, d.name, concurrency, retries, results);
}

async function ask(client: ScoringClient, messages: ChatMessage[], r: ExampleResult, c: RunContext): Promise<Answer> {
  const v = await client.score({ messages });
  if (!v.ok) {
    const cutOff = c.budget.signal.aborted ? " (cut off by the time budget)" : "";
    return { error: redactSecrets(v.message, [c.target.key]) + cutOff, latencyMs: v.latencyMs };
  }
  return {
    answer: v.answer,
    latencyMs: v.latencyMs,
    cut: probablyCut(v.answer, c.maxNewTokens),
    scores: scorePair(v.answer, r.reference),
  };
}

/** Used when every deployment called answered; otherwise the reason. */
function finish(r: ExampleResult, hasBaseline: boolean): void {
  if (r.droppedReason) return;
  const missing = (role: Role, a: Answer | undefined) =>
    !a || (!a.scores && !a.error) ? `not sent to the ${role} (time budget)` : a.error ? `${role} error` : undefined;
  const reason = missing("candidate", r.candidate) ?? (hasBaseline ? missing("baseline", r.baseline) : undefined);
  if (reason) {
    r.droppedReason = reason;
    return;
  }
  r.used = true;
  if (hasBaseline) r.delta = difference(r.candidate.scores!, r.baseline!.scores!);
}

function deploymentStats(
  role: Role,
  name: string,
  concurrency: number,
  retries: number,
  results: readonly ExampleResult[],
): DeploymentStats {
  const answers = results.map((r) => (role === "candidate" ? r.candidate : r.baseline)).filter((a): a is Answer => !!a);
  const sent = answers.filter((a) => a.scores || a.error);
  const ok = sent.filter((a) => a.scores);
  const latencies = ok.map((a) => a.latencyMs).filter((l): l is number => l !== undefined);
  const errors = sent.length - ok.length;
  return {
    role,
    name,
    sent: sent.length,
    answered: ok.length,
    errors,
    errorRate: sent.length ? errors / sent.length : 0,
    retries,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    cut: ok.filter((a) => a.cut).length,
    concurrency,
  };
}

/** The overall budget: aborts after `ms`, or when the caller's signal aborts. */
function budgetSignal(ms: number, outer?: AbortSignal): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`time budget of ${ms} ms ran out`)), ms);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  return {
    signal: controller.signal,
    stop: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuter);
    },
  };
}
