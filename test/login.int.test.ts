import { control, world } from "./harness/emulator.js";
import { leaks, runAction } from "./harness/run-action.js";

// The login proof runs the teardown action's bundle: the smallest action that logs in and reads the workspace.
const ACTION = "actions/teardown";
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\./;

describe("logging in to Azure with the job's GitHub ID token (bundled action, emulator)", () => {
  it("logs in through OIDC with a valid federated assertion and reads the workspace", async () => {
    const w = await world();
    const run = await runAction(ACTION, { env: w.env, inputs: { "dry-run": "true" } });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Logged in to AzureCloud as app ${w.clientId}`);
    expect(run.stdout).toContain(`Workspace ${w.workspace} (eastus2)`);
    // Entra saw exactly one federated assertion for this app, and it passed every check.
    const events = await w.tokenEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ ok: true, scope: "https://management.azure.com/.default" });
    expect(events[0]!.assertion).toMatchObject({
      sub: "repo:octo-org/phi3-demo:environment:azureml",
      aud: "api://AzureADTokenExchange",
    });
    // One GitHub ID token was enough: it is cached, not fetched on each of MSAL's two callbacks.
    expect(await w.idTokensIssued()).toBe(1);
    // The workspace was read with the pinned api-version and a user agent naming the action.
    const calls = (await w.armCalls()).filter((c) => c.path.endsWith(`/workspaces/${w.workspace}`));
    expect(calls.map((c) => `${c.method} ${c.status}`)).toEqual(["GET 200"]);
    expect(calls[0]!.query).toBe("?api-version=2026-07-01");
    expect(calls[0]!.userAgent).toMatch(/^phi3-aml-teardown\/\d+\.\d+\.\d+ /);
    // No token is visible in the log (the ID token appears only in the ::add-mask:: command that hides it).
    expect(run.visibleLog).not.toMatch(JWT);
    expect(leaks(run, [w.requestToken])).toEqual([]);
  });

  it("explains a subject mismatch: prints the token's subject and the federated credential to configure", async () => {
    const w = await world({ subject: "repo:octo-org/phi3-demo:ref:refs/heads/main" });
    const run = await runAction(ACTION, { env: w.env });

    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain("AADSTS700213");
    expect(error).toContain(`No federated credential of app ${w.clientId} matches`);
    expect(error).toContain("subject:  repo:octo-org/phi3-demo:environment:azureml");
    expect(error).toContain("az ad app federated-credential create");
    expect((await w.tokenEvents()).map((e) => e.error)).toEqual(["AADSTS700213"]);
    expect(await w.armCalls()).toEqual([]);
  });

  it("says what to add when the job has no id-token permission, and calls nothing", async () => {
    const w = await world();
    const run = await runAction(ACTION, { env: w.env, noIdToken: true });

    expect(run.code).toBe(1);
    const error = run.annotations.find((a) => a.level === "error")!.message;
    expect(error).toContain("cannot ask GitHub for an ID token");
    expect(error).toContain("id-token: write");
    expect(await w.tokenEvents()).toEqual([]);
    expect(await w.armCalls()).toEqual([]);
  });

  it("names a wrong tenant in plain words", async () => {
    const w = await world();
    const run = await runAction(ACTION, { env: { ...w.env, AZURE_TENANT_ID: "99999999-9999-4999-8999-999999999999" } });

    expect(run.code).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")!.message).toMatch(
      /tenant 99999999-9999-4999-8999-999999999999 was not found \(check tenant-id/,
    );
    expect(await w.armCalls()).toEqual([]);
  });

  it("reports every bad input together and makes no cloud call", async () => {
    const w = await world();
    const run = await runAction(ACTION, {
      env: { ...w.env, AZURE_SUBSCRIPTION_ID: "not-a-guid" },
      inputs: { "max-age-hours": "soon", "dry-run": "maybe", endpoint: "9-lives", environment: "Mars" },
    });

    expect(run.code).toBe(1);
    const errors = run.annotations.filter((a) => a.level === "error" && a.title?.startsWith("Input "));
    expect(errors.map((e) => e.title).sort()).toEqual([
      "Input dry-run",
      "Input endpoint",
      "Input environment",
      "Input max-age-hours",
      "Input subscription-id",
    ]);
    expect(errors.find((e) => e.title === "Input max-age-hours")!.message).toBe(
      'max-age-hours: "soon" is not a number; expected at least 0 and at most 8760',
    );
    expect(errors.find((e) => e.title === "Input environment")!.message).toContain(
      "AzureCloud, AzureUSGovernment, AzureChinaCloud",
    );
    expect(await w.idTokensIssued()).toBe(0);
    expect(await w.tokenEvents()).toEqual([]);
    expect(await w.armCalls()).toEqual([]);
  });
});

describe("talking to Azure ML through faults (bundled action, emulator)", () => {
  // Only this suite's faults go: other suites run at the same time on the same emulator, with faults of their own.
  const ids: number[] = [];
  const fault = async (rule: Record<string, unknown>) =>
    ids.push((await control<{ id: number }>("POST", "/faults", rule)).id);
  afterEach(async () => {
    for (const id of ids.splice(0)) await control("DELETE", `/faults/${id}`);
  });

  it("retries 429 honouring Retry-After, a 500 and a dropped connection, then succeeds", async () => {
    const w = await world();
    const path = `/workspaces/${w.workspace}$`;
    await fault({
      service: "arm",
      method: "GET",
      path,
      kind: "status",
      status: 429,
      retryAfter: 1,
      count: 1,
    });
    await fault({ service: "arm", method: "GET", path, kind: "drop", count: 1 });
    await fault({ service: "arm", method: "GET", path, kind: "status", status: 500, count: 1 });
    const run = await runAction(ACTION, { env: w.env, inputs: { "dry-run": "true" } });

    expect(run.code).toBe(0);
    const calls = (await w.armCalls()).filter((c) => c.path.endsWith(`/workspaces/${w.workspace}`));
    // The dropped connection leaves no answer in the log; the 429 and 500 do, then the 200.
    expect(calls.map((c) => c.status)).toEqual([429, 500, 200]);
    // Retry-After: 1 was honoured before the next attempt.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
  });
});
