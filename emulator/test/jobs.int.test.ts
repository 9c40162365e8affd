import { control, runFixture, world } from "../../test/harness/emulator.js";

describe("the emulator's compute clusters and jobs, through the real SDK", () => {
  it("provisions a cluster, refuses to change its VM size, runs a pipeline job through its lifecycle with metrics, and cancels one", async () => {
    const w = await world();
    // A 12 s job (3 s by default): the fixture's first look at it, right after the PUT, comes well before Running
    // (4.2 s in) even when the other suites load the machine.
    await control("PUT", "/jobs/next", { workspace: w.workspace, durationMs: 12_000 });
    const r = await runFixture<Record<string, any>>("emulator/test/fixtures/jobs-tour.ts", w.env); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.compute).toBe("Succeeded");
    expect(r.resize).toMatch(/^400 .*cannot be changed/);
    expect(r.created).toBe("NotStarted");
    expect(["NotStarted", "Queued", "Preparing"]).toContain(r.lifecycle[0]);
    expect(r.lifecycle).toEqual(expect.arrayContaining(["Running", "Completed"]));
    // Seen in Azure's order, never back.
    const order = ["NotStarted", "Queued", "Preparing", "Running", "Finalizing", "Completed"];
    const at = (r.lifecycle as string[]).map((s) => order.indexOf(s));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(at).not.toContain(-1);
    expect(r.lifecycle.at(-1)).toBe("Completed");
    expect(r.model).toBe("azureml://jobs/ft-tour-1/outputs/trained_model");
    expect(r.canceled).toBe("Canceled");
    // The fine-tune child run's metrics, through MLflow: a falling loss over every step, and no anonymous access.
    expect(r).toMatchObject({ child: "FINISHED", lossSteps: 40, lossFalls: true, anonymous: 401 });
  });
});
