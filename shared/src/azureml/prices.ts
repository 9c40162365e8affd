/**
 * What the deployments cost per hour, roughly, for the job summary.
 *
 * ESTIMATES ONLY. US dollars per instance-hour, Linux pay-as-you-go list prices in East US. Managed online
 * deployments are billed for their VMs (Azure ML adds no charge of its own), but prices differ by region,
 * currency, agreement (EA, CSP, savings plans, reservations) and change over time; disks, networking,
 * logs and the 20 % quota Azure reserves for upgrades (billed only when used) are not included.
 *
 * Source: looked up on 2026-11-25 with this project's search tool. The azure.microsoft.com pricing pages
 * themselves were not reachable through it; the figures are those that several public code repositories
 * quote from the Azure retail price list (prices.azure.com, East US, Consumption) and agree on. They are
 * rough: check https://azure.microsoft.com/pricing/details/virtual-machines/linux/ or the pricing
 * calculator for your region before relying on them.
 */
export const PRICES_AS_OF = "2026-11-25";
export const PRICE_BASIS =
  "USD per instance-hour, Linux pay-as-you-go list prices in East US; region-dependent, not a quote";

/** Instance type → estimated USD per hour (see the module comment). */
export const HOURLY_USD: Readonly<Record<string, number>> = {
  Standard_NC6s_v3: 3.06, // 1 × V100 16 GB, 6 vCPUs — NCv3 was retired on 2025-09-30 (kept for old deployments' cost)
  Standard_NC4as_T4_v3: 0.526, // 1 × T4 16 GB, 4 vCPUs
  Standard_NC16as_T4_v3: 1.204, // 1 × T4 16 GB, 16 vCPUs
  Standard_NC24ads_A100_v4: 3.673, // 1 × A100 80 GB, 24 vCPUs
  Standard_NC48ads_A100_v4: 7.346, // 2 × A100 80 GB, 48 vCPUs
  Standard_NC96ads_A100_v4: 14.692, // 4 × A100 80 GB, 96 vCPUs
  Standard_ND96asr_v4: 27.197, // 8 × A100 40 GB, 96 vCPUs (added 2026-12-06, same sources)
  Standard_E4s_v3: 0.252, // 4 vCPUs, 32 GiB (CPU only)
  Standard_DS3_v2: 0.293, // 4 vCPUs, 14 GiB (CPU only)
  Standard_F4s_v2: 0.169, // 4 vCPUs, 8 GiB (CPU only; Azure's default instance type)
};

/** Estimated USD per instance-hour of an instance type (names compared case-insensitively), if known. */
export function hourlyPrice(instanceType: string): number | undefined {
  const key = Object.keys(HOURLY_USD).find((k) => k.toLowerCase() === instanceType.trim().toLowerCase());
  return key === undefined ? undefined : HOURLY_USD[key];
}

interface CostLine {
  name?: string;
  instanceType: string;
  instanceCount: number;
  /** Per instance; undefined when the instance type is not in the table. */
  usdPerInstanceHour?: number;
  usdPerHour?: number;
}

export interface HourlyCost {
  lines: CostLine[];
  /** Sum of the lines whose price is known. */
  usdPerHour: number;
  /** Instance types not in the table: the total leaves them out. */
  unknown: string[];
  basis: string;
  asOf: string;
}

/** The estimated hourly cost of deployments (instance type × count each). */
export function hourlyCost(
  deployments: ReadonlyArray<{ name?: string; instanceType: string; instanceCount: number }>,
): HourlyCost {
  const lines = deployments.map((d): CostLine => {
    const price = hourlyPrice(d.instanceType);
    return {
      name: d.name,
      instanceType: d.instanceType,
      instanceCount: d.instanceCount,
      usdPerInstanceHour: price,
      usdPerHour: price === undefined ? undefined : round(price * d.instanceCount),
    };
  });
  return {
    lines,
    usdPerHour: round(lines.reduce((a, l) => a + (l.usdPerHour ?? 0), 0)),
    unknown: [...new Set(lines.filter((l) => l.usdPerHour === undefined).map((l) => l.instanceType))],
    basis: PRICE_BASIS,
    asOf: PRICES_AS_OF,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** "$3.06" (two decimals, three below a dollar so that a T4's $0.526 is not shown as $0.53). */
export function formatUsd(n: number): string {
  return `$${n.toFixed(n < 1 && n > 0 ? 3 : 2)}`;
}
