import { priceBook } from "@phi3-aml/shared/azureml/prices";
import { deploySummary, escapeUntrusted, type DeploySummaryInput } from "../src/summary.js";

const linux = (retailPrice: number) => ({
  billingCurrency: "USD",
  unitOfMeasure: "OneHour",
  values: [{ retailPrice, osType: "Linux", vmTier: "Standard" }],
});

const input: DeploySummaryInput = {
  ok: true,
  model: {
    name: "phi3-chat-ft",
    version: "7",
    reused: false,
    url: "https://ml.azure.com/model/phi3-chat-ft:7/details?wsid=/subscriptions/s/resourcegroups/rg/workspaces/w",
    jobUrl: "https://ml.azure.com/runs/ft-1?wsid=/subscriptions/s/resourcegroups/rg/workspaces/w",
    lineage: {
      jobName: "ft-1",
      sourceUri: "azureml://jobs/ft-1/outputs/trained_model",
      dataAssets: ["azureml:chat-train:3f2a", "azureml:chat-validation:3f2a"],
      hyperparameters: { learning_rate: "0.00002", lr_scheduler_type: "cosine" },
      commit: "0123456789abcdef",
      workflowRun: "https://github.com/octo-org/phi3-demo/actions/runs/4242",
    },
  },
  endpoint: {
    name: "octo-org-phi3-demo",
    created: false,
    managed: true,
    scoringUri: "https://octo-org-phi3-demo.eastus.inference.ml.azure.com/score",
    expiresAt: new Date("2026-11-27T10:00:00.000Z"),
    url: "https://ml.azure.com/endpoints/realtime/octo-org-phi3-demo/detail?wsid=/subscriptions/s/resourcegroups/rg/workspaces/w",
  },
  deployment: { name: "v07", created: true, instanceType: "Standard_NC4as_T4_v3", instanceCount: 1 },
  previous: "v06",
  trafficBefore: { v06: 100 },
  trafficAfter: { v06: 0, v07: 100 },
  deleted: ["v06"],
  kept: [],
  running: [{ name: "v07", instanceType: "Standard_NC4as_T4_v3", instanceCount: 1 }],
  prices: priceBook("eastus", [{ name: "Standard_NC4as_T4_v3", estimatedVMPrices: linux(0.526) }]),
  timings: [
    { step: "register model", ms: 1200 },
    { step: "create deployment v07", ms: 14 * 60_000 + 5000 },
  ],
  smoke: { prompt: "What is the capital of France?", answer: "Paris.", ms: 2300 },
  promptflowConnection: "phi3-chat",
};

describe("deploy job summary", () => {
  it("shows the model with its lineage, the endpoint, deployments before and after, timings, the smoke answer, cost and links", () => {
    const md = deploySummary(input);
    expect(md).toMatch(/^## Phi-3 deployed: phi3-chat-ft:7 on octo-org-phi3-demo/);
    expect(md).toContain("[phi3-chat-ft:7](https://ml.azure.com/model/phi3-chat-ft:7/details?wsid=");
    expect(md).toContain(
      "[octo-org-phi3-demo](https://ml.azure.com/endpoints/realtime/octo-org-phi3-demo/detail?wsid=",
    );
    expect(md).toContain("[ft-1](https://ml.azure.com/runs/ft-1?wsid=");
    expect(md).toMatch(/learning\\_rate = 0\.00002/);
    expect(md).toContain("azureml:chat-train:3f2a");
    expect(md).toContain("| v06 | 100% | — | deleted once traffic had moved |");
    expect(md).toContain("| v07 | — | 100% | new |");
    expect(md).toContain("| create deployment v07 | 14m 5s |");
    expect(md).toMatch(/\| What is the capital of France\? \| Paris\. \| 2s \|/);
    expect(md).toContain("| v07 | Standard\\_NC4as\\_T4\\_v3 | 1 | $0.526 |");
    expect(md).toMatch(
      /\*\*About \$0\.526 per hour\*\*.*Prices: Azure ML's VM sizes API for the region \(estimatedVMPrices.*\), eastus/,
    );
    expect(md).toContain("2026-11-27T10:00:00.000Z");
  });

  it("makes the model's answer inert: no HTML, links, mentions, issue references or table breaks", () => {
    const evil =
      "<img src=x onerror=alert(1)> hi @octocat, see #12 and GH-3 at https://evil.example [click](javascript:alert(1)) | x\n\n- list";
    const md = deploySummary({ ...input, smoke: { prompt: "hi", answer: evil } });
    const row = md.split("\n").find((l) => l.startsWith("| hi |"))!;
    expect(row).not.toContain("<img");
    expect(row).toContain("&lt;img");
    expect(row).not.toMatch(/@octocat/);
    expect(row).not.toMatch(/#12/);
    expect(row).not.toMatch(/GH-3/);
    expect(row).not.toContain("https://");
    expect(row).not.toContain("](");
    expect(row).toContain("\\|");
    expect(row.split(" | ")).toHaveLength(3);
    expect(escapeUntrusted("x".repeat(5000), 100).length).toBeLessThan(120);
    expect(escapeUntrusted("a\u202Eb\u0000c")).toBe("abc");
  });

  it("never shows a key: it takes none, and ignores one slipped into its input", () => {
    expect(deploySummary.length).toBe(1);
    const key = "k3y-SECRET-0123456789abcdefghij";
    const slipped = {
      ...input,
      key,
      primaryKey: key,
      endpoint: { ...input.endpoint, key },
      smoke: { ...input.smoke!, key },
    } as DeploySummaryInput;
    expect(deploySummary(slipped)).not.toContain(key);
  });

  it("says what failed and that live traffic stayed where it was", () => {
    const md = deploySummary({
      ...input,
      ok: false,
      failure: "Deployment v07 failed: ResourceNotReady <b>container crashed</b>",
      trafficAfter: { v06: 100 },
      deleted: [],
      kept: [{ name: "v06", reason: "still serves 100% of live traffic" }],
      running: [{ name: "v06", instanceType: "Standard_NC6s_v3", instanceCount: 1 }],
      smoke: undefined,
    });
    expect(md).toMatch(/^## Phi-3 deployment failed: octo-org-phi3-demo left as it was/);
    expect(md).toContain("**Why:** Deployment v07 failed: ResourceNotReady &lt;b&gt;container crashed&lt;/b&gt;");
    expect(md).toContain("| v06 | 100% | 100% | still serves 100% of live traffic |");
    expect(md).not.toContain("### Smoke");
  });

  it("names an endpoint it does not manage as such", () => {
    expect(deploySummary({ ...input, endpoint: { ...input.endpoint, managed: false } })).toMatch(
      /not managed by phi3-aml-actions, so never re-tagged or deleted/,
    );
  });
});

describe("the cost section", () => {
  it("says when the region gives no price for a size", () => {
    const md = deploySummary({ ...input, prices: priceBook("brazilsouth", []) });
    expect(md).toContain("| v07 | Standard\\_NC4as\\_T4\\_v3 | 1 | no price in brazilsouth |");
    expect(md).toMatch(/not counting Standard\\_NC4as\\_T4\\_v3: brazilsouth gives no price for it/);
  });
});
