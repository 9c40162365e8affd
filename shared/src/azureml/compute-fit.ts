/**
 * Does a VM size fit a model, for fine-tuning or for inference? Checked before anything is created:
 * 1. Azure has not retired the size (RETIRED_VM_FAMILIES);
 * 2. the region offers it (the vmSizes API);
 * 3. it is on the model's allow-list (`finetune_compute_allow_list` / `inference_compute_allow_list`), or,
 *    when the model has none, it meets the model's minimum spec (vCPUs, GPUs, memory, disk);
 * and when it does not fit, which allowed sizes the region offers and the subscription has quota for.
 *
 * The VM sizes API (GET .../locations/{loc}/vmSizes, VirtualMachineSize in the 2025-12-01 REST spec
 * machineLearningServices.json) gives `vCPUs`, `gpus`, `memoryGB`, `maxResourceVolumeMB` (the local disk the
 * catalog's disk figure is compared with) and `osVhdSizeMB`.
 */
import type { MinSpec } from "./catalog.js";
import { freeVCpus, type UsageLike } from "./quota.js";

export type { UsageLike };

/** A VM size as the vmSizes API answers it, as far as the checks need it. */
export interface VmSizeSpec {
  name?: string;
  family?: string;
  vCPUs?: number;
  gpus?: number;
  memoryGB?: number;
  maxResourceVolumeMB?: number;
  osVhdSizeMB?: number;
}

export interface RetiredFamily {
  family: string;
  /** Sizes of the family (matched case-insensitively against the whole name). */
  sizes: RegExp;
  /** yyyy-mm-dd: from this day Azure no longer runs the size. */
  retiredOn: string;
  source: string;
  /** What to use instead. */
  instead: string;
}

/**
 * VM families Azure has retired (or retires), with the date and where that is said. Azure ML refuses to
 * create clusters or deployments on them once retired, and any left are deallocated.
 */
const RETIRED_VM_FAMILIES: readonly RetiredFamily[] = [
  {
    family: "NCv3 (V100)",
    sizes: /^standard_nc(6|12|24|24r)s_v3$/i,
    retiredOn: "2025-09-30",
    source:
      "Microsoft Learn, NCv3-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/ncv3-series-retirement); Azure/azureml-examples #3696 moved its samples off NCv3",
    instead: "the NCads A100 v4 or NCads H100 v5 families",
  },
  {
    family: "NDv2 (V100)",
    sizes: /^standard_nd40rs_v2$/i,
    retiredOn: "2025-09-30",
    source:
      "Microsoft Learn, NDv2-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/ndv2-series-retirement)",
    instead: "the NDasr A100 v4 or NDisr H100 v5 families",
  },
  {
    family: "NC (K80)",
    sizes: /^standard_nc(6|12|24|24r)(_promo)?$/i,
    retiredOn: "2023-09-06",
    source:
      "Microsoft Learn, NC-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/nc-series-retirement); the chat-completion notebook refuses these sizes",
    instead: "the NCads A100 v4 family",
  },
  {
    family: "NCv2 (P100)",
    sizes: /^standard_nc(6|12|24|24r)s_v2$/i,
    retiredOn: "2023-09-06",
    source:
      "Microsoft Learn, NCv2-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/ncv2-series-retirement)",
    instead: "the NCads A100 v4 family",
  },
  {
    family: "ND (P40)",
    sizes: /^standard_nd(6|12|24|24r)s$/i,
    retiredOn: "2023-09-06",
    source:
      "Microsoft Learn, ND-series retirement (learn.microsoft.com/azure/virtual-machines/sizes/retirement/nd-series-retirement)",
    instead: "the NDasr A100 v4 family",
  },
];

/** The retirement of a size, when its family is retired on `now`. */
export function retiredFamilyOf(vmSize: string, now: Date = new Date()): RetiredFamily | undefined {
  const today = now.toISOString().slice(0, 10);
  return RETIRED_VM_FAMILIES.find((f) => f.sizes.test(vmSize.trim()) && f.retiredOn <= today);
}

/** The size from the region's list, case-insensitively (Azure writes sizes in more than one case). */
function findSize<T extends VmSizeSpec>(sizes: readonly T[] | undefined, vmSize: string): T | undefined {
  const want = vmSize.trim().toLowerCase();
  return sizes?.find((s) => s.name?.toLowerCase() === want);
}

/** What a size lacks against a minimum spec, in words ("16 vCPUs, needs 24"); empty when it meets it. */
export function minSpecShortfalls(size: VmSizeSpec, spec: MinSpec): string[] {
  const out: string[] = [];
  const check = (have: number | undefined, need: number, unit: string) => {
    if (need > 0 && have !== undefined && have < need) out.push(`${have} ${unit}, needs ${need}`);
  };
  check(size.vCPUs, spec.vCPUs, "vCPUs");
  check(size.gpus ?? 0, spec.gpus, "GPUs");
  check(size.memoryGB, spec.memoryGB, "GB memory");
  const diskGB = size.maxResourceVolumeMB === undefined ? undefined : Math.floor(size.maxResourceVolumeMB / 1024);
  check(diskGB, spec.diskGB, "GB local disk");
  return out;
}

export interface Candidate {
  name: string;
  vCPUs?: number;
  gpus?: number;
  /** Free vCPUs of its family; undefined when unknown. */
  free?: number;
  /** True when the family's free vCPUs cover `instances` nodes (or the quota is unknown). */
  hasQuota: boolean;
}

/**
 * Sizes that would fit: those of the allow-list (or, without one, every GPU size meeting the minimum spec)
 * that the region offers and Azure has not retired, each with whether its family has quota for `instances`.
 * Those with quota come first, then by vCPUs.
 */
