import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { runAction } from "./harness/run-action.js";
import { REPO_ROOT } from "./harness/paths.js";

interface State {
  ok: boolean;
  source: string;
  fingerprint: string;
  job: string;
  models: string[];
  endpoint: string;
  answered: number;
  endpointsLeft: string[];
  summaries: string;
}

describe("npm start -- --input source=…: the whole chain from finetune.yml, on the user's data", () => {
  // The user's own file: the first 41 conversations of the sample, somewhere in the checkout.
  const dir = join(REPO_ROOT, ".emulator", `start-input-${process.pid}`);
  const mine = join(dir, "mine.jsonl");
  let stdout = "";
  let state: State;

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const sample = readFileSync(join(REPO_ROOT, "data/ultrachat-sample.jsonl"), "utf8").split("\n");
    writeFileSync(mine, sample.slice(0, 41).join("\n") + "\n");
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/start.ts", "--input", `source=${mine}`],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        maxBuffer: 64 * 1024 * 1024,
        // The whole chain takes ~30 s alone; the other suites run beside it.
        timeout: 290_000,
      },
    ));
    state = JSON.parse(stdout.trim().split("\n").pop()!) as State;
  }, 300_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (state?.summaries?.includes(".local-run")) rmSync(state.summaries, { recursive: true, force: true });
  });

  it("prepares the data, fine-tunes, deploys, chats with the endpoint, and tears it down", () => {
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

  it("trains on the given file: the dataset step's fingerprint is that file's, prepared alone", async () => {
    expect(state.source).toBe(`.emulator/start-input-${process.pid}/mine.jsonl`);
    const alone = await runAction("action-dataset", {
      env: {},
      inputs: { source: state.source, split: "train", "max-tokens": "4096", upload: "false" },
      cwd: REPO_ROOT,
    });
    expect(alone.code).toBe(0);
    expect(alone.outputs["train-rows"]).toBe("33");
    expect(state.fingerprint).toBe(alone.outputs.fingerprint);
    expect(stdout).toContain("train-rows: 33");
  });

  it("shows no raw workflow command, and writes each step's summary to the folder it names", () => {
    expect(stdout).not.toMatch(/^\s*::[a-z-]+/m);
    expect(stdout).not.toMatch(/%0A|%3A|%25/);
    expect(stdout).toContain(`Step summaries and logs: .local-run/`);
    expect(existsSync(state.summaries)).toBe(true);
    const files = readdirSync(state.summaries);
    for (const step of ["dataset-dataset.md", "finetune-finetune.md", "deploy-deploy.md", "smoke-action-chat-smoke.md"])
      expect(files.some((f) => f.endsWith(step))).toBe(true);
    expect(
      readFileSync(
        join(
          state.summaries,
          files.find((f) => f.endsWith("deploy-deploy.md"))!,
        ),
        "utf8",
      ),
    ).toMatch(/octo-org-phi3-demo/);
  });
});
