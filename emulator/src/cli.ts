/**
 * `npm run emulator`: starts the local cloud and prints the environment a bundled action needs.
 *   --json         print the environment as one JSON line (for scripts and the test harness)
 *   --no-azurite   do not start Azurite
 *   --control-port N
 *   --parent-pid N stop when that process is gone (a test harness that died without stopping us)
 * Runs until interrupted.
 */
import { startEmulator } from "./emulator.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const portArg = args.indexOf("--control-port");
const emu = await startEmulator({
  azurite: !args.includes("--no-azurite"),
  controlPort: portArg >= 0 ? Number(args[portArg + 1]) : undefined,
  log: json ? undefined : (line) => console.error(line),
});

if (json) {
  console.log(JSON.stringify(emu.env));
} else {
  console.log(
    "Local cloud running: GitHub OIDC issuer, Entra ID, Azure ML management API" +
      (emu.azurite ? ", Azurite blob storage" : "") +
      ".",
  );
  console.log("Environment for a bundled action (also set GITHUB_ACTIONS=true to log in with GitHub OIDC):\n");
  for (const [k, v] of Object.entries(emu.env)) console.log(`export ${k}=${JSON.stringify(v)}`);
  console.log("\nPress Ctrl+C to stop.");
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await emu.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
const parentArg = args.indexOf("--parent-pid");
if (parentArg >= 0) {
  const parent = Number(args[parentArg + 1]);
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      void stop();
    }
  }, 1000).unref();
}
