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
  mkdirSync(REPO_ROOT + "/.emulator", { recursive: true });
  writeFileSync(ENV_FILE, JSON.stringify(env, null, 2));
  process.env.NODE_EXTRA_CA_CERTS = env.NODE_EXTRA_CA_CERTS;
  (globalThis as { __emulator?: typeof child }).__emulator = child;
}
