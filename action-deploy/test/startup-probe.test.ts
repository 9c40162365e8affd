import { Inputs } from "@phi3-aml/shared/inputs";
import { probeSettings, readStartupProbe, STARTUP_PROBE } from "../src/probes.js";

const read = (value: string) => {
  const i = new Inputs((n) => (n === "startup-probe" ? value : ""));
  return { probe: readStartupProbe(i), problems: i.problems.map((p) => p.message) };
};

describe("startup-probe", () => {
  it("is absent unless given", () => {
    expect(read("")).toEqual({ probe: undefined, problems: [] });
  });

  it("takes the same keys as the other probes, missing ones from its own defaults (15 minutes to start)", () => {
    expect(read('{"failure-threshold": 60}').probe).toEqual({ ...STARTUP_PROBE, failureThreshold: 60 });
    expect(probeSettings(STARTUP_PROBE)).toEqual({
      initialDelay: "PT0S",
      period: "PT10S",
      timeout: "PT2S",
      failureThreshold: 90,
      successThreshold: 1,
    });
  });

  it("refuses what Kubernetes refuses, naming the key", () => {
    expect(read('{"success-threshold": 2}').problems[0]).toContain("a startup probe's must be 1");
    expect(read('{"period": 10}').problems[0]).toContain('unknown key "period"');
    expect(read("[1]").problems[0]).toContain("JSON object");
  });
});
