/**
 * What VM sizes cost per hour in the workspace's region, as Azure itself says: the VM sizes API
 * (GET .../locations/{loc}/vmSizes, `VirtualMachineSize.estimatedVMPrices` in the 2025-12-01 REST spec
 * machineLearningServices.json) gives each size's estimated retail price per hour, by OS type (Linux, Windows)
 * and VM tier (Standard, LowPriority, Spot), in `billingCurrency` (USD) per `unitOfMeasure` (OneHour).
 *
 * Azure ML runs managed online deployments and training clusters on Linux; a dedicated node is the Standard
 * tier. So the price used is the Linux / Standard `retailPrice`. ESTIMATES ONLY: pay-as-you-go list prices,
 * before any agreement (EA, CSP, savings plan, reservation); disks, networking and logs are not in them.
 * A size Azure gives no price for is said to have none, never guessed from another region.
 */
import type { Session } from "./session.js";

/** EstimatedVMPrices as the VM sizes API answers it. */
interface EstimatedVmPrices {
  billingCurrency?: string;
  unitOfMeasure?: string;
  values?: ReadonlyArray<{ retailPrice?: number; osType?: string; vmTier?: string }>;
}

/** A VM size as far as its price goes. */
export interface PricedSize {
  name?: string;
  estimatedVMPrices?: EstimatedVmPrices | null;
}

export const PRICE_SOURCE =
  "Azure ML's VM sizes API for the region (estimatedVMPrices: Linux, Standard tier, retail price per hour)";

/** The Linux / Standard price per hour of a size, when Azure gives one in USD per hour. */
export function linuxPrice(size: PricedSize): number | undefined {
  const p = size.estimatedVMPrices;
  if (!p?.values || (p.billingCurrency ?? "USD") !== "USD" || (p.unitOfMeasure ?? "OneHour") !== "OneHour")
    return undefined;
  const hit = p.values.find((v) => v.osType === "Linux" && v.vmTier === "Standard");
  return typeof hit?.retailPrice === "number" && Number.isFinite(hit.retailPrice) && hit.retailPrice >= 0
    ? hit.retailPrice
    : undefined;
}

/** The region's prices, by size name (lower case), from its VM sizes. */
export interface PriceBook {
  region: string;
  source: string;
  /** Size (lower case) → USD per instance-hour; a size missing here has no price in the region. */
  usd: ReadonlyMap<string, number>;
}

export function priceBook(region: string, sizes: readonly PricedSize[]): PriceBook {
  const usd = new Map<string, number>();
  for (const s of sizes) {
    const p = linuxPrice(s);
    if (s.name && p !== undefined) usd.set(s.name.toLowerCase(), p);
  }
  return { region, source: PRICE_SOURCE, usd };
}

/** The prices of the session's region, read from its VM sizes (an empty book when they cannot be read). */
export async function readPriceBook(s: Pick<Session, "client" | "location">): Promise<PriceBook> {
  try {
    return priceBook(s.location, (await s.client.virtualMachineSizes.list(s.location)).value ?? []);
  } catch {
    return priceBook(s.location, []);
  }
}

/** USD per instance-hour of a size in the book's region, if Azure gave one. */
export function hourlyPrice(book: PriceBook, instanceType: string): number | undefined {
  return book.usd.get(instanceType.trim().toLowerCase());
}

interface CostLine {
  name?: string;
  instanceType: string;
  instanceCount: number;
  /** Per instance; undefined when the region gives no price for the size. */
  usdPerInstanceHour?: number;
  usdPerHour?: number;
}

export interface HourlyCost {
  lines: CostLine[];
  /** Sum of the lines whose price is known. */
  usdPerHour: number;
  /** Instance types the region gives no price for: the total leaves them out. */
  unknown: string[];
  region: string;
  source: string;
}

/** The estimated hourly cost of deployments (instance type × count each) at the region's prices. */
export function hourlyCost(
  deployments: ReadonlyArray<{ name?: string; instanceType: string; instanceCount: number }>,
  book: PriceBook,
): HourlyCost {
  const lines = deployments.map((d): CostLine => {
    const price = hourlyPrice(book, d.instanceType);
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
    region: book.region,
    source: book.source,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** "$3.06" (two decimals, three below a dollar so that a T4's $0.526 is not shown as $0.53). */
export function formatUsd(n: number): string {
  return `$${n.toFixed(n < 1 && n > 0 ? 3 : 2)}`;
}
