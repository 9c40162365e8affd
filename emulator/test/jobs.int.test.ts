import { runFixture, world } from "../../test/harness/emulator.js";

describe("the emulator's compute clusters and jobs, through the real SDK", () => {
  it("provisions a cluster, refuses to change its VM size, runs a pipeline job through its lifecycle with metrics, and cancels one", async () => {
    const w = await world();
    const r = await runFixture<Record<string, any>>("emulator/test/fixtures/jobs-tour.ts", w.env); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.compute).toBe("Succeeded");
    expect(r.resize).toMatch(/^400 .*cannot be changed/);
    expect(r.created).toBe("NotStarted");
    // The first look may come after the 3 s job has left NotStarted (a loaded machine): a state before Running.
    expect(["NotStarted", "Starting", "Preparing", "Queued"]).toContain(r.lifecycle[0]);
    expect(r.lifecycle).toEqual(expect.arrayContaining(["Running", "Completed"]));
    expect(r.lifecycle.at(-1)).toBe("Completed");
    expect(r.model).toBe("azureml://jobs/ft-tour-1/outputs/trained_model");
    expect(r.canceled).toBe("Canceled");
    // The fine-tune child run's metrics, through MLflow: a falling loss over every step, and no anonymous access.
    expect(r).toMatchObject({ child: "FINISHED", lossSteps: 40, lossFalls: true, anonymous: 401 });
  });
});
