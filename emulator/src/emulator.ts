import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Arm } from "./arm/index.js";
import { seedWorkspace } from "./arm/workspaces.js";
import { createContainer, readBlob, startAzurite, writeBlob, type Azurite } from "./azurite.js";
import { checkExchanges } from "./contract/report.js";
import { controlRouter } from "./control.js";
import { DEFAULTS } from "./defaults.js";
import { Entra } from "./entra.js";
import { Faults } from "./faults.js";
import { GithubOidc, subjectOf, DEFAULT_JOB } from "./github-oidc.js";
import { Hub } from "./hub.js";
import { Scoring } from "./scoring.js";
import { Regional } from "./regional.js";
import { GithubApi } from "./github-api.js";
import { serve, type Exchange, type Router, type Served } from "./http.js";
import { signingKey, type SigningKey } from "./keys.js";
import { startStorageFront } from "./storage-front.js";
import { createTls, type TlsMaterial } from "./tls.js";
import type { Emulator, EmulatorOptions } from "./world.js";

export type { Emulator, EmulatorOptions } from "./world.js";

/** The services of one emulator, started and wired, before the default identities and workspace exist. */
interface Services {
  tls: TlsMaterial;
  faults: Faults;
  exchanges: Exchange[];
  entraKey: SigningKey;
  oidc: GithubOidc;
  entra: Entra;
  arm: Arm;
  regional: Regional;
  hub: Hub;
  scoring: Scoring;
  github: GithubApi;
  servers: Served[];
  urls: Record<"oidc" | "entra" | "arm" | "hub" | "github", string>;
}

/** Starts the whole local cloud: GitHub OIDC issuer, Entra ID, Azure ML management API, Azurite. */
export async function startEmulator(o: EmulatorOptions = {}): Promise<Emulator> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "phi3-emulator-"));
  const s = await startServices(await createTls(dir), o);
  const storage = o.azurite === false ? undefined : await startStorage(s, o);
  if (storage) s.scoring.blobs = (ref, maxBytes) => readWithToken(s, storage.blobUrl, ref, maxBytes);
  seedIdentities(s);
  const env = environment(s, storage?.blobUrl);
  const emu = assemble(s, env, storage, async () => {
    if (!o.dir) rmSync(dir, { recursive: true, force: true });
  });
  await emu.addWorkspace({ name: DEFAULTS.workspace });
  await startControl(emu, s.servers, o.controlPort);
  return emu;
}

/** Every HTTPS service on its own port, each told where the others are. */
async function startServices(tls: TlsMaterial, o: EmulatorOptions): Promise<Services> {
  const faults = new Faults();
  const exchanges: Exchange[] = [];
  const servers: Served[] = [];
  const [ghKey, entraKey] = await Promise.all([signingKey("github-1"), signingKey("entra-1")]);
  const start = async (service: string, router: Router, keepBodies = false) => {
    const served = await serve({ service, router, faults, exchanges, tls, keepBodies });
    servers.push(served);
    return served.url;
  };
  const oidc = new GithubOidc(ghKey);
  const entra = new Entra(entraKey);
  const arm = new Arm(entraKey, o.armRoutes);
  const regional = new Regional(arm);
  const hub = new Hub();
  const scoring = new Scoring(arm);
  const github = new GithubApi();
  const urls = {
    oidc: (oidc.issuer = await start("oidc", oidc.router())),
    entra: (entra.base = await start("entra", entra.router())),
    arm: (arm.base = await start("arm", arm.router(), true)),
    hub: await start("hub", hub.router()),
    github: await start("github", github.router()),
  };
  regional.base = await start("api", regional.router(), true);
  arm.endpoints.scoringBase = await start("scoring", scoring.router());
  // Entra trusts the GitHub issuer's keys, as it fetches them from token.actions.githubusercontent.com.
  entra.issuers.set(oidc.issuer, [ghKey.jwk]);
  return { tls, faults, exchanges, entraKey, oidc, entra, arm, regional, hub, scoring, github, servers, urls };
}

/** Azurite, behind the front that verifies tokens as Azure Storage does. */
async function startStorage(s: Services, o: EmulatorOptions): Promise<Azurite> {
  const azurite = await startAzurite(s.tls, o.log);
  const front = await startStorageFront({
    azuriteUrl: azurite.blobUrl,
    tls: s.tls,
    entraKey: s.entraKey,
    tenantId: DEFAULTS.tenantId,
    faults: s.faults,
  });
  return {
    ...azurite,
    blobUrl: front.blobUrl,
    async stop() {
      await front.close();
      await azurite.stop();
    },
  };
}

/** The default GitHub job, its app registration, and the default subscription in the default tenant. */
function seedIdentities(s: Services): void {
  s.oidc.addJob({}, DEFAULTS.requestToken);
  s.entra.addApp({
    tenantId: DEFAULTS.tenantId,
    clientId: DEFAULTS.clientId,
    federated: [{ issuer: s.oidc.issuer, subject: subjectOf(DEFAULT_JOB), audiences: [DEFAULTS.federatedAudience] }],
  });
  s.arm.subscriptions.add({
    subscriptionId: DEFAULTS.subscriptionId,
    tenantId: DEFAULTS.tenantId,
    displayName: "Emulated subscription",
  });
}

