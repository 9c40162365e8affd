import { control, world } from "../../../test/harness/emulator.js";
import { runAction } from "../../../test/harness/run-action.js";

const ACTION = "actions/teardown";
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const OURS = { "managed-by": "phi3-aml-actions", repository: "octo-org/phi3-demo" };
const OTHER = { "managed-by": "phi3-aml-actions", repository: "octo-org/other-repo" };

async function mixedWorkspace() {
  const w = await world();
  const seed = (name: string, tags: Record<string, string>) =>
    control("POST", "/endpoints", {
      workspace: w.workspace,
      name,
      tags,
      deployments: [{ name: "blue", traffic: 100 }],
    });
  await seed("expired-ep", {
    ...OURS,
    "expires-at": hoursFromNow(-1),
    "created-at": hoursFromNow(-30),
  });
  await seed("fresh-ep", {
    ...OURS,
    "expires-at": hoursFromNow(5),
    "created-at": hoursFromNow(-1),
  });
  await seed("old-ep", { ...OURS, "created-at": hoursFromNow(-48) });
  await seed("theirs-ep", { team: "prod", "expires-at": hoursFromNow(-10) });
  const names = async () =>
    (
      await control<Array<{ name: string; type: string }>>(
        "GET",
        `/resources?prefix=${encodeURIComponent(`/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}/onlineEndpoints/`)}`,
      )
    )
      .filter((r) => r.type.endsWith("/onlineEndpoints"))
      .map((r) => r.name)
      .sort();
  return { w, names, seed };
}

/** One workspace shared by two repositories, plus endpoints no repository can claim. */
async function sharedWorkspace() {
  const { w, names, seed } = await mixedWorkspace();
  await seed("other-expired", { ...OTHER, "expires-at": hoursFromNow(-1), "created-at": hoursFromNow(-30) });
  await seed("other-old", { ...OTHER, "created-at": hoursFromNow(-720) });
  await seed("other-live", { ...OTHER, "created-at": hoursFromNow(-1) });
  await seed("no-repo-ep", { "managed-by": "phi3-aml-actions", "expires-at": hoursFromNow(-5) });
  await seed("zero-expiry", { ...OURS, "expires-at": "0", "created-at": hoursFromNow(-2) });
  await seed("prod-ep", { ...OURS, "created-at": hoursFromNow(-24 * 90) });
  return { w, names };
}

