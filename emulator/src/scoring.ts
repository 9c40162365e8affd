import { Router, type Req, type Res } from "./http.js";
import type { Arm } from "./arm/index.js";
import type { Resource } from "./arm/store.js";
import { learn, maxNewTokensOf, modelAnswer, TRAINING_LIMITS, type Degradation, type Learnt } from "./model-answers.js";
import { InFlight, limitsOf } from "./serving-limits.js";
import { trainingBlobOf, type BlobReader } from "./training-data.js";

/** How the model answers: a rule per endpoint/deployment and prompt, for tests (configurable answers, latency and errors). */
export interface ScoringRule {
  /** The workspace of the endpoint (endpoint names are unique per region only when Azure enforces it). */
  workspace?: string;
  endpoint?: string;
  deployment?: string;
  /** Applies when the last user message contains this (case-insensitive). */
  match?: string;
  answer?: string;
  /** Answer with this status and body instead (e.g. 424 model error, 503 cold start). */
  status?: number;
  body?: unknown;
  latencyMs?: number;
  /** How many requests it applies to; 0 = until removed (default). */
  count?: number;
}

/**
 * The inference container a deployment runs, decided by its model's MLflow flavours:
 * - "vllm": the model catalog's inference image, reading the walkthrough's request (`input_string: [messages]`)
 *   and answering `{"output": "…"}` (contract §8.3). Models without a transformers flavour.
 * - "mlflow-transformers" / "mlflow-hftransformersv2": no-code MLflow deployment through the MLflow scoring
 *   script (Azure/azureml-assets assets/inference/environments/mlflow-ubuntu20.04-py39-cpu-inference/context/
 *   mlflow_score_script.py), as a fine-tuned model is served: `input_string` must be a batch of conversations
 *   (`[[messages]]`, azureml-examples #3144), and the answer is the predictions as JSON: a plain list for the
 *   `transformers` flavour, pandas records `[{"0": "…"}]` for `hftransformersv2` (what the catalog's own
 *   hftransformersv2 deployments answered, Azure/azureml-assets PR #2416).
 */
export type ScoringVariant = "vllm" | "mlflow-transformers" | "mlflow-hftransformersv2";

export interface ScoringRequest {
  at: number;
  workspace?: string;
  endpoint: string;
  /** The deployment that answered (by header, or by traffic). */
  deployment?: string;
  /** The azureml-model-deployment header, when sent. */
  header?: string;
  prompt?: string;
  status: number;
  parameters?: unknown;
  variant?: ScoringVariant;
  /** The request's shape: flat (input_string: [messages]), nested ([[messages]]) or other. */
  payloadShape?: "flat" | "nested" | "other";
}

type Message = { role?: string; content?: string };

/** A deployment whose answers the control API spoils (model-answers.ts Degradation). */
export interface ScoringDegradation {
  workspace?: string;
  endpoint?: string;
  deployment: string;
  mode: Degradation;
}
type Payload = { input_data?: { input_string?: unknown; parameters?: unknown } };

/**
 * The inference server's answer when the scoring script's run() raised: 500 from the container
 * (azureml-inference-server-http), which the managed online endpoint passes on as 424 Failed Dependency.
 */
const SCRIPT_FAILED = "An unexpected error occurred in scoring script. Check the logs for more info.";

/**
 * The scoring endpoints of the managed online endpoints: POST /<endpoint>/score with
 * `Authorization: Bearer <key>`, routed to the deployment named in `azureml-model-deployment`, else by
 * the endpoint's traffic; answered by the deployment's inference container (ScoringVariant).
 */
export class Scoring {
  readonly rules: Array<ScoringRule & { hits: number }> = [];
  readonly requests: ScoringRequest[] = [];
  readonly degradations: ScoringDegradation[] = [];
  /** Reads the training data of fine-tuned models (Azurite); without it every model answers as a base model. */
  blobs?: BlobReader;
  private turn = 0;
  private readonly inFlight = new InFlight();
  private readonly learnt = new Map<string, Promise<Learnt[] | undefined>>();

  constructor(private readonly arm: Arm) {}

