import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Arm } from "./arm/index.js";
import type { RegisterRoutes } from "./arm/context.js";
import { seedWorkspace, type WorkspaceSeed } from "./arm/workspaces.js";
import { createContainer, startAzurite, type Azurite } from "./azurite.js";
import { checkExchanges, type ContractReport } from "./contract/report.js";
import { controlRouter } from "./control.js";
import { DEFAULTS } from "./defaults.js";
import { Entra } from "./entra.js";
import { Faults } from "./faults.js";
import { GithubOidc, subjectOf, DEFAULT_JOB } from "./github-oidc.js";
import { Hub } from "./hub.js";
import { Scoring } from "./scoring.js";
import { Regional } from "./regional.js";
import { GithubApi } from "./github-api.js";
import { serve, type Exchange, type Served } from "./http.js";
import { signingKey } from "./keys.js";
import { createTls, type TlsMaterial } from "./tls.js";

export interface EmulatorOptions {
  /** Where the CA and certificates are written; a fresh temporary folder by default. */
  dir?: string;
  /** Start Azurite too (default true). */
  azurite?: boolean;
  /** Port of the control API; 0 = any free one. */
  controlPort?: number;
  /** Extra ARM route modules (each action's resources). */
  armRoutes?: RegisterRoutes[];
  log?: (line: string) => void;
}

export interface Emulator {
  /** The environment a bundled action needs to reach this emulator as it would reach Azure. */
  env: Record<string, string>;
  tls: TlsMaterial;
  oidc: GithubOidc;
  entra: Entra;
  arm: Arm;
  hub: Hub;
  scoring: Scoring;
  github: GithubApi;
  faults: Faults;
  exchanges: Exchange[];
  azurite?: Azurite;
  controlUrl: string;
  /** A workspace with its default datastore, whose container exists in Azurite. */
  addWorkspace(seed: Partial<WorkspaceSeed> & { name: string }): Promise<unknown>;
  contractReport(pathContains?: string): ContractReport;
  stop(): Promise<void>;
}

/** Starts the whole local cloud: GitHub OIDC issuer, Entra ID, Azure ML management API, Azurite. */
export async function startEmulator(o: EmulatorOptions = {}): Promise<Emulator> {
  const ownDir = !o.dir;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "phi3-emulator-"));
  const tls = await createTls(dir);
  const faults = new Faults();
  const exchanges: Exchange[] = [];
  const [ghKey, entraKey] = await Promise.all([signingKey("github-1"), signingKey("entra-1")]);
  const oidc = new GithubOidc(ghKey);
  const entra = new Entra(entraKey);
  const arm = new Arm(entraKey, o.armRoutes);

  const servers: Served[] = [];
  const start = async (service: string, router: ReturnType<GithubOidc["router"]>, keepBodies = false) => {
    const s = await serve({ service, router, faults, exchanges, tls, keepBodies });
    servers.push(s);
    return s;
  };
  const oidcServer = await start("oidc", oidc.router());
  const entraServer = await start("entra", entra.router());
  const armServer = await start("arm", arm.router(), true);
  const regional = new Regional(arm);
  const regionalServer = await start("api", regional.router(), true);
  regional.base = regionalServer.url;
  const hub = new Hub();
  const hubServer = await start("hub", hub.router());
  const scoring = new Scoring(arm);
  const scoringServer = await start("scoring", scoring.router());
  arm.endpoints.scoringBase = scoringServer.url;
  const github = new GithubApi();
  const githubServer = await start("github", github.router());
  oidc.issuer = oidcServer.url;
  entra.base = entraServer.url;
  arm.base = armServer.url;
  // Entra trusts the GitHub issuer's keys, as it fetches them from token.actions.githubusercontent.com.
  entra.issuers.set(oidc.issuer, [ghKey.jwk]);

  const azurite = o.azurite === false ? undefined : await startAzurite(tls, o.log);

  oidc.addJob({}, DEFAULTS.requestToken);
  entra.addApp({
    tenantId: DEFAULTS.tenantId,
    clientId: DEFAULTS.clientId,
    federated: [{ issuer: oidc.issuer, subject: subjectOf(DEFAULT_JOB), audiences: [DEFAULTS.federatedAudience] }],
  });

  const env: Record<string, string> = {
    NODE_EXTRA_CA_CERTS: tls.caFile,
    ACTIONS_ID_TOKEN_REQUEST_URL: `${oidcServer.url}/_apis/pipelines/oidc/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEFAULTS.requestToken,
    AZURE_AUTHORITY_HOST: entraServer.url,
    AZURE_RESOURCE_MANAGER_ENDPOINT: armServer.url,
    AZURE_CLIENT_ID: DEFAULTS.clientId,
    AZURE_TENANT_ID: DEFAULTS.tenantId,
    AZURE_SUBSCRIPTION_ID: DEFAULTS.subscriptionId,
    AZUREML_RESOURCE_GROUP: DEFAULTS.resourceGroup,
    AZUREML_WORKSPACE: DEFAULTS.workspace,
    HF_ENDPOINT: hubServer.url,
    GITHUB_API_URL: githubServer.url,
  };
  if (azurite) env.AZURITE_BLOB_URL = azurite.blobUrl;

  const emu: Emulator = {
    env,
    tls,
    oidc,
    entra,
    arm,
    hub,
    scoring,
    github,
    faults,
    exchanges,
    azurite,
    controlUrl: "",
    async addWorkspace(s) {
      const ws = seedWorkspace(arm.store, {
        subscriptionId: DEFAULTS.subscriptionId,
        resourceGroup: DEFAULTS.resourceGroup,
        location: DEFAULTS.location,
        blobEndpoint: azurite?.blobUrl,
        apiBase: regional.base,
        ...s,
      });
      if (azurite) {
        const store = arm.store.get(`${ws.id}/datastores/workspaceblobstore`)!;
        const now = Math.floor(Date.now() / 1000);
        const token = await entraKey.sign({
          aud: "https://storage.azure.com",
          iss: `https://sts.windows.net/${DEFAULTS.tenantId}/`,
          iat: now,
          nbf: now - 5,
          exp: now + 600,
        });
        await createContainer(azurite.blobUrl, String(store.properties.containerName), token, tls.ca);
      }
      return ws;
    },
    contractReport: (path = "") =>
      checkExchanges(
        exchanges
          // The registries' management frontend serves ARM paths under a prefix: check them as ARM answers.
          .map((x) =>
            x.service === "api" && x.path.startsWith("/mferp/managementfrontend/")
              ? { ...x, service: "arm", path: x.path.slice("/mferp/managementfrontend".length) }
              : x,
          )
          .filter((x) => x.service === "arm" && x.path.toLowerCase().includes(path.toLowerCase())),
      ),
    async stop() {
      await Promise.all(servers.map((s) => s.close()));
      await azurite?.stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  await emu.addWorkspace({ name: DEFAULTS.workspace });
  const control = await serve({
    service: "control",
    router: controlRouter(emu),
    faults: new Faults(),
    exchanges: [],
    port: o.controlPort,
  });
  servers.push(control);
  emu.controlUrl = control.url;
  env.EMULATOR_CONTROL_URL = control.url;
  return emu;
}
