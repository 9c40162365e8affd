import { retiredFamilyOf } from "@phi3-aml/shared/azureml/compute-fit";
import { formatUsd, hourlyPrice, type PriceBook } from "@phi3-aml/shared/azureml/prices";
import type { QuotaCheck, UsageLike } from "@phi3-aml/shared/azureml/quota";
import { rolloutQuota } from "./quota.js";

/**
 * The compute type a managed online deployment runs on, as the VM sizes API lists it in a size's
 * `supportedComputeTypes` ("MIR", managed inference; examples/VirtualMachineSize/list.json of the 2025-12-01
 * spec lists it beside AmlCompute and ComputeInstance).
 */
const ONLINE_COMPUTE_TYPE = "MIR";

/** A VM size as the region's VM sizes API lists it, with what fitting a model needs. */
export interface RegionSize {
  name: string;
  family: string;
  vCPUs: number;
  gpus: number;
  memoryGB: number;
  /** Local disk (the catalog's minimum spec counts it). */
  maxResourceVolumeMB?: number;
  /** `supportedComputeTypes`; undefined when Azure did not say. */
  computeTypes?: readonly string[];
}

/** What the region offers and how much of it is free (GET …/locations/{loc}/vmSizes and …/usages). */
export interface Region {
  location: string;
  subscriptionId?: string;
  sizes: readonly RegionSize[];
  usages: readonly UsageLike[];
  /** The region's prices (estimatedVMPrices of its VM sizes). */
  prices: PriceBook;
}

/** Why a size cannot serve the base model (not in its allow-list, below its minimum spec, retired), or undefined. */
export type SizeFit = (size: RegionSize) => string | undefined;

export interface SizeRequest {
  /** `instance-type`: a size, or "auto". */
  asked: string;
  instanceCount: number;
  region: Region;
  /** The base model's verdict on each size. */
  fit: SizeFit;
  /** The model the sizes are judged for, for messages: "Phi-3-mini-4k-instruct". */
  model: string;
  /** Deployments that keep running during the rollout (their family's cores are taken). */
  running: ReadonlyArray<{ name: string; instanceType: string; instanceCount: number }>;
  /** A size an identical deployment of this model already runs on: `auto` keeps it, so that it is reused. */
  reusable?: string;
}

/** One size, judged: the reason it is out, or its price when it is in. */
interface Verdict {
  size: string;
  usdPerHour?: number;
  out?: string;
  /** Out only for want of quota (it would serve the model). */
  noQuota?: boolean;
}

export interface SizeChoice {
  /** The size to deploy on; undefined when there is none (see problem). */
  size?: string;
  /** Why this size, for the log and the summary. */
  why: string;
  /** Why no size could be used, naming the input; undefined when one can. */
  problem?: string;
  verdicts: Verdict[];
}

/**
 * The region's sizes judged for the base model, cheapest first at the region's own prices (prices.ts, from
 * the VM sizes API's estimatedVMPrices; sizes the region gives no price for last, by name). A size is out
 * when managed online deployments cannot run on it (`supportedComputeTypes` without MIR), when the model does
 * not fit it, or when its family or the region lacks quota for `instance-count` (shared quota.ts, with
 * Azure's 20 % reservation).
 */
function judgeSizes(r: SizeRequest): Verdict[] {
  const verdicts = r.region.sizes.map((size): Verdict => {
    const usdPerHour = price(r.region.prices, size.name, r.instanceCount);
    if (size.computeTypes && !size.computeTypes.some((t) => t.toLowerCase() === ONLINE_COMPUTE_TYPE.toLowerCase()))
      return {
        size: size.name,
        usdPerHour,
        out: `not offered for managed online deployments (${ONLINE_COMPUTE_TYPE})`,
      };
    const unfit = r.fit(size);
    if (unfit) return { size: size.name, usdPerHour, out: unfit };
    const quota = rolloutQuota({
      adding: { name: "the new deployment", instanceType: size.name, instanceCount: r.instanceCount },
      running: r.running,
      usages: r.region.usages,
      vmSizes: r.region.sizes,
      location: r.region.location,
      subscriptionId: r.region.subscriptionId,
    });
    if (!quota.ok) return { size: size.name, usdPerHour, out: `no quota (${quotaShort(quota)})`, noQuota: true };
    return { size: size.name, usdPerHour };
  });
  return verdicts.sort(
    (a, b) => (a.usdPerHour ?? Infinity) - (b.usdPerHour ?? Infinity) || a.size.localeCompare(b.size),
  );
}

/** `instance-type: auto` or an explicit size, decided before anything is written. */
export function chooseSize(r: SizeRequest): SizeChoice {
  const verdicts = judgeSizes(r);
  return r.asked === "auto" ? chooseCheapest(r, verdicts) : checkExplicit(r, verdicts);
}