  router(): Router {
    return new Router().on("POST", /^\/([^/]+)\/score$/, async (req, [name]) => {
      const log: ScoringRequest = { at: Date.now(), endpoint: name!, status: 0 };
      this.requests.push(log);
      const done = (res: Res) => ((log.status = res.status), res);
      const found = this.endpointFor(req, name!);
      if (found === "no-endpoint") return done({ status: 404, text: true, body: `No such endpoint: ${name}` });
      if (found === "no-key")
        return done({ status: 401, text: true, body: "Unauthorized: the key is missing or wrong." });
      log.workspace = found.id.split("/workspaces/")[1]?.split("/")[0];
      log.header = req.headers["azureml-model-deployment"] as string | undefined;
      const routed = this.route(req, found, name!);
      if ("error" in routed) return done(routed.error);
      const { deployment } = routed;
      log.deployment = deployment.name;
      log.variant = this.variantOf(deployment);
      return done(await this.answer(req, log, deployment));
    });
  }

  /**
   * The endpoint this scoring URI and key belong to: keyed by workspace and endpoint, so two endpoints of the
   * same name in two workspaces (which Azure refuses per region, but a test may set up) each keep their key.
   */
  private endpointFor(req: Req, name: string): Resource | "no-endpoint" | "no-key" {
    const candidates = [...this.arm.store.resources.values()].filter(
      (r) =>
        r.type.endsWith("/onlineEndpoints") &&
        r.name.toLowerCase() === name.toLowerCase() &&
        samePath(String(r.properties.scoringUri ?? ""), req.path),
    );
    if (!candidates.length) return "no-endpoint";
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    const owner = candidates.find((e) => {
      const keys = this.arm.endpoints.keys.get(e.id.toLowerCase());
      return bearer !== undefined && keys !== undefined && (bearer === keys.primaryKey || bearer === keys.secondaryKey);
    });
    return owner ?? "no-key";
  }

  /** The deployment named in the header, else one picked by traffic; or the 404 to answer. */
  private route(req: Req, endpoint: Resource, name: string): { deployment: Resource } | { error: Res } {
    const deployments = this.arm.store
      .list(`${endpoint.id}/deployments`)
      .filter((d) => d.properties.provisioningState === "Succeeded");
    const notFound = (message: string) => ({ error: { status: 404, body: { message } } });
    const header = req.headers["azureml-model-deployment"] as string | undefined;
    let chosen = header;
    if (!header) {
      // By traffic: a smooth weighted round robin, so a test sees the shares without randomness.
      const traffic = Object.entries((endpoint.properties.traffic ?? {}) as Record<string, number>).filter(
        ([, w]) => w > 0,
      );
      const total = traffic.reduce((a, [, w]) => a + w, 0);
      if (!total) return notFound(`Endpoint ${name} sends no traffic to any deployment.`);
      let pick = this.turn++ % total;
      chosen = traffic.find(([, w]) => (pick -= w) < 0)?.[0];
    }
    const deployment = deployments.find((d) => d.name === chosen);
    return deployment ? { deployment } : notFound(`No deployment ${chosen} on endpoint ${name}.`);
  }

  /** The container variant of a deployment: from the flavours of the model version it serves. */
  variantOf(deployment: Resource): ScoringVariant {
    const model = this.arm.store.get(String(deployment.properties.model ?? ""));
    const flavors = (model?.properties.flavors ?? {}) as Record<string, unknown>;
    if ("transformers" in flavors) return "mlflow-transformers";
    if ("hftransformersv2" in flavors) return "mlflow-hftransformersv2";
    return "vllm";
  }

  private async answer(req: Req, log: ScoringRequest, deployment: Resource): Promise<Res> {
    let payload: Payload;
    try {
      payload = req.json<Payload>();
    } catch {
      return { status: 400, body: { message: "The body is not JSON." } };
    }
    const input = payload?.input_data?.input_string;
    log.payloadShape = shapeOf(input);
    log.parameters = payload?.input_data?.parameters;
    const variant = log.variant!;
    const messages = readable(variant, input);
    if (!messages) return this.unreadable(variant, deployment);
    log.prompt = [...messages].reverse().find((m) => m?.role === "user")?.content ?? "";
    const limits = limitsOf(deployment);
    const slot = deployment.id.toLowerCase();
    if (limits && !this.inFlight.take(slot, limits.maxInFlight))
      return { status: 429, body: { message: "Too many pending requests." } };
    try {
      return await this.run(log, deployment, messages, limits?.requestTimeoutMs);
    } finally {
      if (limits) this.inFlight.give(slot);
    }
  }

