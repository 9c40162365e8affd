import { describe, expect, it } from "@jest/globals";
import { gateVerdict, type GateInput } from "../../src/evaluation/gate.js";

const means = { f1: 0.5, rouge1: 0.5, rouge2: 0.2, rougeL: 0.4, bleu: 0.1, gleu: 0.2 };
const input = (o: Partial<GateInput> = {}): GateInput => ({
  n: 50,
  hasBaseline: true,
  candidateMeans: means,
  lowerBound: -0.01,
  candidateErrorRate: 0,
  budgetExceeded: false,
  ...o,
});

describe("gateVerdict", () => {
  it("passes when the lower bound is at least −tolerance (at the edge too)", () => {
    expect(gateVerdict(input()).result).toBe("passed");
    expect(gateVerdict(input({ lowerBound: -0.02 })).result).toBe("passed");
    expect(gateVerdict(input({ lowerBound: -0.0201 })).result).toBe("failed");
  });
  it("uses the tolerance given", () => {
    expect(gateVerdict(input({ lowerBound: -0.04 }), { tolerance: 0.05 }).result).toBe("passed");
    expect(gateVerdict(input({ lowerBound: -0.01 }), { tolerance: 0 }).result).toBe("failed");
  });
  it("refuses to judge under 10 usable examples, and when the budget ran out", () => {
    const few = gateVerdict(input({ n: 9 }));
    expect(few.result).toBe("inconclusive");
    expect(few.reason).toContain("9 usable");
    expect(gateVerdict(input({ n: 10 })).result).toBe("passed");
    expect(gateVerdict(input({ budgetExceeded: true })).result).toBe("inconclusive");
  });
  it("fails a candidate that errs too often", () => {
    const v = gateVerdict(input({ candidateErrorRate: 0.2 }));
    expect(v.result).toBe("failed");
    expect(v.reason).toContain("20 %");
  });
  it("without a baseline: floors, or report-only", () => {
    expect(gateVerdict(input({ hasBaseline: false, lowerBound: undefined })).result).toBe("report-only");
    expect(gateVerdict(input({ hasBaseline: false }), { floors: { f1: 0.4 } }).result).toBe("passed");
    const below = gateVerdict(input({ hasBaseline: false }), { floors: { f1: 0.4, rougeL: 0.45 } });
    expect(below).toMatchObject({ result: "failed", basis: "floors" });
    expect(below.reason).toContain("rougeL");
    expect(gateVerdict(input({ hasBaseline: false, n: 3 }), { floors: { f1: 0.1 } }).result).toBe("inconclusive");
  });
  it("gate report or off: report-only, with the decision kept", () => {
    const v = gateVerdict(input({ lowerBound: -0.5 }), { mode: "report" });
    expect(v).toMatchObject({ result: "report-only", decision: "failed", mode: "report" });
    expect(gateVerdict(input(), { mode: "off" }).result).toBe("report-only");
  });
});
