/**
 * Vendored price snapshot the emulator's VM sizes API serves as `estimatedVMPrices` (VirtualMachineSize, 2025-12-01
 * machineLearningServices.json; shape as in examples/VirtualMachineSize/list.json: billingCurrency USD,
 * unitOfMeasure OneHour, one value per osType × vmTier).
 *
 * Source: the Azure Retail Prices API (https://prices.azure.com/api/retail/prices, documented at
 * learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices), serviceName 'Virtual Machines',
 * priceType 'Consumption', Linux, pay-as-you-go, USD per hour, as quoted by public copies read with this
 * project's search tool on 2026-11-25 (most sizes; several public repositories quoting prices.azure.com for
 * East US agree on them) and 2026-12-07 (the H100 sizes: datareceipts/data-receipts 109-gpu-pricing/
 * hyperscalers.json, "retrieved": "2026-11-09", region eastus). The live API was not reachable from here.
 *
 * Only East US is in the snapshot: no other region's prices could be read from a citable copy. The emulator
 * gives no price for a region not in it (as Azure gives none where a size has no meter), unless a test sets
 * one through the control API (POST /prices), which is test data, not Azure's.
 * Low-priority and Windows prices are not in the snapshot and not served.
 */
const PRICE_SNAPSHOT = {
  source: "Azure Retail Prices API (prices.azure.com), Linux pay-as-you-go, USD/hour, via public copies",
  takenOn: "2026-11-25",
  regions: {
    eastus: {
      Standard_NC24ads_A100_v4: 3.673,
      Standard_NC48ads_A100_v4: 7.346,
      Standard_NC96ads_A100_v4: 14.692,
      Standard_ND96asr_v4: 27.197,
      Standard_NC4as_T4_v3: 0.526,
      Standard_NC16as_T4_v3: 1.204,
      Standard_NC40ads_H100_v5: 6.98,
      Standard_NC80adis_H100_v5: 17.64,
      Standard_E4s_v3: 0.252,
      Standard_DS3_v2: 0.293,
      Standard_F4s_v2: 0.169,
    } as Record<string, number>,
  } as Record<string, Record<string, number>>,
};

/** Per-region Linux / Standard prices: the snapshot, plus what tests set. */
export class VmPrices {
  private readonly set = new Map<string, Record<string, number>>();

  private key = (location: string) => location.replace(/\s+/g, "").toLowerCase();

  /** A region's prices as a test sets them (or copies another region's from the snapshot). */
  put(location: string, prices: Record<string, number>): void {
    this.set.set(this.key(location), { ...prices });
  }

  of(location: string): Record<string, number> {
    return this.set.get(this.key(location)) ?? PRICE_SNAPSHOT.regions[this.key(location)] ?? {};
  }

  /** estimatedVMPrices of a size in a region, or undefined when the region has no price for it. */
  estimated(location: string, size: string) {
    const usd = this.of(location)[size];
    if (usd === undefined) return undefined;
    return {
      billingCurrency: "USD",
      unitOfMeasure: "OneHour",
      values: [{ retailPrice: usd, osType: "Linux", vmTier: "Standard" }],
    };
  }
}
