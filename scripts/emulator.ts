// `npm run emulator`: the local cloud (emulator/src/cli.ts: GitHub OIDC issuer, Entra ID, Azure ML, Azurite, the
// Hugging Face Hub), and a copy-paste recipe for running one bundled action against it. With --json (the test
// harness), exactly what emulator/src/cli.ts prints.
import { startEmulator } from "../emulator/src/emulator.js";
import { recipe } from "./emulator-recipe.js";

const args = process.argv.slice(2);
if (args.includes("--json") || args.includes("--parent-pid")) {
  await import("../emulator/src/cli.js");
} else {
  const emu = await startEmulator({ azurite: !args.includes("--no-azurite"), log: (line) => console.error(line) });
  console.log("Local cloud running: GitHub OIDC issuer, Entra ID, Azure ML API, Azurite, Hugging Face Hub.\n");
  console.log(recipe(emu.env));
  console.log("\nPress Ctrl+C to stop.");
  const stop = async () => {
    await emu.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}
