import { retiredFamilyOf } from "@phi3-aml/shared/azureml/compute-fit";
import { formatUsd, hourlyPrice } from "@phi3-aml/shared/azureml/prices";
import { checkQuota, type UsageLike, type VmSizeInfo } from "./quota.js";

/** A VM size as the region's VM sizes API lists it, with what fitting a model needs. */
export interface RegionSize extends VmSizeInfo {
  gpus: number;
  memoryGB: number;
  /** Local disk (the catalog's minimum spec counts it). */
  maxResourceVolumeMB?: number;
}

/** What the region offers and how much of it is free (GET …/locations/{loc}/vmSizes and …/usages). */
export interface Region {
  location: string;
  sizes: readonly RegionSize[];
  usages: readonly UsageLike[];
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
 * The region's sizes judged for the base model, cheapest first (prices.ts; sizes without a known price last, by
 * name). A size is out when the model does not fit it or its family lacks quota for `instance-count` beside
 * what keeps running during the rollout (quota.ts, with Azure's 20 % reservation).
 */
function judgeSizes(r: SizeRequest): Verdict[] {
  const verdicts = r.region.sizes.map((size): Verdict => {
    const usdPerHour = price(size.name, r.instanceCount);
    const unfit = r.fit(size);
    if (unfit) return { size: size.name, usdPerHour, out: unfit };
    const quota = checkQuota({
      adding: { name: "the new deployment", instanceType: size.name, instanceCount: r.instanceCount },
      running: r.running,
      usages: r.region.usages,
      vmSizes: r.region.sizes,
      location: r.region.location,
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
      ".",
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

const price = (size: string, count: number) => {
  const p = hourlyPrice(size);
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

function quotaShort(q: ReturnType<typeof checkQuota>): string {
  return `${q.family}: needs ${q.needed} vCPUs, ${q.free ?? 0} free of ${q.limit ?? 0}`;
}
