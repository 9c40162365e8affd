import { control, world } from "../../../test/harness/emulator.js";
import { runAction } from "../../../test/harness/run-action.js";

const ACTION = "actions/teardown";
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

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
    "managed-by": "phi3-aml-actions",
    "expires-at": hoursFromNow(-1),
    "created-at": hoursFromNow(-30),
  });
  await seed("fresh-ep", {
    "managed-by": "phi3-aml-actions",
    "expires-at": hoursFromNow(5),
    "created-at": hoursFromNow(-1),
  });
  await seed("old-ep", { "managed-by": "phi3-aml-actions", "created-at": hoursFromNow(-48) });
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
    // Two endpoints with one Standard_NC6s_v3 each: about 2 × 3.06 USD per hour no longer billed.
    expect(run.summary).toMatch(/Avoided: about \$6\.12 per hour.*an estimate/);
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

  it("deletes one named endpoint of ours, and leaves a named one that is not ours", async () => {
    const { w, names } = await mixedWorkspace();
    expect((await runAction(ACTION, { env: w.env, inputs: { endpoint: "fresh-ep" } })).code).toBe(0);
    const theirs = await runAction(ACTION, { env: w.env, inputs: { endpoint: "theirs-ep" } });
    expect(theirs.code).toBe(0);
    expect(JSON.parse(theirs.outputs.kept!)).toEqual(["theirs-ep"]);
    expect(await names()).toEqual(["expired-ep", "old-ep", "theirs-ep"]);
  });
});
