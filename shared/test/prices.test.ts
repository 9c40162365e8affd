import { formatUsd, hourlyCost, hourlyPrice, PRICE_BASIS, PRICES_AS_OF } from "../src/azureml/prices.js";

describe("hourly cost estimate", () => {
  it("prices every instance type the README and samples name", () => {
    for (const t of [
      "Standard_NC6s_v3",
      "Standard_NC4as_T4_v3",
      "Standard_NC16as_T4_v3",
      "Standard_NC24ads_A100_v4",
      "Standard_NC48ads_A100_v4",
      "Standard_NC96ads_A100_v4",
      "Standard_E4s_v3",
      "Standard_DS3_v2",
      "Standard_F4s_v2",
    ]) {
      expect(hourlyPrice(t)).toBeGreaterThan(0);
    }
    expect(hourlyPrice("STANDARD_NC4AS_T4_V3")).toBe(hourlyPrice("Standard_NC4as_T4_v3"));
  });

  it("is labelled as an estimate with its basis and date", () => {
    expect(PRICE_BASIS).toMatch(/^USD per instance-hour.*region-dependent, not a quote$/);
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("adds up instance type × count, leaving out (and naming) unknown types", () => {
    const c = hourlyCost([
      { name: "v07", instanceType: "Standard_NC4as_T4_v3", instanceCount: 2 },
      { name: "v06", instanceType: "Standard_NC6s_v3", instanceCount: 1 },
      { name: "x", instanceType: "Standard_Imaginary_v9", instanceCount: 1 },
    ]);
    expect(c.lines[0]!.usdPerHour).toBeCloseTo(1.052, 3);
    expect(c.usdPerHour).toBeCloseTo(1.052 + 3.06, 3);
    expect(c.unknown).toEqual(["Standard_Imaginary_v9"]);
    expect(hourlyCost([]).usdPerHour).toBe(0);
  });

  it("formats dollars", () => {
    expect(formatUsd(3.06)).toBe("$3.06");
    expect(formatUsd(0.526)).toBe("$0.526");
    expect(formatUsd(0)).toBe("$0.00");
  });
});
