import { Router } from "./http.js";
import type { Emulator } from "./emulator.js";
import type { FaultRule } from "./faults.js";
import type { GithubJob } from "./github-oidc.js";
import type { FederatedCredential } from "./entra.js";
import type { WorkspaceSeed } from "./arm/workspaces.js";
import type { Quota } from "./arm/context.js";
import { DEFAULTS } from "./defaults.js";
import { seedEndpoint, type DeploymentFailure, type EndpointSeed } from "./arm/endpoints.js";
import type { ScoringRule } from "./scoring.js";

/**
 * The emulator's own API (plain HTTP on loopback), for tests and `npm start`: set up identities,
 * workspaces, quotas and faults, and read what the cloud saw. Never used by the actions.
 */
export function controlRouter(emu: Emulator): Router {
  const ok = (body: unknown = { ok: true }) => ({ status: 200, body });
  return new Router()
    .on("GET", /^\/health$/, () => ok())
    .on("GET", /^\/env$/, () => ok(emu.env))
    .on("POST", /^\/github\/jobs$/, (req) => {
      const job = req.json<Partial<GithubJob>>() ?? {};
      const token = emu.oidc.addJob(job);
      return ok({ requestToken: token, requestUrl: emu.env.ACTIONS_ID_TOKEN_REQUEST_URL });
    })
    .on("GET", /^\/github\/jobs\/([^/]+)$/, (_req, [token]) => ok({ issued: emu.oidc.issued.get(token!) ?? 0 }))
    .on("POST", /^\/entra\/apps$/, (req) => {
      const b = req.json<{
        tenantId?: string;
        clientId: string;
        subject?: string;
        federated?: FederatedCredential[];
        accessTokenLifetimeSeconds?: number;
      }>();
      const federated = b.federated ?? [
        { issuer: emu.oidc.issuer, subject: b.subject ?? "", audiences: [DEFAULTS.federatedAudience] },
      ];
      return ok(
        emu.entra.addApp({
          tenantId: b.tenantId ?? DEFAULTS.tenantId,
          clientId: b.clientId,
          federated,
          accessTokenLifetimeSeconds: b.accessTokenLifetimeSeconds,
        }),
      );
    })
    .on("PUT", /^\/entra\/config$/, (req) => {
      const b = req.json<{ accessTokenLifetimeSeconds?: number }>();
      if (b.accessTokenLifetimeSeconds) emu.entra.accessTokenLifetimeSeconds = b.accessTokenLifetimeSeconds;
      return ok();
    })
    .on("GET", /^\/entra\/events$/, (req) => {
      const client = req.url.searchParams.get("clientId");
      return ok(emu.entra.events.filter((e) => !client || e.clientId === client));
    })
    .on("POST", /^\/workspaces$/, async (req) => {
      const s = req.json<Partial<WorkspaceSeed> & { name: string }>();
      return ok(await emu.addWorkspace(s));
    })
    .on("POST", /^\/quotas$/, (req) => {
      const b = req.json<Quota & { subscriptionId?: string; location?: string }>();
      emu.arm.quotas.set(b.subscriptionId ?? DEFAULTS.subscriptionId, b.location ?? DEFAULTS.location, {
        family: b.family,
        limit: b.limit,
        current: b.current ?? 0,
      });
      return ok();
    })
    .on("PUT", /^\/arm\/config$/, (req) => {
      const b = req.json<{ lroPolls?: number }>();
      if (b.lroPolls !== undefined) emu.arm.store.lroPolls = b.lroPolls;
      return ok();
    })
    .on("GET", /^\/resources$/, (req) => {
      const prefix = (req.url.searchParams.get("prefix") ?? "").toLowerCase();
      return ok([...emu.arm.store.resources.values()].filter((r) => r.id.toLowerCase().startsWith(prefix)));
    })
    .on("POST", /^\/faults$/, (req) => ok({ id: emu.faults.add(req.json<FaultRule>()) }))
    .on("DELETE", /^\/faults$/, () => {
      emu.faults.clear();
      return ok();
    })
    .on("DELETE", /^\/faults\/(\d+)$/, (_req, [id]) => {
      emu.faults.remove(Number(id));
      return ok();
    })
    .on("GET", /^\/exchanges$/, (req) => {
      const service = req.url.searchParams.get("service");
      const contains = req.url.searchParams.get("path");
      const since = Number(req.url.searchParams.get("since") ?? 0);
      return ok(
        emu.exchanges.filter(
          (x) =>
            x.seq > since &&
            (!service || x.service === service) &&
            (!contains || x.path.toLowerCase().includes(contains.toLowerCase())),
        ),
      );
    })
    .on("POST", /^\/endpoints$/, (req) => {
      const b = req.json<Omit<EndpointSeed, "workspaceId" | "location"> & { workspace?: string; location?: string }>();
      const workspaceId = `/subscriptions/${DEFAULTS.subscriptionId}/resourceGroups/${DEFAULTS.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${b.workspace ?? DEFAULTS.workspace}`;
      const ctx = { store: emu.arm.store, base: () => emu.arm.base, quotas: emu.arm.quotas };
      const endpoint = seedEndpoint(ctx, emu.arm.endpoints, {
        ...b,
        workspaceId,
        location: b.location ?? DEFAULTS.location,
      });
      return ok({ endpoint, keys: emu.arm.endpoints.keys.get(endpoint.id.toLowerCase()) });
    })
    .on("POST", /^\/endpoints\/keys$/, (req) => {
      const b = req.json<{ workspace?: string; name: string }>();
      const id = `/subscriptions/${DEFAULTS.subscriptionId}/resourceGroups/${DEFAULTS.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${b.workspace ?? DEFAULTS.workspace}/onlineEndpoints/${b.name}`;
      return ok({ keys: emu.arm.endpoints.keys.get(id.toLowerCase()) });
    })
    .on("PUT", /^\/endpoints\/failure$/, (req) => {
      const b = req.json<DeploymentFailure & { endpointId: string }>();
      emu.arm.endpoints.failures.set(b.endpointId.toLowerCase(), {
        code: b.code,
        message: b.message,
        logs: b.logs,
        hang: b.hang,
      });
      return ok();
    })
    .on("PUT", /^\/jobs\/next$/, (req) => {
      const b = req.json<{ workspace?: string; durationMs?: number; outcome?: "Completed" | "Failed" }>();
      const ws = `/subscriptions/${DEFAULTS.subscriptionId}/resourceGroups/${DEFAULTS.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${b.workspace ?? DEFAULTS.workspace}`;
      emu.arm.jobs.next.set(ws.toLowerCase(), {
        ...(b.durationMs ? { durationMs: b.durationMs } : {}),
        ...(b.outcome ? { outcome: b.outcome } : {}),
      });
      return ok();
    })
    .on("POST", /^\/jobs$/, (req) => {
      // A fine-tune job as an earlier run left it (default: Completed, with its trained_model output).
      const b = req.json<{
        workspace?: string;
        name: string;
        status?: "Completed" | "Failed" | "Running";
        outputs?: Record<string, unknown>;
      }>();
      const ws = `/subscriptions/${DEFAULTS.subscriptionId}/resourceGroups/${DEFAULTS.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${b.workspace ?? DEFAULTS.workspace}`;
      const id = `${ws}/jobs/${b.name}`;
      const status = b.status ?? "Completed";
      emu.arm.store.put({
        id,
        name: b.name,
        type: "Microsoft.MachineLearningServices/workspaces/jobs",
        properties: {
          jobType: "Pipeline",
          status,
          experimentName: "phi3-finetune",
          inputs: { train_file_path: { jobInputType: "uri_file", uri: "azureml:phi3-chat-train:1" } },
          jobs: {
            finetune: {
              type: "pipeline",
              inputs: {
                learning_rate: { job_input_type: "literal", value: "0.00002" },
                num_train_epochs: { job_input_type: "literal", value: "1" },
              },
            },
          },
          outputs: b.outputs ?? {
            trained_model: { jobOutputType: "mlflow_model", uri: `azureml://jobs/${b.name}/outputs/trained_model` },
          },
        },
      });
      const start = Date.now() - 10_000;
      if (status !== "Running")
        emu.arm.jobs.scripts.set(id.toLowerCase(), { durationMs: 1000, outcome: status, start });
      else
        emu.arm.jobs.scripts.set(id.toLowerCase(), {
          durationMs: 3_600_000,
          outcome: "Completed",
          start: Date.now() - 1_800_000,
        });
      return ok({ id });
    })
    .on("POST", /^\/scoring\/rules$/, (req) => {
      emu.scoring.rules.push({ ...req.json<ScoringRule>(), hits: 0 });
      return ok();
    })
    .on("GET", /^\/scoring\/requests$/, (req) => {
      const endpoint = req.url.searchParams.get("endpoint");
      return ok(emu.scoring.requests.filter((r) => !endpoint || r.endpoint === endpoint));
    })
    .on("GET", /^\/github\/comments$/, (req) => {
      const issue = req.url.searchParams.get("issue");
      return ok(emu.github.comments.filter((c) => !issue || c.issue === issue));
    })
    .on("POST", /^\/github\/comments$/, (req) => {
      const b = req.json<{ issue: string; body: string; login?: string }>();
      const now = new Date().toISOString();
      const comment = {
        id: 500 + emu.github.comments.length,
        body: b.body,
        user: { login: b.login ?? "octocat", type: "User" },
        created_at: now,
        updated_at: now,
        html_url: "",
        issue: b.issue,
      };
      emu.github.comments.push(comment);
      return ok(comment);
    })
    .on("GET", /^\/contract$/, (req) => {
      const contains = req.url.searchParams.get("path") ?? "";
      return ok(emu.contractReport(contains));
    });
}