function chooseCheapest(r: SizeRequest, verdicts: Verdict[]): SizeChoice {
  const usable = verdicts.filter((v) => !v.out);
  const kept = r.reusable && usable.find((v) => v.size.toLowerCase() === r.reusable!.toLowerCase());
  if (kept)
    return {
      size: kept.size,
      why: `instance-type auto: ${kept.size}, which a deployment of this model with these settings already runs on (it is reused)`,
      verdicts,
    };
  const best = usable[0];
  if (!best)
    return {
      why: "instance-type auto found no size",
      problem: `instance-type auto: no VM size in ${r.region.location} can serve ${r.model} with quota for ${r.instanceCount} instance(s). ${rejected(verdicts)} Request quota for one of the sizes that fit, or deploy in another region.`,
      verdicts,
    };
  const skipped = verdicts.filter((v) => v.noQuota && cheaper(v, best));
  return {
    size: best.size,
    why:
      `instance-type auto: ${best.size}${best.usdPerHour === undefined ? "" : ` (${formatUsd(best.usdPerHour)}/h for ${r.instanceCount})`}, ` +
      `the cheapest size in ${r.region.location} that serves ${r.model} and has quota for ${r.instanceCount} instance(s)` +
      (skipped.length ? `; cheaper but skipped: ${skipped.map((v) => `${v.size} (${v.out})`).join(", ")}` : "") +
      `. ${priceNote(r.region, verdicts)}`,
    verdicts,
  };
}

/** A size given by name: refused when retired, not offered in the region, or unfit for the model. */
function checkExplicit(r: SizeRequest, verdicts: Verdict[]): SizeChoice {
  const refuse = (why: string): SizeChoice => ({
    why: "",
    problem: `instance-type ${r.asked} ${why}. Sizes that serve ${r.model} and have quota here: ${usableList(verdicts)}. Or use instance-type auto.`,
    verdicts,
  });
  const retired = retiredFamilyOf(r.asked);
  if (retired)
    return refuse(
      `is of the ${retired.family} family, which Azure retired on ${retired.retiredOn} (${retired.source}); use ${retired.instead}`,
    );
  const offered = r.region.sizes.find((s) => s.name.toLowerCase() === r.asked.trim().toLowerCase());
  if (!offered) return refuse(`is not offered in ${r.region.location} (it is not among the region's VM sizes)`);
  const unfit = r.fit(offered);
  if (unfit) return refuse(`cannot serve ${r.model}: ${unfit}`);
  // Quota of an explicit size is checked with the rest of the rollout (capacityProblem), with its full message.
  return { size: offered.name, why: `instance-type ${offered.name}, as given.`, verdicts };
}

/** Where the prices come from, and which sizes the region gives none for. */
function priceNote(region: Region, verdicts: readonly Verdict[]): string {
  const none = verdicts.filter((v) => v.usdPerHour === undefined).map((v) => v.size);
  const src = `Prices: ${region.prices.source}, ${region.location}`;
  if (none.length === verdicts.length)
    return `${src}: ${region.location} gives no price for any size, so sizes were ranked by name.`;
  return none.length ? `${src}; no price there for ${none.join(", ")} (ranked last).` : `${src}.`;
}

const price = (book: PriceBook, size: string, count: number) => {
  const p = hourlyPrice(book, size);
  return p === undefined ? undefined : Math.round(p * count * 1000) / 1000;
};

const cheaper = (a: Verdict, b: Verdict) => (a.usdPerHour ?? Infinity) <= (b.usdPerHour ?? Infinity) && a !== b;

function usableList(verdicts: Verdict[]): string {
  const usable = verdicts.filter((v) => !v.out);
  if (!usable.length) return "none";
  return usable
    .map((v) => `${v.size}${v.usdPerHour === undefined ? "" : ` (${formatUsd(v.usdPerHour)}/h)`}`)
    .join(", ");
}

/** Why nothing could be used: the sizes that fit but lack quota, else why each size does not fit. */
function rejected(verdicts: Verdict[]): string {
  const short = verdicts.filter((v) => v.noQuota);
  if (short.length) return `Sizes that fit but lack quota: ${short.map((v) => `${v.size} (${v.out})`).join("; ")}.`;
  return `No size fits: ${verdicts.map((v) => `${v.size} (${v.out})`).join("; ")}.`;
}

function quotaShort(q: QuotaCheck): string {
  const regionShort = q.regional && q.newCores > (q.regional.free ?? Infinity);
  if (regionShort) return `regional total: needs ${q.newCores} vCPUs, ${q.regional!.free} free of ${q.regional!.limit}`;
  return `${q.family}: needs ${q.newCores} vCPUs, ${q.free ?? 0} free of ${q.limit ?? 0}`;
}
