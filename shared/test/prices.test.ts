import { formatUsd, hourlyCost, hourlyPrice, linuxPrice, priceBook, PRICE_SOURCE } from "../src/azureml/prices.js";

const prices = (linux: number, currency = "USD") => ({
  billingCurrency: currency,
  unitOfMeasure: "OneHour",
  values: [
    { retailPrice: linux * 2, osType: "Windows", vmTier: "Standard" },
    { retailPrice: linux / 10, osType: "Linux", vmTier: "Spot" },
    { retailPrice: linux / 5, osType: "Linux", vmTier: "LowPriority" },
    { retailPrice: linux, osType: "Linux", vmTier: "Standard" },
  ],
});

describe("prices from the VM sizes API (estimatedVMPrices)", () => {
  it("takes the Linux / Standard retail price, not Windows, Spot or LowPriority", () => {
    expect(linuxPrice({ estimatedVMPrices: prices(3.673) })).toBe(3.673);
    expect(linuxPrice({})).toBeUndefined();
    expect(linuxPrice({ estimatedVMPrices: prices(1, "EUR") })).toBeUndefined();
    expect(
      linuxPrice({ estimatedVMPrices: { values: [{ retailPrice: 1, osType: "Windows", vmTier: "Standard" }] } }),
    ).toBeUndefined();
  });

  it("looks sizes up case-insensitively, and has no price for a size the region prices not", () => {
    const book = priceBook("eastus", [
      { name: "Standard_NC4as_T4_v3", estimatedVMPrices: prices(0.526) },
      { name: "Standard_NC6s_v3" },
    ]);
    expect(hourlyPrice(book, "STANDARD_NC4AS_T4_V3")).toBe(0.526);
    expect(hourlyPrice(book, "Standard_NC6s_v3")).toBeUndefined();
    expect(book.source).toBe(PRICE_SOURCE);
  });

  it("adds up instance type × count, leaving out (and naming) types without a price in the region", () => {
    const book = priceBook("westeurope", [
      { name: "Standard_NC4as_T4_v3", estimatedVMPrices: prices(0.526) },
      { name: "Standard_NC24ads_A100_v4", estimatedVMPrices: prices(3.06) },
    ]);
    const c = hourlyCost(
      [
        { name: "v07", instanceType: "Standard_NC4as_T4_v3", instanceCount: 2 },
        { name: "v06", instanceType: "Standard_NC24ads_A100_v4", instanceCount: 1 },
        { name: "x", instanceType: "Standard_Imaginary_v9", instanceCount: 1 },
      ],
      book,
    );
    expect(c.lines[0]!.usdPerHour).toBeCloseTo(1.052, 3);
    expect(c.usdPerHour).toBeCloseTo(1.052 + 3.06, 3);
    expect(c.unknown).toEqual(["Standard_Imaginary_v9"]);
    expect(c.region).toBe("westeurope");
    expect(hourlyCost([], book).usdPerHour).toBe(0);
  });

  it("formats dollars", () => {
    expect(formatUsd(3.06)).toBe("$3.06");
    expect(formatUsd(0.526)).toBe("$0.526");
    expect(formatUsd(0)).toBe("$0.00");
  });
});
