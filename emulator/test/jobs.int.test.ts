import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { world } from "../../test/harness/emulator.js";
import { REPO_ROOT } from "../../test/harness/paths.js";

describe("the emulator's compute clusters and jobs, through the real SDK", () => {
  it("provisions a cluster, refuses to change its VM size, runs a pipeline job through its lifecycle, and cancels one", async () => {
    const w = await world();
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "emulator/test/fixtures/jobs-tour.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, ...w.env, GITHUB_ACTIONS: "true" },
    });
    const r = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(r.compute).toBe("Succeeded");
    expect(r.resize).toMatch(/^400 .*cannot be changed/);
    expect(r.created).toBe("NotStarted");
    expect(r.lifecycle[0]).toBe("NotStarted");
    expect(r.lifecycle).toEqual(expect.arrayContaining(["Running", "Completed"]));
    expect(r.lifecycle.at(-1)).toBe("Completed");
    expect(r.model).toBe("azureml://jobs/ft-tour-1/outputs/trained_model");
    expect(r.canceled).toBe("Canceled");
  });
});
