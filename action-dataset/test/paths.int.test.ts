import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAction } from "../../test/harness/run-action.js";
import { REPO_ROOT } from "../../test/harness/paths.js";

const ACTION = "action-dataset";
const SAMPLE = join(REPO_ROOT, "action-dataset", "test", "fixtures", "chats-with-problems.jsonl");

/** A checked-out repository in a runner-like folder, a secret beside it, and a pull request's symlinks. */
function checkout() {
  const root = mkdtempSync(join(tmpdir(), "phi3-ds-paths-"));
  const repo = join(root, "work", "repo");
  mkdirSync(join(repo, "data"), { recursive: true });
  copyFileSync(SAMPLE, join(repo, "data", "chats.jsonl"));
  writeFileSync(join(root, "secret.jsonl"), copyLine());
  symlinkSync(join(root, "secret.jsonl"), join(repo, "data", "innocent.jsonl"));
  mkdirSync(join(root, "outside"));
  symlinkSync(join(root, "outside"), join(repo, "out-link"));
  return { root, repo };
}

const copyLine = () =>
  `${JSON.stringify({
    messages: [
      { role: "user", content: "the secret" },
      { role: "assistant", content: "ok" },
    ],
  })}\n`;

describe("action-dataset path inputs (bundled, as the runner runs it)", () => {
  it("refuses a source and an output-dir that leave the repository, through .. or a symlink, before reading anything", async () => {
    const { root, repo } = checkout();
    for (const [source, outputDir] of [
      ["data/innocent.jsonl", "out-link/dataset"],
      ["../../secret.jsonl", "../../outside/dataset"],
    ]) {
      const run = await runAction(ACTION, {
        env: {},
        cwd: repo,
        inputs: { source: source!, "output-dir": outputDir!, upload: "false" },
      });
      expect(run.code).toBe(1);
      const message = (title: string) => run.annotations.find((a) => a.title === title)?.message ?? "";
      expect(message("Input source")).toMatch(
        /resolves to .*secret\.jsonl, outside the repository \(GITHUB_WORKSPACE\)/,
      );
      expect(message("Input output-dir")).toMatch(/outside the repository \(GITHUB_WORKSPACE\) or RUNNER_TEMP/);
      expect(run.visibleLog + run.summary).not.toContain("the secret");
    }
    expect(readdirSync(join(root, "outside"))).toEqual([]);
  });

  it("reads and writes inside the repository, and takes an absolute output-dir as the author's choice", async () => {
    const { root, repo } = checkout();
    const inside = await runAction(ACTION, {
      env: {},
      cwd: repo,
      inputs: { source: "data/chats.jsonl", "output-dir": "prepared", upload: "false", "max-invalid-ratio": "0.5" },
    });
    expect(inside.code).toBe(0);
    expect(inside.outputs["train-file"]).toBe(join(repo, "prepared", "train.jsonl"));
    const absolute = join(root, "outside", "dataset");
    const elsewhere = await runAction(ACTION, {
      env: {},
      cwd: repo,
      inputs: { source: "data/chats.jsonl", "output-dir": absolute, upload: "false", "max-invalid-ratio": "0.5" },
    });
    expect(elsewhere.code).toBe(0);
    expect(existsSync(join(absolute, "train.jsonl"))).toBe(true);
  });
});
