import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO_ROOT } from "./harness/paths.js";

describe("npm start: the whole chain from finetune.yml, on this machine", () => {
  it("prepares the data, fine-tunes, deploys, chats with the endpoint, and tears it down", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 110_000,
    });
    const state = JSON.parse(stdout.trim().split("\n").pop()!) as {
      ok: boolean;
      job: string;
      models: string[];
      endpoint: string;
      answered: number;
      endpointsLeft: string[];
    };

    expect(state.ok).toBe(true);
    expect(state.job).toMatch(/^phi3-ft-/);
    expect(state.models).toEqual(["phi3-chat-ft/versions/1"]);
    expect(state.endpoint).toBe("octo-org-phi3-demo");
    expect(state.answered).toBeGreaterThanOrEqual(3); // the deploy's smoke prompt and the three smoke cases
    expect(state.endpointsLeft).toEqual([]);
    for (const step of [
      "dataset › dataset",
      "finetune › finetune",
      "deploy › deploy",
      "smoke › ./action-chat-smoke",
      "teardown › ./actions/teardown",
    ])
      expect(stdout).toContain(`── ${step}`);
  });
});
