import { Router } from "./http.js";
import type { Emulator } from "./world.js";
import type { FaultRule } from "./faults.js";
import type { GithubJob } from "./github-oidc.js";
import type { FederatedCredential } from "./entra.js";
import type { WorkspaceSeed } from "./arm/workspaces.js";
import { wsId, type Quota } from "./arm/context.js";
import { DEFAULTS } from "./defaults.js";
import { seedEndpoint, type DeploymentFailure, type EndpointSeed } from "./arm/endpoints.js";
import type { ScoringDegradation, ScoringRule } from "./scoring.js";

type Routes = (r: Router, emu: Emulator) => void;
const ok = (body: unknown = { ok: true }) => ({ status: 200, body });
/** The id of a workspace of the default subscription and resource group. */
const defaultWs = (name?: string) => wsId(DEFAULTS.subscriptionId, DEFAULTS.resourceGroup, name ?? DEFAULTS.workspace);

/**
 * The emulator's own API (plain HTTP on loopback), for tests and `npm start`: set up identities,
 * workspaces, quotas and faults, and read what the cloud saw. Never used by the actions.
 */
export function controlRouter(emu: Emulator): Router {
  const r = new Router().on("GET", /^\/health$/, () => ok()).on("GET", /^\/env$/, () => ok(emu.env));
  const groups: Routes[] = [
    identityRoutes,
    armRoutes,
    faultRoutes,
    exchangeRoutes,
    endpointRoutes,
    jobRoutes,
    githubRoutes,
  ];
  for (const add of groups) add(r, emu);
  return r;
}

/** GitHub jobs (OIDC request tokens) and Entra app registrations. */
const identityRoutes: Routes = (r, emu) => {
  r.on("POST", /^\/github\/jobs$/, (req) => {
    const token = emu.oidc.addJob(req.json<Partial<GithubJob>>() ?? {});
    return ok({ requestToken: token, requestUrl: emu.env.ACTIONS_ID_TOKEN_REQUEST_URL });
  });
  r.on("GET", /^\/github\/jobs\/([^/]+)$/, (_req, [token]) => ok({ issued: emu.oidc.issued.get(token!) ?? 0 }));
  r.on("POST", /^\/entra\/apps$/, (req) => {
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
    const tenantId = b.tenantId ?? DEFAULTS.tenantId;
    return ok(
      emu.entra.addApp({
        tenantId,
        clientId: b.clientId,
        federated,
        accessTokenLifetimeSeconds: b.accessTokenLifetimeSeconds,
      }),
    );
  });
  // A token without the GitHub OIDC dance, for `az rest` and SDK scripts (docs/pending/emulator.md);
  // `lifetimeSeconds` below 0 gives one that has already expired.
  r.on("POST", /^\/entra\/token$/, async (req) => {
    const b = req.json<{ clientId?: string; tenantId?: string; resource?: string; lifetimeSeconds?: number }>() ?? {};
    const app = emu.entra.apps.get(
      `${b.tenantId ?? DEFAULTS.tenantId}/${b.clientId ?? DEFAULTS.clientId}`.toLowerCase(),
    );
    if (!app) return { status: 404, body: { error: `No app ${b.clientId} in tenant ${b.tenantId}` } };
    const life = b.lifetimeSeconds ?? emu.entra.accessTokenLifetimeSeconds;
    const token = await emu.entra.accessToken(app, b.resource ?? "https://management.azure.com", life);
    return ok({ token_type: "Bearer", access_token: token, expires_in: life });
  });
  r.on("PUT", /^\/entra\/config$/, (req) => {
    const b = req.json<{ accessTokenLifetimeSeconds?: number }>();
    if (b.accessTokenLifetimeSeconds) emu.entra.accessTokenLifetimeSeconds = b.accessTokenLifetimeSeconds;
    return ok();
  });
  r.on("GET", /^\/entra\/events$/, (req) => {
    const client = req.url.searchParams.get("clientId");
    return ok(emu.entra.events.filter((e) => !client || e.clientId === client));
  });
};

