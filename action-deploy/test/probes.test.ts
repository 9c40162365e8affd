import { Inputs } from "@phi3-aml/shared/inputs";
import { LLM_PROBE, probeSettings, readProbe } from "../src/probes.js";

const read = (values: Record<string, string>, kind: "liveness" | "readiness" = "readiness", startup?: number) => {
  const i = new Inputs((n) => values[n] ?? "");
  return { probe: readProbe(i, kind, startup), problems: i.problems };
};

describe("liveness-probe and readiness-probe", () => {
  it("default to Microsoft's LLM values (azureml-examples #3983)", () => {
    expect(read({}).probe).toEqual({
      initialDelaySeconds: 500,
      periodSeconds: 100,
      timeoutSeconds: 2,
      failureThreshold: 30,
      successThreshold: 1,
    });
    expect(probeSettings(LLM_PROBE)).toMatchObject({ initialDelay: "PT8M20S", period: "PT1M40S" });
  });

  it("take the keys given and keep the rest; startup-delay-seconds is the initial delay unless the probe says", () => {
    expect(read({ "readiness-probe": '{"period-seconds": 30, "success-threshold": 2}' }).probe).toEqual({
      ...LLM_PROBE,
      periodSeconds: 30,
      successThreshold: 2,
    });
    expect(read({}, "liveness", 900).probe.initialDelaySeconds).toBe(900);
    expect(read({ "liveness-probe": '{"initial-delay-seconds": 60}' }, "liveness", 900).probe.initialDelaySeconds).toBe(
      60,
    );
  });

  it("refuse malformed JSON, unknown keys, values out of range and impossible combinations, naming each", () => {
    expect(read({ "readiness-probe": "{period: 3" }).problems[0]!.message).toContain("is not valid JSON");
    expect(read({ "readiness-probe": "[1]" }).problems[0]!.message).toContain("is not a JSON object");
    const bad = read(
      {
        "liveness-probe":
          '{"initial-delay": 5, "period-seconds": 0, "failure-threshold": 1.5, "timeout-seconds": "2", "success-threshold": 3}',
      },
      "liveness",
    ).problems;
    expect(bad.every((p) => p.input === "liveness-probe")).toBe(true);
    const text = bad.map((p) => p.message).join("\n");
    expect(text).toContain('unknown key "initial-delay"');
    expect(text).toContain("period-seconds 0; expected a whole number from 1 to 3600");
    expect(text).toContain("failure-threshold 1.5");
    expect(text).toContain('timeout-seconds "2"');
    expect(text).toContain("a liveness probe's must be 1");
    expect(read({ "readiness-probe": '{"period-seconds": 5, "timeout-seconds": 10}' }).problems[0]!.message).toContain(
      "above period-seconds",
    );
  });
});
