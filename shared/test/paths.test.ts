import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inputs } from "../src/inputs.js";
import { checkPathInput, resolvePathInput } from "../src/paths.js";

/** A runner-like layout: work/repo (the workspace, with a file and symlinks) and work/_temp, plus a secret outside. */
function layout() {
  const root = mkdtempSync(join(tmpdir(), "phi3-paths-"));
  const workspace = join(root, "work", "repo");
  const runnerTemp = join(root, "work", "_temp");
  mkdirSync(join(workspace, "data"), { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  writeFileSync(join(workspace, "data", "chat.jsonl"), "{}\n");
  writeFileSync(join(root, "secret.jsonl"), "secret\n");
  symlinkSync(join(root, "secret.jsonl"), join(workspace, "data", "innocent.jsonl"));
  symlinkSync(root, join(workspace, "escape"));
  symlinkSync(join(workspace, "data"), join(workspace, "data-link"));
  symlinkSync(join(root, "not-yet"), join(workspace, "dangling"));
  return { root, roots: { workspace, runnerTemp } };
}

describe("path inputs", () => {
  it("accepts a relative path inside the repository, also through a symlink that stays inside", () => {
    const { roots } = layout();
    expect(resolvePathInput("data/chat.jsonl", "read", roots)).toEqual({
      ok: true,
      path: join(roots.workspace, "data", "chat.jsonl"),
    });
    expect(resolvePathInput("data-link/chat.jsonl", "read", roots)).toMatchObject({ ok: true });
    expect(resolvePathInput("./data/../data/chat.jsonl", "read", roots)).toMatchObject({ ok: true });
  });

  it("refuses .. and symlinks that lead outside the repository", () => {
    const { roots } = layout();
    for (const p of ["../../secret.jsonl", "data/innocent.jsonl", "escape/secret.jsonl", "data/../../x"]) {
      const r = resolvePathInput(p, "read", roots);
      expect(r).toMatchObject({
        ok: false,
        message: expect.stringContaining("outside the repository (GITHUB_WORKSPACE)"),
      });
    }
  });

  it("lets an output go to RUNNER_TEMP, and checks a folder that does not exist yet through its parents", () => {
    const { roots } = layout();
    expect(resolvePathInput("../_temp/out", "write", roots)).toEqual({ ok: true, path: join(roots.runnerTemp, "out") });
    expect(resolvePathInput("../_temp/out", "read", roots)).toMatchObject({ ok: false });
    expect(resolvePathInput("out/new/dir", "write", roots)).toMatchObject({ ok: true });
    expect(resolvePathInput("escape/new/dir", "write", roots)).toMatchObject({ ok: false });
    expect(resolvePathInput("dangling/out", "write", roots)).toMatchObject({ ok: false });
  });

  it("allows an absolute path: the workflow author's explicit choice", () => {
    const { root, roots } = layout();
    expect(resolvePathInput(join(root, "secret.jsonl"), "read", roots)).toEqual({
      ok: true,
      path: join(root, "secret.jsonl"),
    });
  });

  it("reports a refusal as a problem naming the input and the value", () => {
    const { roots } = layout();
    const i = new Inputs(() => "");
    expect(checkPathInput(i, "source", "data/innocent.jsonl", "read", roots)).toBeUndefined();
    expect(i.problems).toEqual([
      expect.objectContaining({
        input: "source",
        message: expect.stringMatching(/^"data\/innocent\.jsonl" resolves to .*secret\.jsonl, outside the repository/),
      }),
    ]);
  });
});
