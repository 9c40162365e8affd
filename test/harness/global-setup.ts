import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// No local imports: jest loads this file outside its module mapping.
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ENV_FILE = join(REPO_ROOT, ".emulator", "env.json");

/**
 * Starts the emulator (GitHub OIDC, Entra, Azure ML API, Azurite) once for all integration tests, as a
 * separate program, exactly as `npm run emulator` does. Its environment goes to a file the tests read;
 * NODE_EXTRA_CA_CERTS is also set here so that the test workers, started after this, trust its CA.
 */
export default async function globalSetup(): Promise<void> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "emulator/src/cli.ts", "--json", "--parent-pid", String(process.pid)],
    {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("The emulator did not start within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`The emulator exited with code ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, string>);
    });
  });
  // The emulator lives until global-teardown stops it (or sees this process gone); jest must not wait on its pipe.
  child.stdout!.destroy();
  child.unref();
  await shortenPacing(env);
  await liftDefaultRegionQuota(env);
  mkdirSync(REPO_ROOT + "/.emulator", { recursive: true });
  writeFileSync(ENV_FILE, JSON.stringify(env, null, 2));
  process.env.NODE_EXTRA_CA_CERTS = env.NODE_EXTRA_CA_CERTS;
  (globalThis as { __emulator?: typeof child }).__emulator = child;
}

/** Tests' Retry-After, in seconds: ARM and the emulator's default send 10 (the spec's minimum). */
export const TEST_RETRY_AFTER_SECONDS = 1;

/**
 * Shortens the Retry-After of the default subscription (the one every test world uses) through the control
 * API, and says so: the product honours Retry-After, and ten seconds a poll would make the suite slow. Other
 * subscriptions (Azure's examples, the pacing test's own) keep the spec's pacing.
 */
async function shortenPacing(env: Record<string, string>): Promise<void> {
  const body = { retryAfterSeconds: TEST_RETRY_AFTER_SECONDS, subscriptionId: env.AZURE_SUBSCRIPTION_ID };
  await setUp(env, "PUT", "/arm/config", body, "shorten the emulator's pacing");
  console.log(
    `\n[emulator] Retry-After shortened to ${TEST_RETRY_AFTER_SECONDS} s for the tests' subscription (Azure and the emulator's default: 10 s).`,
  );
}

/**
 * Lifts the A100 family's and the regional vCPU limit in the default region of the tests' subscription (-1: no
 * limit, as Azure writes it), and says so. Test files run at the same time, and the emulator counts every cluster
 * node and deployment of the region against them, as Azure does: with the default 96, one file's running
 * deployments would refuse another's. A test about quota sets its limits in a region of its own.
 */
async function liftDefaultRegionQuota(env: Record<string, string>): Promise<void> {
  const quotas = [{ family: "standardNCADSA100v4Family" }, { regional: true }];
  for (const q of quotas) {
    const body = { ...q, limit: -1, current: 0, subscriptionId: env.AZURE_SUBSCRIPTION_ID };
    await setUp(env, "POST", "/quotas", body, "lift the default region's quota");
  }
  console.log("[emulator] No A100 or regional vCPU limit in the tests' default region (each quota test has its own).");
}

/** One call to the emulator's control API (the harness's `control` cannot be imported here: no local imports). */
async function setUp(env: Record<string, string>, method: string, path: string, body: unknown, what: string) {
  const res = await fetch(`${env.EMULATOR_CONTROL_URL}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`Could not ${what}: ${res.status}`);
}