  /** The model at work: an injected rule's latency and answer, else the model's own answer; 408 past the timeout. */
  private async run(log: ScoringRequest, deployment: Resource, messages: Message[], timeoutMs?: number): Promise<Res> {
    const rule = this.ruleFor(log, log.prompt ?? "");
    const latency = rule?.latencyMs ?? 0;
    if (timeoutMs !== undefined && latency > timeoutMs) {
      await new Promise((r) => setTimeout(r, timeoutMs));
      return { status: 408, body: { message: `The model did not answer within request_timeout_ms (${timeoutMs}).` } };
    }
    if (latency) await new Promise((r) => setTimeout(r, latency));
    if (rule?.status) return { status: rule.status, body: rule.body ?? { message: `Injected ${rule.status}` } };
    if (rule?.body !== undefined) return { status: 200, body: rule.body };
    const text =
      rule?.answer ??
      modelAnswer({
        messages,
        deployment: deployment.name,
        learnt: await this.learntFor(deployment),
        degraded: this.degradationOf(log),
        maxNewTokens: maxNewTokensOf(log.parameters),
      });
    return { status: 200, body: answerBody(log.variant!, text) };
  }

  /** What the deployment's model version learnt from its fine-tune job's training data (read once per version). */
  private learntFor(deployment: Resource): Promise<Learnt[] | undefined> {
    const model = String(deployment.properties.model ?? "").toLowerCase();
    const blob = this.blobs && trainingBlobOf(this.arm.store, model);
    if (!blob || !this.blobs) return Promise.resolve(undefined);
    let learnt = this.learnt.get(model);
    if (!learnt) {
      learnt = this.blobs(blob, TRAINING_LIMITS.maxBytes).then((text) => (text ? learn(text) : undefined));
      this.learnt.set(model, learnt);
    }
    return learnt;
  }

  private degradationOf(log: ScoringRequest): Degradation | undefined {
    return this.degradations.find(
      (d) =>
        d.deployment === log.deployment &&
        (!d.endpoint || d.endpoint === log.endpoint) &&
        (!d.workspace || d.workspace === log.workspace),
    )?.mode;
  }

  /** What each container answers to an input it cannot read, with the script's traceback in the container log. */
  private unreadable(variant: ScoringVariant, deployment: Resource): Res {
    if (variant === "vllm")
      return {
        status: 424,
        body: { message: `${SCRIPT_FAILED.split(".")[0]}: input_data.input_string must be a list of messages.` },
      };
    const id = deployment.id.toLowerCase();
    const before = this.arm.endpoints.logs.get(id) ?? "";
    this.arm.endpoints.logs.set(
      id,
      `${before}Encountered Exception: Traceback (most recent call last):\n  File "/var/azureml-app/mlflow_score_script.py", in run\nMlflowException: the model expects a batch of conversations (input_string: [[messages]]).\n`,
    );
    return { status: 424, body: { message: SCRIPT_FAILED } };
  }

  private ruleFor(log: ScoringRequest, prompt: string): (ScoringRule & { hits: number }) | undefined {
    const rule = this.rules.find(
      (r) =>
        (!r.workspace || r.workspace === log.workspace) &&
        (!r.endpoint || r.endpoint === log.endpoint) &&
        (!r.deployment || r.deployment === log.deployment) &&
        (!r.match || prompt.toLowerCase().includes(r.match.toLowerCase())) &&
        (!r.count || r.hits < r.count),
    );
    if (rule) rule.hits++;
    return rule;
  }
}

function samePath(scoringUri: string, path: string): boolean {
  try {
    return new URL(scoringUri).pathname.toLowerCase() === path.toLowerCase();
  } catch {
    return false;
  }
}

const isMessages = (v: unknown): v is Message[] =>
  Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === "object" && m !== null && !Array.isArray(m));

function shapeOf(input: unknown): ScoringRequest["payloadShape"] {
  if (isMessages(input)) return "flat";
  if (Array.isArray(input) && input.length === 1 && isMessages(input[0])) return "nested";
  return "other";
}

/** The conversation, when this container can read the input; undefined when it fails on it. */
function readable(variant: ScoringVariant, input: unknown): Message[] | undefined {
  const shape = shapeOf(input);
  if (variant === "vllm") return shape === "flat" ? (input as Message[]) : undefined;
  return shape === "nested" ? (input as Message[][])[0] : undefined;
}

function answerBody(variant: ScoringVariant, text: string): unknown {
  if (variant === "mlflow-transformers") return [text];
  if (variant === "mlflow-hftransformersv2") return [{ 0: text }];
  return { output: text };
}
