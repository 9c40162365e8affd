import { withTraffic } from "../src/endpoint-body.js";
import { distribute, MAX_DEPLOYMENTS_PER_ENDPOINT, planRollout, trafficTimeline, type PlanInput } from "../src/plan.js";
import { ARM, deploymentGet, endpointGet, ENV, NOW, OURS } from "./helpers.js";

const SETTINGS = "aaaaaaaaaaaaaaaa";
const base: PlanInput = {
  endpointName: "octo-org-phi3-demo",
  deployments: [],
  model: { name: "phi3-chat-ft", version: "7", id: `${ARM}/models/phi3-chat-ft/versions/7` },
  settings: SETTINGS,
  instanceType: "Standard_NC6s_v3",
  instanceCount: 1,
  traffic: 100,
  keepPrevious: false,
  smoke: true,
  repository: "octo-org/phi3-demo",
};
const kinds = (p: ReturnType<typeof planRollout>) =>
  p.steps.map((s) => `${s.kind}${"deployment" in s ? ` ${s.deployment}` : ""}`);

describe("rollout plan", () => {
  it("first deploy: creates the endpoint, the deployment at 0 %, smokes it, then gives it 100 %", () => {
    const p = planRollout(base);
    expect(p.problems).toEqual([]);
    expect(p.deployment).toEqual({ name: "v07", create: true });
    expect(kinds(p)).toEqual(["create-endpoint", "create-deployment v07", "smoke v07", "set-traffic"]);
    expect(p.trafficAfter).toEqual({ v07: 100 });
    expect(p.previous).toBeUndefined();
    expect(p.onFailure).toEqual([{ kind: "delete-deployment", deployment: "v07" }]);
  });

  it("second deploy: new at 0 % → smoke → one PUT with the new traffic → delete the old, never 0 % for live users", () => {
    const p = planRollout({
      ...base,
      endpoint: endpointGet({ traffic: { v06: 100 } }),
      deployments: [deploymentGet("v06")],
    });
    expect(kinds(p)).toEqual(["create-deployment v07", "smoke v07", "set-traffic", "delete-deployment v06"]);
    expect(p.trafficBefore).toEqual({ v06: 100 });
    expect(p.trafficAfter).toEqual({ v06: 0, v07: 100 });
    expect(p.previous).toBe("v06");
    expect(p.deleteAfter).toEqual(["v06"]);
    const timeline = trafficTimeline(p);
    expect(timeline.map((t) => t.live)).toEqual([100, 100, 100, 100]);
    // Until the PUT, the old deployment serves everything; the new one serves nobody before its smoke.
    expect(timeline[1]!.traffic).toEqual({ v06: 100, v07: 0 });
    expect(timeline[3]!.traffic).toEqual({ v07: 100 });
  });

  it("keeps the previous deployment at 0 % when keep-previous is set", () => {
    const p = planRollout({
      ...base,
      keepPrevious: true,
      endpoint: endpointGet({ traffic: { v06: 100 } }),
      deployments: [deploymentGet("v06")],
    });
    expect(p.deleteAfter).toEqual([]);
    expect(p.kept).toEqual([{ name: "v06", reason: "keep-previous is set" }]);
    expect(p.afterRollout.map((d) => d.name)).toEqual(["v06", "v07"]);
  });

  it("canary: the new deployment gets its share, the others share the rest in proportion and stay", () => {
    const p = planRollout({
      ...base,
      traffic: 20,
      endpoint: endpointGet({ traffic: { a: 70, b: 30 } }),
      deployments: [deploymentGet("a"), deploymentGet("b")],
    });
    expect(p.trafficAfter).toEqual({ a: 56, b: 24, v07: 20 });
    expect(p.deleteAfter).toEqual([]);
    expect(p.kept.map((k) => k.reason)).toEqual([
      "still serves 56% of live traffic",
      "still serves 24% of live traffic",
    ]);
  });

  it("splits in whole percentages that add up to exactly 100", () => {
    expect(distribute({ a: 50, b: 50 }, "n", ["a", "b"], 33).traffic).toEqual({ a: 34, b: 33, n: 33 });
    expect(distribute({ a: 1, b: 1, c: 1 }, "n", ["a", "b", "c"], 10).traffic).toEqual({ a: 30, b: 30, c: 30, n: 10 });
    expect(distribute({ a: 99, b: 1 }, "n", ["a", "b"], 50).traffic).toEqual({ a: 50, b: 0, n: 50 });
    expect(distribute({ a: 100, d: 0 }, "n", ["a", "d"], 0).traffic).toEqual({ a: 100, d: 0, n: 0 });
  });

  it("deploys dark with traffic 0: nothing moves and nothing that serves is deleted", () => {
    const p = planRollout({
      ...base,
      traffic: 0,
      endpoint: endpointGet({ traffic: { v06: 100 } }),
      deployments: [deploymentGet("v06")],
    });
    expect(kinds(p)).toEqual(["create-deployment v07", "smoke v07"]);
    expect(p.trafficAfter).toEqual({ v06: 100, v07: 0 });
    expect(p.deleteAfter).toEqual([]);
  });

  it("gives a first deployment all live traffic even when less was asked: nobody else could take the rest", () => {
    const p = planRollout({ ...base, traffic: 30 });
    expect(p.trafficAfter).toEqual({ v07: 100 });
    expect(p.notes.join(" ")).toMatch(/traffic 30 asked/);
  });

  it("picks v07-2 when v07 is taken by a deployment with another model", () => {
    const other = deploymentGet("v07", { model: `${ARM}/models/other/versions/7`, settings: "bbbbbbbbbbbbbbbb" });
    const p = planRollout({ ...base, endpoint: endpointGet({ traffic: { v07: 100 } }), deployments: [other] });
    expect(p.deployment).toEqual({ name: "v07-2", create: true });
    expect(p.trafficAfter).toEqual({ v07: 0, "v07-2": 100 });
    expect(p.notes.join(" ")).toMatch(/v07 exists with another model/);
  });

  it("reuses an identical deployment of ours instead of creating it again (a re-run)", () => {
    const same = deploymentGet("v07", { settings: SETTINGS, model: base.model.id });
    const p = planRollout({ ...base, endpoint: endpointGet({ traffic: { v07: 100 } }), deployments: [same] });
    expect(p.deployment).toEqual({ name: "v07", create: false });
    expect(kinds(p)).toEqual(["smoke v07"]);
    expect(p.onFailure).toEqual([]);
    expect(p.duringRollout.adding).toBeUndefined();
  });

  it("does not reuse a deployment that failed to provision", () => {
    const failed = deploymentGet("v07", { settings: SETTINGS, state: "Failed" });
    const p = planRollout({ ...base, endpoint: endpointGet({ traffic: {} }), deployments: [failed] });
    expect(p.deployment).toEqual({ name: "v07-2", create: true });
    expect(p.deleteAfter).toEqual(["v07"]);
  });

  it("refuses to change a deployment named in the input that runs something else", () => {
    const p = planRollout({
      ...base,
      deployment: "blue",
      endpoint: endpointGet({ traffic: { blue: 100 } }),
      deployments: [deploymentGet("blue")],
    });
    expect(p.problems.join(" ")).toMatch(/Deployment blue already exists .* never changes a deployment in place/);
  });

  it("never deletes or re-tags an endpoint without our managed-by tag", () => {
    const theirs = endpointGet({ tags: { owner: "data-team" }, traffic: { blue: 100 } });
    const blue = deploymentGet("blue", { tags: { owner: "data-team" } });
    const p = planRollout({ ...base, endpoint: theirs, deployments: [blue] });
    expect(p.problems).toEqual([]);
    expect(p.endpoint).toEqual({ name: "octo-org-phi3-demo", exists: true, managed: false });
    expect(p.steps.some((s) => s.kind === "create-endpoint")).toBe(false);
    // Their deployment loses its traffic to ours but is never deleted.
    expect(p.trafficAfter).toEqual({ blue: 0, v07: 100 });
    expect(p.deleteAfter).toEqual([]);
    expect(p.kept).toEqual([
      { name: "blue", reason: "not created by phi3-aml-actions (no managed-by tag), so never deleted" },
    ]);
    // The PUT that moves the traffic keeps their tags exactly, even when asked to refresh ours.
    expect(withTraffic(theirs, p.trafficAfter, { retag: { ttlHours: 1, now: NOW, env: ENV } }).tags).toEqual({
      owner: "data-team",
    });
    expect(p.notes.join(" ")).toMatch(/never re-tagged or deleted/);
  });

  it("leaves a deployment alone while another operation works on it", () => {
    const busy = deploymentGet("v06", { state: "Updating" });
    const p = planRollout({ ...base, endpoint: endpointGet({ traffic: {} }), deployments: [busy] });
    expect(p.deleteAfter).toEqual([]);
    expect(p.kept[0]!.reason).toMatch(/Updating/);
  });

  it("checks instance-count, traffic, names and Azure's deployments-per-endpoint limit before anything is created", () => {
    expect(planRollout({ ...base, instanceCount: 0 }).problems.join(" ")).toMatch(
      /instance-count must be .* at least 1/,
    );
    expect(planRollout({ ...base, traffic: 101 }).problems.join(" ")).toMatch(
      /traffic must be a whole percentage from 0 to 100/,
    );
    expect(planRollout({ ...base, traffic: -1 }).problems).toHaveLength(1);
    expect(planRollout({ ...base, endpointName: "1-bad_name" }).problems.join(" ")).toMatch(
      /not a valid online endpoint name/,
    );
    expect(planRollout({ ...base, deployment: "v7" }).problems.join(" ")).toMatch(/not a valid deployment name/);
    const many = Array.from({ length: MAX_DEPLOYMENTS_PER_ENDPOINT }, (_, i) =>
      deploymentGet(`d${String(i).padStart(2, "0")}`),
    );
    expect(planRollout({ ...base, endpoint: endpointGet(), deployments: many }).problems.join(" ")).toMatch(
      /Azure's limit per endpoint/,
    );
  });

  it("refuses a dark deploy that would take the only live deployment's traffic away", () => {
    const same = deploymentGet("v07", { settings: SETTINGS });
    const p = planRollout({
      ...base,
      traffic: 0,
      endpoint: endpointGet({ traffic: { v07: 100 } }),
      deployments: [same],
    });
    expect(p.problems.join(" ")).toMatch(/no deployment/);
  });

  it("counts everything that runs at once during the rollout, and what runs after", () => {
    const p = planRollout({
      ...base,
      endpoint: endpointGet({ traffic: { v06: 100 } }),
      deployments: [deploymentGet("v06", { count: 2 })],
    });
    expect(p.duringRollout).toEqual({
      adding: { name: "v07", instanceType: "Standard_NC6s_v3", instanceCount: 1 },
      running: [{ name: "v06", instanceType: "Standard_NC6s_v3", instanceCount: 2 }],
    });
    expect(p.afterRollout).toEqual([{ name: "v07", instanceType: "Standard_NC6s_v3", instanceCount: 1 }]);
  });

  it("never leaves live users at 0 % and never deletes a deployment that still serves, whatever the mix", () => {
    // A small exhaustive sweep over mixes of three previous deployments, shares and keep-previous.
    const mixes: Array<Record<string, number>> = [
      { a: 100 },
      { a: 50, b: 50 },
      { a: 70, b: 30, c: 0 },
      { a: 1, b: 0, c: 99 },
      { a: 0, b: 0 },
    ];
    for (const mix of mixes) {
      for (const traffic of [0, 1, 20, 50, 99, 100]) {
        for (const keepPrevious of [false, true]) {
          const deployments = Object.keys(mix).map((d) => deploymentGet(d));
          const p = planRollout({
            ...base,
            traffic,
            keepPrevious,
            endpoint: endpointGet({ traffic: mix }),
            deployments,
          });
          expect(p.problems).toEqual([]);
          const liveBefore = Object.values(mix).reduce((x, y) => x + y, 0);
          let current: Record<string, number> = { ...p.trafficBefore };
          for (const t of trafficTimeline(p)) {
            if (t.step.kind === "delete-deployment") expect(current[t.step.deployment] ?? 0).toBe(0);
            if (liveBefore > 0) expect(t.live).toBe(100);
            current = t.traffic;
          }
          const creates = p.steps.findIndex((s) => s.kind === "create-deployment");
          const put = p.steps.findIndex((s) => s.kind === "set-traffic");
          const smoke = p.steps.findIndex((s) => s.kind === "smoke");
          if (put >= 0) expect(creates < smoke && smoke < put).toBe(true);
          for (const [i, s] of p.steps.entries()) if (s.kind === "delete-deployment") expect(i).toBeGreaterThan(put);
        }
      }
    }
  });

  describe("one ownership rule (shared/src/ownership.ts)", () => {
    const theirs = { ...OURS, repository: "octo-org/other" };
    it("refuses an endpoint tagged for another repository before any write, naming the owner", () => {
      const p = planRollout({
        ...base,
        endpoint: endpointGet({ tags: theirs, traffic: { v01: 100 } }),
        deployments: [deploymentGet("v01", { tags: theirs })],
      });
      expect(p.problems.join("\n")).toContain("belongs to repository octo-org/other");
      expect(p.endpoint.managed).toBe(false);
    });
    it("deploys to a hand-made endpoint but never deletes its deployments, nor ours of another repository", () => {
      const p = planRollout({
        ...base,
        endpoint: endpointGet({ tags: { team: "search" }, traffic: { prod: 100, old: 0 } }),
        deployments: [deploymentGet("prod", { tags: {} }), deploymentGet("old", { tags: theirs })],
      });
      expect(p.problems).toEqual([]);
      expect(p.deleteAfter).toEqual([]);
      expect(p.kept.map((k) => k.name).sort()).toEqual(["old", "prod"]);
      expect(p.kept.find((k) => k.name === "old")!.reason).toContain("belongs to repository octo-org/other");
    });
    it("refuses to change the traffic of another repository's deployment on our endpoint", () => {
      const p = planRollout({
        ...base,
        endpoint: endpointGet({ traffic: { theirs: 100 } }),
        deployments: [deploymentGet("theirs", { tags: theirs })],
      });
      expect(p.problems.join("\n")).toMatch(/theirs .*belongs to repository octo-org\/other and serves 100%/);
    });
  });
});