export function fittingSizes(o: {
  allowList?: readonly string[];
  minSpec?: MinSpec;
  sizes: readonly VmSizeSpec[];
  usages?: readonly UsageLike[];
  instances: number;
  now?: Date;
}): Candidate[] {
  const offered = o.sizes.filter((s) => s.name && !retiredFamilyOf(s.name, o.now));
  const fits = o.allowList?.length
    ? o.allowList.map((n) => findSize(offered, n)).filter((s): s is VmSizeSpec => s !== undefined)
    : offered.filter((s) => (s.gpus ?? 0) > 0 && (!o.minSpec || minSpecShortfalls(s, o.minSpec).length === 0));
  return fits
    .map((s) => {
      const free = o.usages ? freeVCpus(o.usages, s.family) : undefined;
      const need = (s.vCPUs ?? 0) * o.instances;
      return { name: s.name!, vCPUs: s.vCPUs, gpus: s.gpus, free, hasQuota: free === undefined || free >= need };
    })
    .sort((a, b) => Number(b.hasQuota) - Number(a.hasQuota) || (a.vCPUs ?? 0) - (b.vCPUs ?? 0));
}

export interface FitInput {
  vmSize: string;
  /** The action input that names the size, for messages ("vm-size", "instance-type"). */
  input: string;
  purpose: "fine-tuning" | "inference";
  /** "Phi-4 version 8", for messages. */
  model: string;
  allowList?: readonly string[];
  minSpec?: MinSpec;
  /** The region's sizes (vmSizes API); empty or undefined when unknown. */
  sizes?: readonly VmSizeSpec[];
  usages?: readonly UsageLike[];
  /** Nodes or instances the quota must cover for the suggestions. */
  instances: number;
  location?: string;
  now?: Date;
}

export interface Fit {
  ok: boolean;
  /** Each a complete sentence naming the input, the value and the way forward. */
  problems: string[];
  /** Checks that could not be made, for the log. */
  notes: string[];
  /** The size as the region lists it. */
  size?: VmSizeSpec;
  /** Allowed sizes the region offers, those with quota first. */
  candidates: Candidate[];
}

/** Names of the suggested sizes: those with quota, or all with a note that none has quota. */
function suggestSizes(candidates: readonly Candidate[]): string {
  if (!candidates.length) return "";
  const withQuota = candidates.filter((c) => c.hasQuota).map((c) => c.name);
  if (withQuota.length) return ` Sizes that fit and have quota: ${withQuota.join(", ")}.`;
  return ` Sizes that fit (none has free quota now; request some): ${candidates.map((c) => c.name).join(", ")}.`;
}

/** Checks a VM size against retirement, the region's offer, and the model's allow-list or minimum spec. */
export function checkComputeFit(f: FitInput): Fit {
  const where = f.location ? ` in ${f.location}` : "";
  const candidates = fittingSizes({ ...f, sizes: f.sizes ?? [] });
  const suggestion = suggestSizes(candidates);
  const retired = retiredFamilyOf(f.vmSize, f.now);
  if (retired) {
    const problem = `${f.input}: ${f.vmSize} is of the ${retired.family} family, which Azure retired on ${retired.retiredOn} (${retired.source}); choose a size of ${retired.instead}.${suggestion}`;
    return { ok: false, problems: [problem], notes: [], candidates };
  }
  const known = (f.sizes?.length ?? 0) > 0;
  const size = findSize(f.sizes, f.vmSize);
  if (known && !size)
    return {
      ok: false,
      problems: [`${f.input}: ${f.vmSize} is not offered for Azure ML compute${where}.${suggestion}`],
      notes: [],
      candidates,
    };
  return { ...fitToModel(f, size, suggestion), size, candidates };
}

function fitToModel(f: FitInput, size: VmSizeSpec | undefined, suggestion: string) {
  const notes: string[] = [];
  if (f.allowList?.length) {
    const allowed = f.allowList.some((n) => n.toLowerCase() === f.vmSize.trim().toLowerCase());
    if (allowed) return { ok: true, problems: [], notes };
    return {
      ok: false,
      notes,
      problems: [
        `${f.input}: ${f.vmSize} is not on ${f.model}'s ${f.purpose} compute allow-list (${f.allowList.join(", ")}); choose one of those.${suggestion}`,
      ],
    };
  }
  if (!f.minSpec) {
    notes.push(`${f.model} gives no ${f.purpose} compute allow-list or minimum spec; ${f.vmSize} was not checked.`);
    return { ok: true, problems: [], notes };
  }
  if (!size) {
    notes.push(`The VM sizes${where(f)} are unknown; ${f.vmSize} was not checked against ${f.minSpec.text}.`);
    return { ok: true, problems: [], notes };
  }
  const short = minSpecShortfalls(size, f.minSpec);
  if (!short.length) return { ok: true, problems: [], notes };
  return {
    ok: false,
    notes,
    problems: [
      `${f.input}: ${f.vmSize} is below ${f.model}'s minimum spec for ${f.purpose} (${describeMinSpec(f.minSpec)}): it has ${short.join("; ")}.${suggestion}`,
    ],
  };
}

const where = (f: FitInput) => (f.location ? ` in ${f.location}` : "");

/** "24 vCPUs, 1 GPU, 220 GB memory, 64 GB disk". */
function describeMinSpec(s: MinSpec): string {
  return `${s.vCPUs} vCPUs, ${s.gpus} GPU${s.gpus === 1 ? "" : "s"}, ${s.memoryGB} GB memory, ${s.diskGB} GB disk`;
}