/** Workspaces, subscriptions, quotas, LRO pacing, and a look at the resources. */
const armRoutes: Routes = (r, emu) => {
  r.on("POST", /^\/workspaces$/, async (req) =>
    ok(await emu.addWorkspace(req.json<Partial<WorkspaceSeed> & { name: string }>())),
  );
  r.on("POST", /^\/subscriptions$/, (req) => {
    const b = req.json<{ subscriptionId: string; tenantId?: string; displayName?: string }>();
    return ok(
      emu.arm.subscriptions.add({
        subscriptionId: b.subscriptionId,
        tenantId: b.tenantId ?? DEFAULTS.tenantId,
        displayName: b.displayName ?? `Subscription ${b.subscriptionId}`,
      }),
    );
  });
  r.on("POST", /^\/quotas$/, (req) => {
    // A family's quota, or with `regional: true` the Total Cluster Dedicated Regional vCPUs.
    const b = req.json<
      Partial<Quota> & { limit: number; subscriptionId?: string; location?: string; regional?: boolean }
    >();
    const [sub, loc] = [b.subscriptionId ?? DEFAULTS.subscriptionId, b.location ?? DEFAULTS.location];
    if (b.regional) emu.arm.quotas.setRegional(sub, loc, { limit: b.limit, current: b.current ?? 0 });
    else emu.arm.quotas.set(sub, loc, { family: b.family ?? "", limit: b.limit, current: b.current ?? 0 });
    return ok();
  });
  // A region's Linux / Standard prices for a test (test data, not Azure's): given, or copied from the
  // snapshot's region `from` (vm-prices.ts).
  r.on("POST", /^\/prices$/, (req) => {
    const b = req.json<{ location: string; prices?: Record<string, number>; from?: string }>();
    emu.arm.prices.put(b.location, b.prices ?? emu.arm.prices.of(b.from ?? ""));
    return ok();
  });
  r.on("PUT", /^\/arm\/config$/, (req) => {
    const b = req.json<{ lroPolls?: number; retryAfterSeconds?: number | null; subscriptionId?: string }>();
    if (b.lroPolls !== undefined) emu.arm.store.lroPolls = b.lroPolls;
    // Shortened pacing (Retry-After below the spec's 10 s) for one subscription, the default one unless named:
    // for tests and `npm start` only, which say so; null restores the spec's pacing.
    const sub = (b.subscriptionId ?? DEFAULTS.subscriptionId).toLowerCase();
    if (b.retryAfterSeconds === null) emu.arm.store.shortenedRetryAfter.delete(sub);
    else if (b.retryAfterSeconds !== undefined) emu.arm.store.shortenedRetryAfter.set(sub, b.retryAfterSeconds);
    return ok();
  });
  r.on("GET", /^\/resources$/, (req) => {
    const prefix = (req.url.searchParams.get("prefix") ?? "").toLowerCase();
    return ok([...emu.arm.store.resources.values()].filter((x) => x.id.toLowerCase().startsWith(prefix)));
  });
  r.on("GET", /^\/contract$/, (req) => ok(emu.contractReport(req.url.searchParams.get("path") ?? "")));
};

/** Fault switches (see faults.ts). */
const faultRoutes: Routes = (r, emu) => {
  r.on("POST", /^\/faults$/, (req) => ok({ id: emu.faults.add(req.json<FaultRule>()) }));
  r.on("DELETE", /^\/faults$/, () => {
    emu.faults.clear();
    return ok();
  });
  r.on("DELETE", /^\/faults\/(\d+)$/, (_req, [id]) => {
    emu.faults.remove(Number(id));
    return ok();
  });
};

/** What the cloud saw: the exchanges, filtered by service, path and sequence. */
const exchangeRoutes: Routes = (r, emu) => {
  r.on("GET", /^\/exchanges$/, (req) => {
    const service = req.url.searchParams.get("service");
    const contains = req.url.searchParams.get("path")?.toLowerCase();
    const since = Number(req.url.searchParams.get("since") ?? 0);
    const wanted = (x: Emulator["exchanges"][number]) =>
      x.seq > since && (!service || x.service === service) && (!contains || x.path.toLowerCase().includes(contains));
    return ok(emu.exchanges.filter(wanted));
  });
};

