// The scoring container answers like a model: a fine-tuned version with the reply of its nearest training
// conversation (read from Azurite through the job's data asset), a base version generically; a degraded deployment
// worse; and a deployment's request settings bound it (429 beyond 2 × max concurrent × instances, 408 past the
// request timeout).
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { control, emulatorEnv, runFixture, world } from "../../test/harness/emulator.js";

const TRAINING = [
  ["How do tides work on the coast?", "Tides come from the moon's pull on the oceans."],
  ["Explain the water cycle briefly.", "Water evaporates, condenses into clouds and falls as rain."],
]
  .map(([u, a]) =>
    JSON.stringify({
      messages: [
        { role: "user", content: u },
        { role: "assistant", content: a },
      ],
    }),
  )
  .join("\n");

function score(
  uri: string,
  key: string,
  deployment: string,
  prompt: string,
): Promise<{ status: number; body: string }> {
  const ca = readFileSync(emulatorEnv().NODE_EXTRA_CA_CERTS!, "utf8");
  const body = JSON.stringify({
    input_data: { input_string: [{ role: "user", content: prompt }], parameters: { max_new_tokens: 64 } },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      uri,
      {
        method: "POST",
        ca,
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "azureml-model-deployment": deployment,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function setup(requestSettings?: Record<string, unknown>) {
  const w = await world();
  await control("POST", "/jobs", { workspace: w.workspace, name: "ft-none", trainData: TRAINING });
  const model = await runFixture<{ id: string }>("test/fixtures/register-model.ts", {
    ...w.env,
    MODEL_NAME: "phi3-ft",
    MODEL_FLAVOR: "none",
  });
  const name = `sm-${w.workspace.slice(3)}`;
  const { endpoint, keys } = await control<{
    endpoint: { properties: { scoringUri: string } };
    keys: { primaryKey: string };
  }>("POST", "/endpoints", {
    workspace: w.workspace,
    name,
    deployments: [
      { name: "ft", traffic: 100, model: model.id, requestSettings },
      { name: "base", traffic: 0, model: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15" },
    ],
  });
  const ask = (deployment: string, prompt: string) =>
    score(endpoint.properties.scoringUri, keys.primaryKey, deployment, prompt);
  return { w, name, ask };
}

describe("the emulated scoring container answers like a model", () => {
  it("fine-tuned: the nearest training reply; base: a generic answer; degraded: worse", async () => {
    const { name, ask } = await setup();
    expect(JSON.parse((await ask("ft", "Why do tides rise on the coast?")).body)).toEqual({
      output: "Tides come from the moon's pull on the oceans.",
    });
    expect(JSON.parse((await ask("base", "Why do tides rise on the coast?")).body)).toEqual({
      output: "(base) Here is a short answer to: Why do tides rise on the coast?",
    });
    await control("POST", "/scoring/degrade", { endpoint: name, deployment: "ft", mode: "truncate" });
    expect(JSON.parse((await ask("ft", "the water cycle")).body)).toEqual({ output: "Water evaporates, condenses" });
    await control("DELETE", `/scoring/degrade?endpoint=${encodeURIComponent(name)}`);
    expect(JSON.parse((await ask("ft", "the water cycle")).body).output).toContain("falls as rain");
  });

  it("answers 429 beyond 2 × max_concurrent_requests_per_instance × instances in flight, 408 past request_timeout_ms", async () => {
    const { name, ask } = await setup({ requestTimeout: "PT1S", maxConcurrentRequestsPerInstance: 1 });
    await control("POST", "/scoring/rules", { endpoint: name, deployment: "ft", match: "slow", latencyMs: 400 });
    const statuses = await Promise.all([1, 2, 3, 4].map((i) => ask("ft", `slow ${i}`).then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 200, 429, 429]);
    await control("POST", "/scoring/rules", { endpoint: name, deployment: "ft", match: "stuck", latencyMs: 5000 });
    const started = Date.now();
    expect((await ask("ft", "stuck")).status).toBe(408);
    expect(Date.now() - started).toBeLessThan(6000);
    // The base deployment states no request settings: no limits.
    await control("POST", "/scoring/rules", { endpoint: name, deployment: "base", match: "slow", latencyMs: 300 });
    const base = await Promise.all([1, 2, 3, 4].map((i) => ask("base", `slow ${i}`).then((r) => r.status)));
    expect(base).toEqual([200, 200, 200, 200]);
  });
});
