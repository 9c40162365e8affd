import { randomBytes } from "node:crypto";
import { Router } from "./http.js";
import type { SigningKey } from "./keys.js";

/** A job as GitHub's OIDC issuer sees it: the claims its ID tokens carry. */
export interface GithubJob {
  repository: string;
  ref: string;
  sha: string;
  eventName: string;
  environment?: string;
  workflow: string;
  runId: string;
  runAttempt: string;
  actor: string;
  /** Overrides the `sub` GitHub would derive. */
  subject?: string;
  /** Lifetime of each ID token, seconds (GitHub's: about 5 minutes). */
  lifetimeSeconds: number;
}

export const DEFAULT_JOB: GithubJob = {
  repository: "octo-org/phi3-demo",
  ref: "refs/heads/main",
  sha: "0123456789abcdef0123456789abcdef01234567",
  eventName: "push",
  environment: "azureml",
  workflow: "finetune",
  runId: "4242",
  runAttempt: "1",
  actor: "octocat",
  lifetimeSeconds: 300,
};

/** The `sub` GitHub issues: environment first, then pull_request, then the ref. */
export function subjectOf(job: GithubJob): string {
  if (job.subject) return job.subject;
  if (job.environment) return `repo:${job.repository}:environment:${job.environment}`;
  if (job.eventName === "pull_request") return `repo:${job.repository}:pull_request`;
  return `repo:${job.repository}:ref:${job.ref}`;
}

export class GithubOidc {
  readonly jobs = new Map<string, GithubJob>();
  /** Tokens issued, per request token (what a test may count). */
  readonly issued = new Map<string, number>();
  issuer = "";

  constructor(readonly key: SigningKey) {}

  /** Registers a job; returns the request token its steps get as ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  addJob(job: Partial<GithubJob> = {}, requestToken = randomBytes(16).toString("hex")): string {
    this.jobs.set(requestToken, { ...DEFAULT_JOB, ...job });
    return requestToken;
  }

  router(): Router {
    return new Router()
      .on("GET", /^\/\.well-known\/openid-configuration$/, () => ({
        status: 200,
        body: {
          issuer: this.issuer,
          jwks_uri: `${this.issuer}/.well-known/jwks`,
          subject_types_supported: ["public", "pairwise"],
          response_types_supported: ["id_token"],
          claims_supported: [
            "sub",
            "aud",
            "exp",
            "iat",
            "iss",
            "jti",
            "nbf",
            "ref",
            "repository",
            "environment",
            "job_workflow_ref",
          ],
          id_token_signing_alg_values_supported: ["RS256"],
          scopes_supported: ["openid"],
        },
      }))
      .on("GET", /^\/\.well-known\/jwks$/, () => ({ status: 200, body: { keys: [this.key.jwk] } }))
      .on("GET", /^\/_apis\/pipelines\/oidc\/token$/, async (req) => {
        const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
        const job = bearer ? this.jobs.get(bearer) : undefined;
        if (!bearer || !job) return { status: 401, body: { message: "The request token is not valid for this job." } };
        const owner = job.repository.split("/")[0];
        const now = Math.floor(Date.now() / 1000);
        const claims = {
          jti: randomBytes(8).toString("hex"),
          sub: subjectOf(job),
          aud: req.url.searchParams.get("audience") ?? `https://github.com/${owner}`,
          ref: job.ref,
          sha: job.sha,
          repository: job.repository,
          repository_owner: owner,
          run_id: job.runId,
          run_attempt: job.runAttempt,
          actor: job.actor,
          workflow: job.workflow,
          event_name: job.eventName,
          ref_type: job.ref.startsWith("refs/tags/") ? "tag" : "branch",
          job_workflow_ref: `${job.repository}/.github/workflows/${job.workflow}.yml@${job.ref}`,
          ...(job.environment ? { environment: job.environment } : {}),
          iss: this.issuer,
          nbf: now - 5,
          iat: now,
          exp: now + job.lifetimeSeconds,
        };
        this.issued.set(bearer, (this.issued.get(bearer) ?? 0) + 1);
        return { status: 200, body: { count: 1, value: await this.key.sign(claims) } };
      });
  }
}
