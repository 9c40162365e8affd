import { Router, type Res } from "./http.js";
import type { Arm } from "./arm/index.js";

/** How the model answers: a rule per endpoint/deployment and prompt, for tests (configurable answers, latency and errors). */
export interface ScoringRule {
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

export interface ScoringRequest {
  at: number;
  endpoint: string;
  /** The deployment that answered (by header, or by traffic). */
  deployment?: string;
  /** The azureml-model-deployment header, when sent. */
  header?: string;
  prompt?: string;
  status: number;
  parameters?: unknown;
}

/**
 * The scoring endpoints of the managed online endpoints: POST /<endpoint>/score with
 * `Authorization: Bearer <key>`, routed to the deployment named in `azureml-model-deployment`, else by
 * the endpoint's traffic; answers `{"output": "..."}` as the Phi-3 MLflow containers do.
 */
export class Scoring {
  readonly rules: Array<ScoringRule & { hits: number }> = [];
  readonly requests: ScoringRequest[] = [];
  private turn = 0;

  constructor(private readonly arm: Arm) {}

  router(): Router {
    return new Router().on("POST", /^\/([^/]+)\/score$/, async (req, [name]) => {
      const endpoint = [...this.arm.store.resources.values()].find(
        (r) => r.type.endsWith("/onlineEndpoints") && r.name.toLowerCase() === name!.toLowerCase(),
      );
      const log: ScoringRequest = { at: Date.now(), endpoint: name!, status: 0 };
      this.requests.push(log);
      const done = (res: Res) => ((log.status = res.status), res);
      if (!endpoint) return done({ status: 404, text: true, body: `No such endpoint: ${name}` });
      const keys = this.arm.endpoints.keys.get(endpoint.id.toLowerCase());
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      if (!bearer || !keys || (bearer !== keys.primaryKey && bearer !== keys.secondaryKey)) {
        return done({ status: 401, text: true, body: "Unauthorized: the key is missing or wrong." });
      }
      const deployments = this.arm.store
        .list(`${endpoint.id}/deployments`)
        .filter((d) => d.properties.provisioningState === "Succeeded");
      const header = req.headers["azureml-model-deployment"] as string | undefined;
      log.header = header;
      let deployment: string | undefined;
      if (header) {
        deployment = deployments.find((d) => d.name === header)?.name;
        if (!deployment)
          return done({ status: 404, body: { message: `No deployment ${header} on endpoint ${name}.` } });
      } else {
        // By traffic: a smooth weighted round robin, so a test sees the shares without randomness.
        const traffic = Object.entries((endpoint.properties.traffic ?? {}) as Record<string, number>).filter(
          ([, w]) => w > 0,
        );
        const total = traffic.reduce((a, [, w]) => a + w, 0);
        if (!total)
          return done({ status: 404, body: { message: `Endpoint ${name} sends no traffic to any deployment.` } });
        let pick = this.turn++ % total;
        deployment = traffic.find(([, w]) => (pick -= w) < 0)?.[0];
      }
      log.deployment = deployment;
      let payload: { input_data?: { input_string?: Array<{ role?: string; content?: string }>; parameters?: unknown } };
      try {
        payload = req.json();
      } catch {
        return done({ status: 400, body: { message: "The body is not JSON." } });
      }
      const messages = payload?.input_data?.input_string;
      if (!Array.isArray(messages))
        return done({
          status: 424,
          body: {
            message:
              "An unexpected error occurred in scoring script: input_data.input_string must be a list of messages.",
          },
        });
      const prompt = [...messages].reverse().find((m) => m?.role === "user")?.content ?? "";
      log.prompt = prompt;
      log.parameters = payload.input_data?.parameters;
      const rule = this.rules.find(
        (r) =>
          (!r.endpoint || r.endpoint === name) &&
          (!r.deployment || r.deployment === deployment) &&
          (!r.match || prompt.toLowerCase().includes(r.match.toLowerCase())) &&
          (!r.count || r.hits < r.count),
      );
      if (rule) rule.hits++;
      if (rule?.latencyMs) await new Promise((r) => setTimeout(r, rule.latencyMs));
      if (rule?.status) return done({ status: rule.status, body: rule.body ?? { message: `Injected ${rule.status}` } });
      if (rule?.body !== undefined) return done({ status: 200, body: rule.body });
      return done({ status: 200, body: { output: rule?.answer ?? defaultAnswer(prompt, deployment!) } });
    });
  }
}

/** A deterministic stand-in for the model's answer. */
export function defaultAnswer(prompt: string, deployment: string): string {
  if (/capital of france/i.test(prompt)) return "The capital of France is Paris.";
  if (/2 ?\+ ?2/.test(prompt)) return "2 + 2 = 4.";
  return `(${deployment}) Here is a short answer to: ${prompt.slice(0, 200)}`;
}
