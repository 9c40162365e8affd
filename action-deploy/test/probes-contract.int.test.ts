import { randomUUID } from "node:crypto";
import { control, world } from "../../test/harness/emulator.js";
import { runAction } from "../../test/harness/run-action.js";

const ACTION = "action-deploy";
const A100 = "standardNCADSA100v4Family";
/** A region of this file's own (quotas and endpoint names are per region). */
const REGION = "francecentral";
beforeAll(() => control("POST", "/quotas", { family: A100, limit: 96, current: 0, location: REGION }));

async function setup() {
  const name = `ws-${randomUUID().slice(0, 8)}`;
  const w = await world({ workspace: name });
  await control("POST", "/workspaces", { name, location: REGION });
  await control("POST", "/jobs", { workspace: w.workspace, name: "ft-1" });
  const wsPath = `/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;
  return { w, wsPath };
}

type Call = { method: string; path: string; query?: string; requestBody?: unknown; status?: number };

describe("action-deploy: startup probe, api-version 2026-07-01, a refused deployment (bundled)", () => {
  it("sends startup-probe as the deployment's startupProbe, which the emulator keeps and returns; every call is 2026-07-01", async () => {
    const { w, wsPath } = await setup();
    const endpoint = `phi3-sp-${randomUUID().slice(0, 6)}`;
    const run = await runAction(ACTION, {
      env: w.env,
      inputs: {
        "job-name": "ft-1",
        endpoint,
        "startup-probe": '{"period-seconds": 15, "failure-threshold": 60}',
        "liveness-probe": '{"initial-delay-seconds": 0, "period-seconds": 10, "failure-threshold": 3}',
      },
    });
    expect(run.code).toBe(0);
    const calls = (await w.armCalls()) as Call[];
    const put = calls.find((c) => c.method === "PUT" && /\/deployments\/[^/]+$/.test(c.path))!;
    const props = (put.requestBody as { properties: Record<string, unknown> }).properties;
    expect(props.startupProbe).toEqual({
      initialDelay: "PT0S",
      period: "PT15S",
      timeout: "PT2S",
      failureThreshold: 60,
      successThreshold: 1,
    });
    expect(props.livenessProbe).toMatchObject({ initialDelay: "PT0S", period: "PT10S", failureThreshold: 3 });
    const kept = await control<Array<{ type: string; properties: Record<string, unknown> }>>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`${wsPath}/onlineEndpoints/${endpoint}/deployments/`)}`,
    );
    expect(kept.map((d) => d.properties.startupProbe)).toContainEqual(props.startupProbe);
    // A 2026-07-01 request is answered in its shapes (those of 2025-12-01: docs/emulator.md); the suite's contract
    // check validates each answer.
    const ml = calls.filter((c) => c.query?.includes("api-version="));
    expect(ml.length).toBeGreaterThan(5);
    expect(ml.filter((c) => !c.query!.includes("api-version=2026-07-01")).map((c) => c.path)).toEqual([]);
    const got = calls.find(
      (c) => c.method === "GET" && c.path.endsWith(`/onlineEndpoints/${endpoint}`) && c.status === 200,
    );
    expect(got).toBeDefined();
  });

  it("after a refused deployment PUT, asks for no logs of the deployment that was never created", async () => {
    const { w } = await setup();
    const endpoint = `phi3-rf-${randomUUID().slice(0, 6)}`;
    await control("POST", "/faults", {
      service: "arm",
      method: "PUT",
      path: `/onlineEndpoints/${endpoint}/deployments/[^/]+$`,
      kind: "status",
      status: 400,
      code: "BadArgument",
      count: 1,
    });
    const run = await runAction(ACTION, { env: w.env, inputs: { "job-name": "ft-1", endpoint } });
    expect(run.code).toBe(1);
    const calls = (await w.armCalls()) as Call[];
    expect(
      calls.filter((c) => c.method === "PUT" && /\/deployments\/[^/]+$/.test(c.path)).map((c) => c.status),
    ).toEqual([400]);
    expect(calls.filter((c) => /\/getLogs$/i.test(c.path))).toEqual([]);
    expect(run.stdout).not.toMatch(/Could not read deployment .*'s logs/);
  });
});