describe("actions/teardown (bundled, as the runner runs it)", () => {
  it("deletes only our endpoints whose time is up, follows each deletion to its end, and reports why", async () => {
    const { w, names } = await mixedWorkspace();
    const run = await runAction(ACTION, { env: w.env, inputs: { "max-age-hours": "24" } });

    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.deleted!).sort()).toEqual(["expired-ep", "old-ep"]);
    expect(JSON.parse(run.outputs.kept!).sort()).toEqual(["fresh-ep", "theirs-ep"]);
    expect(await names()).toEqual(["fresh-ep", "theirs-ep"]);
    expect(run.summary).toContain("no managed-by tag");
    expect(run.summary).toContain("blue: Standard\\_NC6s\\_v3 × 1");
    // Prices are the region's own (the VM sizes API's estimatedVMPrices): the retired NCv3 has none there, and
    // the summary says so rather than guessing one.
    expect(run.summary).toMatch(
      /Avoided: about \$0\.00 per hour\*\* \(eastus2 gives no price for Standard_NC6s_v3\) — an estimate from Azure ML's VM sizes API/,
    );
    const deletes = (await w.armCalls()).filter((c) => c.method === "DELETE");
    expect(deletes.map((c) => c.status)).toEqual([202, 202]);
  });

  it("changes nothing in a dry run", async () => {
    const { w, names } = await mixedWorkspace();
    const before = await names();
    const run = await runAction(ACTION, { env: w.env, inputs: { "max-age-hours": "24", "dry-run": "true" } });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.deleted!).sort()).toEqual(["expired-ep", "old-ep"]);
    expect(await names()).toEqual(before);
    expect((await w.armCalls()).filter((c) => c.method === "DELETE")).toEqual([]);
    expect(run.summary).toContain("dry run: nothing was deleted");
  });

  it("reports a failing delete and still deletes the others, then fails the step", async () => {
    const { w, names } = await mixedWorkspace();
    const { id } = await control<{ id: number }>("POST", "/faults", {
      service: "arm",
      method: "DELETE",
      path: `/workspaces/${w.workspace}/onlineEndpoints/expired-ep$`,
      kind: "status",
      status: 409,
      count: 0,
    });
    const run = await runAction(ACTION, { env: w.env, inputs: { "max-age-hours": "24" } });
    await control("DELETE", `/faults/${id}`);

    expect(run.code).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")!.message).toContain(
      "Could not delete expired-ep (the others were handled)",
    );
    expect(await names()).toEqual(["expired-ep", "fresh-ep", "theirs-ep"]);
  });

  it("deletes one named endpoint of ours, and refuses a named one that is not ours", async () => {
    const { w, names } = await mixedWorkspace();
    expect((await runAction(ACTION, { env: w.env, inputs: { endpoint: "fresh-ep" } })).code).toBe(0);
    const theirs = await runAction(ACTION, { env: w.env, inputs: { endpoint: "theirs-ep" } });
    expect(theirs.code).toBe(1);
    expect(theirs.annotations.find((a) => a.level === "error")!.message).toContain(
      'endpoint "theirs-ep" is not ours to delete',
    );
    expect(await names()).toEqual(["expired-ep", "old-ep", "theirs-ep"]);
  });

  it("in a workspace shared by two repositories, each deletes only its own; untagged and unreadable are kept", async () => {
    const { w, names } = await sharedWorkspace();
    // The scheduled run: no max-age-hours, so only expired endpoints go; production (no expiry) stays.
    const scheduled = await runAction(ACTION, { env: w.env });
    expect(scheduled.code).toBe(0);
    expect(JSON.parse(scheduled.outputs.deleted!)).toEqual(["expired-ep"]);
    expect(scheduled.annotations.filter((a) => a.level === "warning").map((a) => a.message)).toEqual([
      expect.stringContaining('Keeping zero-expiry: its expires-at tag "0" is not a full ISO-8601 timestamp'),
    ]);

    const aged = await runAction(ACTION, { env: w.env, inputs: { "max-age-hours": "24" } });
    expect(aged.code).toBe(0);
    expect(JSON.parse(aged.outputs.deleted!).sort()).toEqual(["old-ep", "prod-ep"]);
    expect(aged.summary).toContain("belongs to repository octo-org/other-repo, not octo-org/phi3-demo");
    expect(aged.summary).toContain("no repository tag");

    const other = await runAction(ACTION, {
      env: { ...w.env, GITHUB_REPOSITORY: "octo-org/other-repo" },
      inputs: { "max-age-hours": "24" },
    });
    expect(other.code).toBe(0);
    expect(JSON.parse(other.outputs.deleted!).sort()).toEqual(["other-expired", "other-old"]);
    expect(await names()).toEqual(["fresh-ep", "no-repo-ep", "other-live", "theirs-ep", "zero-expiry"]);
  });

  it("refuses to delete another repository's live endpoint by name, in a dry run too, deleting nothing", async () => {
    const { w, names } = await sharedWorkspace();
    const before = await names();
    for (const dryRun of ["true", "false"]) {
      const run = await runAction(ACTION, { env: w.env, inputs: { endpoint: "other-live", "dry-run": dryRun } });
      expect(run.code).toBe(1);
      expect(run.annotations.find((a) => a.level === "error")!.message).toContain(
        'endpoint "other-live" is not ours to delete: belongs to repository octo-org/other-repo',
      );
    }
    const untagged = await runAction(ACTION, { env: w.env, inputs: { endpoint: "no-repo-ep" } });
    expect(untagged.code).toBe(1);
    expect(await names()).toEqual(before);
    expect((await w.armCalls()).filter((c) => c.method === "DELETE")).toEqual([]);
  });

  it("lists in a dry run exactly what the real run then deletes", async () => {
    const { w } = await sharedWorkspace();
    const inputs = { "max-age-hours": "24" };
    const dry = await runAction(ACTION, { env: w.env, inputs: { ...inputs, "dry-run": "true" } });
    const real = await runAction(ACTION, { env: w.env, inputs });
    expect(JSON.parse(dry.outputs.deleted!).sort()).toEqual(JSON.parse(real.outputs.deleted!).sort());
    expect(JSON.parse(real.outputs.deleted!).sort()).toEqual(["expired-ep", "old-ep", "prod-ep"]);
  });
});