/** Online endpoints as an earlier run left them, their keys, failures to inject, and the scoring stand-in. */
const endpointRoutes: Routes = (r, emu) => {
  r.on("POST", /^\/endpoints$/, (req) => {
    const b = req.json<
      Omit<EndpointSeed, "workspaceId" | "location"> & {
        workspace?: string;
        location?: string;
        subscriptionId?: string;
      }
    >();
    const ctx = { store: emu.arm.store, base: () => emu.arm.base, quotas: emu.arm.quotas, prices: emu.arm.prices };
    const workspaceId = b.subscriptionId
      ? wsId(b.subscriptionId, DEFAULTS.resourceGroup, b.workspace ?? DEFAULTS.workspace)
      : defaultWs(b.workspace);
    const seed = { ...b, workspaceId, location: b.location ?? DEFAULTS.location };
    const endpoint = seedEndpoint(ctx, emu.arm.endpoints, seed);
    return ok({ endpoint, keys: emu.arm.endpoints.keys.get(endpoint.id.toLowerCase()) });
  });
  r.on("POST", /^\/endpoints\/keys$/, (req) => {
    const b = req.json<{ workspace?: string; name: string }>();
    return ok({
      keys: emu.arm.endpoints.keys.get(`${defaultWs(b.workspace)}/onlineEndpoints/${b.name}`.toLowerCase()),
    });
  });
  // A key of the test's choosing: Azure lets a user set a key's value (RegenerateEndpointKeysRequest.keyValue,
  // "The value the key is set to", mfe.json 2025-12-01), so a key may hold any character.
  r.on("PUT", /^\/endpoints\/keys$/, (req) => {
    const b = req.json<{ workspace?: string; name: string; primaryKey: string; secondaryKey?: string }>();
    const id = `${defaultWs(b.workspace)}/onlineEndpoints/${b.name}`.toLowerCase();
    emu.arm.endpoints.keys.set(id, { primaryKey: b.primaryKey, secondaryKey: b.secondaryKey ?? `${b.primaryKey}2` });
    return ok();
  });
  r.on("PUT", /^\/endpoints\/failure$/, (req) => {
    const b = req.json<DeploymentFailure & { endpointId: string }>();
    emu.arm.endpoints.failures.set(b.endpointId.toLowerCase(), {
      code: b.code,
      message: b.message,
      logs: b.logs,
      hang: b.hang,
    });
    return ok();
  });
  r.on("POST", /^\/scoring\/rules$/, (req) => {
    emu.scoring.rules.push({ ...req.json<ScoringRule>(), hits: 0 });
    return ok();
  });
  // Spoil one deployment's answers (truncate: a quarter of the words; shuffle: another prompt's answer), so a
  // test can make a candidate worse than production; DELETE ?endpoint=<name> restores that endpoint's deployments.
  r.on("POST", /^\/scoring\/degrade$/, (req) => {
    const b = req.json<Partial<ScoringDegradation>>() ?? {};
    if (!b.deployment || (b.mode !== "truncate" && b.mode !== "shuffle"))
      return { status: 400, body: { error: 'Give {"deployment": "<name>", "mode": "truncate" | "shuffle"}.' } };
    emu.scoring.degradations.push({
      workspace: b.workspace,
      endpoint: b.endpoint,
      deployment: b.deployment,
      mode: b.mode,
    });
    return ok();
  });
  r.on("DELETE", /^\/scoring\/degrade$/, (req) => {
    // One endpoint's only: other suites' degradations on the same emulator stay.
    const endpoint = req.url.searchParams.get("endpoint");
    if (!endpoint) return { status: 400, body: { error: "Give ?endpoint=<name>: whose degradations to remove." } };
    const kept = emu.scoring.degradations.filter((d) => d.endpoint !== endpoint);
    emu.scoring.degradations.splice(0, emu.scoring.degradations.length, ...kept);
    return ok();
  });
  r.on("GET", /^\/scoring\/requests$/, (req) => {
    const endpoint = req.url.searchParams.get("endpoint");
    return ok(emu.scoring.requests.filter((x) => !endpoint || x.endpoint === endpoint));
  });
};

