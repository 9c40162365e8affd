/**
 * Issue 25, item 4, against the bundle: after a failure, the rollback and the summary tell the truth.
 */
import { control } from "../../test/harness/emulator.js";
import { errorOf, fault, openRegion, setup, uniq } from "./safety-world.js";

beforeAll(openRegion);

// A DELETE that keeps failing: 503 with Retry-After 1 s, which the SDK retries (six times) after that second,
// where a bare 500 is retried with a backoff that adds up to a minute. The product sees the same failure.
const UNAVAILABLE = { status: 503, code: "ServiceUnavailable", retryAfter: 1, count: 0 };

/** The second deploy (job ft-2) of `ep` while every DELETE of its deployment `victim` fails; the fault goes after. */
async function redeployWhileDeleteFails(deploy: Deploy, ep: string, victim: string) {
  const path = `/onlineEndpoints/${ep}/deployments/${victim}$`;
  const f = await fault({ method: "DELETE", path, kind: "status", ...UNAVAILABLE });
  try {
    return await deploy(ep, { "job-name": "ft-2" });
  } finally {
    await control("DELETE", `/faults/${f.id}`);
  }
}
type Deploy = Awaited<ReturnType<typeof setup>>["deploy"];

describe("deploy: after a failure, the rollback and the summary tell the truth (item 4)", () => {
  it("traffic PUT processed but its answer lost: the serving deployment is kept, and the summary says it serves", async () => {
    const { endpoint, deploymentsOf, deploy } = await setup();
    const ep = uniq("lost");
    expect((await deploy(ep)).code).toBe(0);
    // The PUT is processed and its answer lost; every retry then meets a 503 (Retry-After 1 s, see UNAVAILABLE), so
    // the step never learns that the first one landed.
    const path = `/onlineEndpoints/${ep}$`;
    await fault({ method: "PUT", path, kind: "drop-after", count: 1 });
    const f = await fault({ method: "PUT", path, kind: "status", ...UNAVAILABLE });
    const run = await deploy(ep, { "job-name": "ft-2" });
    await control("DELETE", `/faults/${f.id}`);

    expect(run.code).toBe(1);
    expect((await endpoint(ep))!.properties.traffic).toMatchObject({ v02: 100 });
    expect(await deploymentsOf(ep)).toContain("v02");
    expect(run.summary).not.toContain("left as it was");
    expect(run.summary).toContain("live traffic is now v02 100%");
    expect(JSON.parse(run.outputs.traffic!)).toMatchObject({ v02: 100 });
    expect(run.outputs.deployment).toBe("v02");
  });

  it("503 on every try of deleting the previous deployment: the step fails, saying v02 serves and v01 is left, with the command", async () => {
    const { deploymentsOf, deploy } = await setup();
    const ep = uniq("del503");
    expect((await deploy(ep)).code).toBe(0);
    const run = await redeployWhileDeleteFails(deploy, ep, "v01");

    expect(run.code).toBe(1);
    expect(await deploymentsOf(ep)).toEqual(["v01", "v02"]);
    expect(run.summary).toContain("live traffic is now v02 100%");
    expect(run.summary).toContain(`az ml online-deployment delete --name v01 --endpoint-name ${ep}`);
    expect(run.summary).toMatch(/\| v01 \| 100% \| 0% \| left behind/);
    expect(run.outputs.deployment).toBe("v02");
    expect(JSON.parse(run.outputs.traffic!)).toEqual({ v01: 0, v02: 100 });
    expect(JSON.parse(run.outputs["left-behind"]!)).toEqual([
      expect.objectContaining({ what: `deployment v01 of endpoint ${ep}` }),
    ]);
    // The cost table counts both deployments that run.
    expect(run.summary).toMatch(/### Estimated cost[\s\S]*v01[\s\S]*v02/);
  });

  it("provisioning failed and the clean-up DELETE answered 503 on every try: the failed deployment is said to be left, with its command", async () => {
    const { wsPath, deploymentsOf, deploy } = await setup();
    const ep = uniq("clean503");
    expect((await deploy(ep)).code).toBe(0);
    await control("PUT", "/endpoints/failure", {
      endpointId: `${wsPath}/onlineEndpoints/${ep}`,
      code: "ResourceNotReady",
      message: "User container has crashed or terminated",
    });
    const run = await redeployWhileDeleteFails(deploy, ep, "v02");

    expect(run.code).toBe(1);
    expect(await deploymentsOf(ep)).toEqual(["v01", "v02"]);
    expect(errorOf(run)).toContain("Then cleaning up failed: Could not remove deployment v02");
    expect(run.summary).toContain("created by this run; left behind");
    expect(run.summary).toContain(`az ml online-deployment delete --name v02 --endpoint-name ${ep}`);
    expect(JSON.parse(run.outputs.traffic!)).toMatchObject({ v01: 100 });
    expect(JSON.parse(run.outputs.traffic!).v02 ?? 0).toBe(0);
    // Nothing was marked finished: the post step tries the removal again, and succeeds now.
    expect(run.state.finished).toBeUndefined();
  });
});
