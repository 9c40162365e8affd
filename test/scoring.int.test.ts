// Both scoring variants end to end: a deployment whose model has a transformers / hftransformersv2 MLflow
// flavour is served by the MLflow scoring script (nested input, list / records answers), any other by the vLLM
// image ({"output": …}). action-chat-smoke and action-deploy's smoke prompt find the shape themselves.
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { control, runFixture, world } from "./harness/emulator.js";
import { REPO_ROOT } from "./harness/paths.js";
import { leaks, runAction } from "./harness/run-action.js";

type Sent = {
  prompt?: string;
  payloadShape: string;
  variant: string;
  status: number;
  header?: string;
  workspace?: string;
  deployment?: string;
};
const sent = (endpoint: string) => control<Sent[]>("GET", `/scoring/requests?endpoint=${endpoint}`);

async function registered(w: Awaited<ReturnType<typeof world>>, flavor: string) {
  return runFixture<{ id: string; flavors: string[] }>("test/fixtures/register-model.ts", {
    ...w.env,
    MODEL_NAME: `phi3-${flavor}`,
    MODEL_FLAVOR: flavor,
  });
}

// These models were registered by hand (no fine-tune lineage), so `auto` has nothing to size them for: name the size.
const SIZE = "Standard_NC24ads_A100_v4";

describe("action-chat-smoke against both scoring containers", () => {
  it.each([
    ["none", "vllm", "flat", ["flat", "flat"], "output"],
    ["transformers", "mlflow-transformers", "nested", ["flat", "nested", "nested"], "list"],
    ["hftransformersv2", "mlflow-hftransformersv2", "nested", ["flat", "nested", "nested"], "list-of-0"],
  ])(
    "a model with the %s flavour is served by %s; the step outputs payload-shape %s",
    async (flavor, variant, shape, shapes, answerShape) => {
      const w = await world();
      const model = await registered(w, flavor);
      const name = `cs-${flavor.slice(0, 4)}-${w.workspace.slice(3)}`;
      const { keys } = await control<{ keys: { primaryKey: string } }>("POST", "/endpoints", {
        workspace: w.workspace,
        name,
        deployments: [{ name: "blue", traffic: 100, model: model.id }],
      });
      const run = await runAction("action-chat-smoke", {
        env: w.env,
        inputs: { endpoint: name, prompts: "What is the capital of France?\nWhat is 2+2?", concurrency: "1" },
        keepFiles: true,
      });

      expect(run.code).toBe(0);
      expect(run.outputs).toMatchObject({ passed: "true", cases: "2", "payload-shape": shape });
      const requests = await sent(name);
      expect(requests.map((r) => r.payloadShape)).toEqual(shapes);
      expect(new Set(requests.map((r) => r.variant))).toEqual(new Set([variant]));
      const file = readFileSync(run.outputs["results-file"]!, "utf8");
      const results = JSON.parse(file) as { cases: Array<{ answer: string; shape: string; payloadShape: string }> };
      expect(results.cases[0]).toMatchObject({
        answer: "The capital of France is Paris.",
        shape: answerShape,
        payloadShape: shape,
      });
      expect(leaks(run, [keys.primaryKey, w.requestToken])).toEqual([]);
      expect(file).not.toContain(keys.primaryKey);
    },
  );
});

/** python3 runs the Prompt flow tool's logic: it is required (GitHub's runners have it), never skipped. */
function requirePython(): void {
  try {
    execFileSync("python3", ["--version"]);
  } catch {
    throw new Error("python3 is absent: install it to run the Prompt flow tool's scoring logic against the emulator");
  }
}

