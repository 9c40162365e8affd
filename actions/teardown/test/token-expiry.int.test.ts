import { control, world } from "../../../test/harness/emulator.js";
import { runAction } from "../../../test/harness/run-action.js";

describe("a token that expires while a request travels (bundled teardown, emulator)", () => {
  it("is renewed once on ExpiredAuthenticationToken and the request succeeds", async () => {
    // Entra tokens live 3 s; the list request is held 4.5 s before ARM reads its token, which has expired by then.
    const w = await world({ accessTokenLifetimeSeconds: 3 });
    await control("POST", "/endpoints", {
      workspace: w.workspace,
      name: "expired-ep",
      tags: {
        "managed-by": "phi3-aml-actions",
        repository: "octo-org/phi3-demo",
        "expires-at": new Date(Date.now() - 3_600_000).toISOString(),
      },
      deployments: [{ name: "blue", traffic: 100 }],
    });
    const { id } = await control<{ id: number }>("POST", "/faults", {
      service: "arm",
      method: "GET",
      path: `/workspaces/${w.workspace}/onlineEndpoints$`,
      kind: "delay",
      delayMs: 4_500,
      count: 1,
    });
    const run = await runAction("actions/teardown", { env: w.env });
    await control("DELETE", `/faults/${id}`);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.deleted!)).toEqual(["expired-ep"]);
    expect(run.stdout).toContain(
      "Azure Resource Manager answered ExpiredAuthenticationToken: sent the request again with a fresh token.",
    );
    const lists = (await w.armCalls()).filter((c) => c.method === "GET" && /\/onlineEndpoints(\?|$)/.test(c.path));
    expect(lists.map((c) => c.status)).toEqual([401, 200]);
  });
});
