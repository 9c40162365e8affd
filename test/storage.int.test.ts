import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { world } from "./harness/emulator.js";
import { REPO_ROOT } from "./harness/paths.js";

describe("Blob Storage (Azurite) with the tokens our Entra issues", () => {
  it("accepts an OAuth token obtained through GitHub OIDC, and refuses an anonymous request", async () => {
    const w = await world();
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "test/fixtures/blob-roundtrip.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, ...w.env, GITHUB_ACTIONS: "true" },
    });
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({ back: '{"messages":[]}\n', anonymous: "403" });
    const events = await w.tokenEvents();
    expect(events.filter((e) => e.ok).map((e) => e.scope)).toEqual(["https://storage.azure.com/.default"]);
  });
});