describe("the Prompt flow tool's scoring logic against both scoring containers", () => {
  beforeAll(requirePython);
  it.each([
    ["none", "flat", [200, 200]],
    ["hftransformersv2", "nested", [424, 200, 200]],
  ])("a %s model is answered in the %s shape", async (flavor, shape, statuses) => {
    const w = await world();
    const model = await registered(w, flavor);
    const name = `pf-${flavor.slice(0, 4)}-${w.workspace.slice(3)}`;
    const { endpoint, keys } = await control<{
      endpoint: { properties: { scoringUri: string } };
      keys: { primaryKey: string };
    }>("POST", "/endpoints", {
      workspace: w.workspace,
      name,
      deployments: [{ name: "blue", traffic: 100, model: model.id }],
    });
    const { stdout } = await promisify(execFile)(
      "python3",
      [join(REPO_ROOT, "promptflow", "tests", "score_endpoint.py")],
      {
        env: {
          PATH: process.env.PATH,
          PYTHONDONTWRITEBYTECODE: "1",
          SCORING_URI: endpoint.properties.scoringUri,
          SCORING_KEY: keys.primaryKey,
          SSL_CA_FILE: w.env.NODE_EXTRA_CA_CERTS!,
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual({
      answers: ["The capital of France is Paris.", "2 + 2 = 4."],
      shape,
      statuses,
    });
    expect(stdout).not.toContain(keys.primaryKey);
  });
});

describe("the emulator's scoring, keyed by workspace and endpoint", () => {
  it("answers from the endpoint whose key was sent when two workspaces hold an endpoint of the same name", async () => {
    const [a, b] = [await world(), await world()];
    const name = `same-${a.workspace.slice(3)}`;
    for (const [w, deployment] of [
      [a, "blue"],
      [b, "green"],
    ] as const)
      await control("POST", "/endpoints", {
        workspace: w.workspace,
        name,
        deployments: [{ name: deployment, traffic: 100 }],
      });
    const run = await runAction("action-chat-smoke", {
      env: b.env,
      inputs: { endpoint: name, prompts: "Tell me a joke." },
      keepFiles: true,
    });
    expect(run.code).toBe(0);
    const [request] = await sent(name);
    expect(request).toMatchObject({ workspace: b.workspace, deployment: "green", status: 200 });
    expect(readFileSync(run.outputs["results-file"]!, "utf8")).toContain("(green) Here is a short answer");
  });
});

describe("action-deploy's smoke prompt against both scoring containers", () => {
  it.each([
    ["none", ["flat"]],
    ["transformers", ["flat", "nested"]],
  ])("a %s model is smoke-tested and rolled out", async (flavor, shapes) => {
    const w = await world();
    await registered(w, flavor);
    const name = `dp-${flavor.slice(0, 4)}-${w.workspace.slice(3)}`;
    const run = await runAction("action-deploy", {
      env: w.env,
      inputs: {
        model: `phi3-${flavor}:1`,
        endpoint: name,
        "instance-type": SIZE,
        "smoke-prompt": "What is the capital of France?",
      },
    });
    expect(run.code).toBe(0);
    expect(run.summary).toContain("The capital of France is Paris.");
    expect((await sent(name)).map((r) => r.payloadShape)).toEqual(shapes);
    const key = (
      await control<{ keys: { primaryKey: string } }>("POST", "/endpoints/keys", { workspace: w.workspace, name })
    ).keys.primaryKey;
    expect(leaks(run, [key, w.requestToken])).toEqual([]);
  });

  it("still succeeds when the smoke prompt meets one 503, one 429 and one dropped connection", async () => {
    const w = await world();
    await registered(w, "transformers");
    const name = `dp-flaky-${w.workspace.slice(3)}`;
    const path = `^/${name}/score$`;
    // In this order: the connection reset first (its backoff is the shortest), then the statuses.
    await control("POST", "/faults", { service: "scoring", path, kind: "drop" });
    await control("POST", "/faults", { service: "scoring", path, kind: "status", status: 503, retryAfter: 1 });
    await control("POST", "/faults", { service: "scoring", path, kind: "status", status: 429, retryAfter: 1 });
    const run = await runAction("action-deploy", {
      env: w.env,
      inputs: {
        model: "phi3-transformers:1",
        endpoint: name,
        "instance-type": SIZE,
        "smoke-prompt": "What is the capital of France?",
      },
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Smoke prompt: (ECONNRESET|UND_ERR_SOCKET|connection failed)/);
    expect(run.stdout).toContain("Smoke prompt: HTTP 503");
    expect(run.stdout).toContain("Smoke prompt: HTTP 429");
    expect(run.summary).toContain("The capital of France is Paris.");
    const [endpoint] = await control<Array<{ properties: { traffic: Record<string, number> } }>>(
      "GET",
      `/resources?prefix=${encodeURIComponent(`/subscriptions/${w.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/${w.env.AZUREML_RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}/onlineEndpoints/${name}`)}`,
    );
    expect(endpoint!.properties.traffic).toEqual({ v01: 100 });
  });

  it("rolls back when the answer is definitely wrong (an unreadable shape)", async () => {
    const w = await world();
    await registered(w, "none");
    const name = `dp-bad-${w.workspace.slice(3)}`;
    await control("POST", "/scoring/rules", { workspace: w.workspace, endpoint: name, body: { result: 42 } });
    const run = await runAction("action-deploy", {
      env: w.env,
      inputs: { model: "phi3-none:1", endpoint: name, "instance-type": SIZE, "smoke-prompt": "Hello?" },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("unknown response shape");
    expect(await sent(name)).toHaveLength(1);
  });
});