/** The environment a bundled action needs to reach this emulator as it would reach Azure. */
function environment(s: Services, blobUrl: string | undefined): Record<string, string> {
  const env: Record<string, string> = {
    NODE_EXTRA_CA_CERTS: s.tls.caFile,
    ACTIONS_ID_TOKEN_REQUEST_URL: `${s.urls.oidc}/_apis/pipelines/oidc/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEFAULTS.requestToken,
    AZURE_AUTHORITY_HOST: s.urls.entra,
    AZURE_RESOURCE_MANAGER_ENDPOINT: s.urls.arm,
    AZURE_CLIENT_ID: DEFAULTS.clientId,
    AZURE_TENANT_ID: DEFAULTS.tenantId,
    AZURE_SUBSCRIPTION_ID: DEFAULTS.subscriptionId,
    AZUREML_RESOURCE_GROUP: DEFAULTS.resourceGroup,
    AZUREML_WORKSPACE: DEFAULTS.workspace,
    HF_ENDPOINT: s.urls.hub,
    GITHUB_API_URL: s.urls.github,
  };
  if (blobUrl) env.AZURITE_BLOB_URL = blobUrl;
  return env;
}

/** The Emulator object: the services, adding workspaces, the contract report, and stopping. */
function assemble(
  s: Services,
  env: Record<string, string>,
  azurite: Azurite | undefined,
  cleanup: () => Promise<void>,
): Emulator {
  const { tls, oidc, entra, arm, hub, scoring, github, faults, exchanges } = s;
  return {
    ...{ env, tls, oidc, entra, arm, hub, scoring, github, faults, exchanges, azurite },
    controlUrl: "",
    addWorkspace: (seed) => addWorkspace(s, azurite, seed),
    putBlob: azurite
      ? async (ref, text) => writeBlob(azurite.blobUrl, ref, text, await storageToken(s), tls.ca)
      : undefined,
    contractReport: (path = "") => ({
      ...checkExchanges(armExchanges(exchanges, path), (p) => arm.store.pacingShortened(p)),
      shortenedPacing: [...arm.store.shortenedRetryAfter.keys()],
    }),
    async stop() {
      await Promise.all(s.servers.map((x) => x.close()));
      await azurite?.stop();
      await cleanup();
    },
  };
}

/** A token Azure Storage accepts, signed by the emulator's Entra (as the workspace's own identity would get). */
function storageToken(s: Services): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return s.entraKey.sign({
    aud: "https://storage.azure.com",
    iss: `https://sts.windows.net/${DEFAULTS.tenantId}/`,
    iat: now,
    nbf: now - 5,
    exp: now + 600,
  });
}

/** The scoring container reads its model's training data as the deployment's identity would. */
async function readWithToken(
  s: Services,
  blobUrl: string,
  ref: { container: string; path: string },
  maxBytes: number,
): Promise<string | undefined> {
  return readBlob(blobUrl, ref, await storageToken(s), s.tls.ca, maxBytes);
}

/** A workspace with its default datastore, and that datastore's container in Azurite. */
async function addWorkspace(s: Services, azurite: Azurite | undefined, seed: Parameters<Emulator["addWorkspace"]>[0]) {
  const ws = seedWorkspace(s.arm.store, {
    subscriptionId: DEFAULTS.subscriptionId,
    resourceGroup: DEFAULTS.resourceGroup,
    location: DEFAULTS.location,
    blobEndpoint: azurite?.blobUrl,
    apiBase: s.regional.base,
    ...seed,
  });
  if (!azurite) return ws;
  const store = s.arm.store.get(`${ws.id}/datastores/workspaceblobstore`)!;
  const token = await storageToken(s);
  await createContainer(azurite.blobUrl, String(store.properties.containerName), token, s.tls.ca);
  return ws;
}

/** The ARM answers to check against the spec (the registries' frontend serves ARM paths under a prefix). */
function armExchanges(exchanges: Exchange[], path: string): Exchange[] {
  const prefix = "/mferp/managementfrontend";
  return exchanges
    .map((x) =>
      x.service === "api" && x.path.startsWith(`${prefix}/`)
        ? { ...x, service: "arm", path: x.path.slice(prefix.length) }
        : x,
    )
    .filter((x) => x.service === "arm" && x.path.toLowerCase().includes(path.toLowerCase()));
}

/** The control API (plain HTTP on loopback); its URL goes into the environment. */
async function startControl(emu: Emulator, servers: Served[], port?: number): Promise<void> {
  const control = await serve({
    service: "control",
    router: controlRouter(emu),
    faults: new Faults(),
    exchanges: [],
    port,
  });
  servers.push(control);
  emu.controlUrl = control.url;
  emu.env.EMULATOR_CONTROL_URL = control.url;
}