/** How the next job runs, and jobs as an earlier run left them. */
const jobRoutes: Routes = (r, emu) => {
  r.on("PUT", /^\/jobs\/next$/, (req) => {
    const b = req.json<{ workspace?: string; durationMs?: number; outcome?: "Completed" | "Failed" }>();
    emu.arm.jobs.next.set(defaultWs(b.workspace).toLowerCase(), {
      ...(b.durationMs ? { durationMs: b.durationMs } : {}),
      ...(b.outcome ? { outcome: b.outcome } : {}),
    });
    return ok();
  });
  r.on("POST", /^\/jobs$/, async (req) => {
    const b = req.json<SeededJob>();
    const trainUri = b.trainData === undefined ? undefined : await seedTrainingData(emu, b, b.trainData);
    return ok({ id: seedJob(emu, b, trainUri) });
  });
};

interface SeededJob {
  workspace?: string;
  name: string;
  status?: "Completed" | "Failed" | "Running";
  outputs?: Record<string, unknown>;
  /** The model the job fine-tuned, as action-finetune binds it: a Hugging Face id (default Phi-3-mini-4k-instruct). */
  huggingfaceId?: string;
  /** Or a model URI bound to mlflow_model_path (instead of a Hugging Face id). */
  mlflowModel?: string;
  /** The job's training data (JSONL), uploaded to the workspace's blob store and registered as <name>-train:1. */
  trainData?: string;
}

/** Uploads a job's training data and registers it as a data asset, as action-dataset does; returns its azureml: id. */
async function seedTrainingData(emu: Emulator, b: SeededJob, jsonl: string): Promise<string> {
  const ws = defaultWs(b.workspace);
  const store = emu.arm.store.get(`${ws}/datastores/workspaceblobstore`);
  if (!emu.putBlob || !store) throw new Error("trainData needs Azurite and the workspace's blob store.");
  const path = `training/${b.name}/train.jsonl`;
  await emu.putBlob({ container: String(store.properties.containerName), path }, jsonl);
  const asset = `${b.name}-train`;
  emu.arm.store.put({
    id: `${ws}/data/${asset}/versions/1`,
    name: "1",
    type: "Microsoft.MachineLearningServices/workspaces/data/versions",
    properties: { dataType: "uri_file", dataUri: `azureml://datastores/workspaceblobstore/paths/${path}` },
  });
  return `azureml:${asset}:1`;
}

/** A fine-tune job as an earlier run left it (default: Completed, with its trained_model output). */
function seedJob(emu: Emulator, b: SeededJob, trainUri = "azureml:phi3-chat-train:1"): string {
  const id = `${defaultWs(b.workspace)}/jobs/${b.name}`;
  const status = b.status ?? "Completed";
  emu.arm.store.put({
    id,
    name: b.name,
    type: "Microsoft.MachineLearningServices/workspaces/jobs",
    properties: {
      jobType: "Pipeline",
      status,
      experimentName: "phi3-finetune",
      inputs: { train_file_path: { jobInputType: "uri_file", uri: trainUri } },
      jobs: {
        finetune: {
          type: "pipeline",
          inputs: {
            learning_rate: { job_input_type: "literal", value: "0.00002" },
            num_train_epochs: { job_input_type: "literal", value: "1" },
            ...(b.mlflowModel
              ? { mlflow_model_path: { job_input_type: "mlflow_model", uri: b.mlflowModel } }
              : {
                  huggingface_id: {
                    job_input_type: "literal",
                    value: b.huggingfaceId ?? "microsoft/Phi-3-mini-4k-instruct",
                  },
                }),
          },
        },
      },
      outputs: b.outputs ?? {
        trained_model: { jobOutputType: "mlflow_model", uri: `azureml://jobs/${b.name}/outputs/trained_model` },
      },
    },
  });
  const script =
    status === "Running"
      ? { durationMs: 3_600_000, outcome: "Completed" as const, start: Date.now() - 1_800_000 }
      : { durationMs: 1000, outcome: status, start: Date.now() - 10_000 };
  emu.arm.jobs.scripts.set(id.toLowerCase(), script);
  return id;
}

/** The GitHub REST stand-in's pull-request comments. */
const githubRoutes: Routes = (r, emu) => {
  r.on("GET", /^\/github\/comments$/, (req) => {
    const issue = req.url.searchParams.get("issue");
    return ok(emu.github.comments.filter((c) => !issue || c.issue === issue));
  });
  r.on("POST", /^\/github\/comments$/, (req) => {
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
  });
};
