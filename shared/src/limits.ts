/**
 * Azure's documented limits on free text (display names, descriptions, experiment names) and tags,
 * checked with the other inputs so a too-long value is refused before any request instead of by Azure
 * halfway through a run.
 *
 * Sources:
 * - Azure ML jobs (runs) and experiments: MicrosoftDocs/azure-docs,
 *   articles/machine-learning/resource-limits-capacity.md ("Service limits in Azure Machine Learning"):
 *   runs: DisplayName 256 characters, Description 5,000, 50 tags, tag key 100, tag value 1,000;
 *   experiments: name 256 characters.
 * - Tags of Azure resources (online endpoints, computes): MicrosoftDocs/azure-docs,
 *   articles/azure-resource-manager/management/tag-resources.md ("Limitations"): 50 tag name-value pairs,
 *   tag name 512 characters, tag value 256, and tag names can't contain < > % & \ ? /.
 * - Resource names: shared/src/names.ts.
 *
 * Lengths count UTF-16 code units, as Azure's .NET services count a string's Length: an emoji counts two.
 */
import type { Inputs } from "./inputs.js";

export interface TextLimit {
  /** What the text is, for messages: "job display name". */
  what: string;
  max: number;
}

export interface TagLimits {
  what: string;
  count: number;
  keyLength: number;
  valueLength: number;
  /** Characters a tag name may not contain. */
  forbiddenInKeys?: string;
}

export const JOB_DISPLAY_NAME: TextLimit = { what: "job display name", max: 256 };
export const EXPERIMENT_NAME: TextLimit = { what: "experiment name", max: 256 };

export const JOB_TAGS: TagLimits = { what: "job tags", count: 50, keyLength: 100, valueLength: 1000 };
export const RESOURCE_TAGS: TagLimits = {
  what: "Azure resource tags",
  count: 50,
  keyLength: 512,
  valueLength: 256,
  forbiddenInKeys: "<>%&\\?/",
};

const shorten = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);

/** Why the text breaks the limit, or undefined. */
export function checkText(limit: TextLimit, text: string): string | undefined {
  if (text.length <= limit.max) return undefined;
  return `is ${text.length} characters long; the ${limit.what} may have at most ${limit.max} (Azure's limit)`;
}

/**
 * Every way the tags break the limits. `added` are the tags the action adds itself (managed-by,
 * repository, …): they count towards the number of tags too.
 */
export function checkTags(
  limit: TagLimits,
  tags: Record<string, string>,
  added: Record<string, string> = {},
): string[] {
  const problems: string[] = [];
  const total = new Set([...Object.keys(added), ...Object.keys(tags)].map((k) => k.toLowerCase())).size;
  if (total > limit.count)
    problems.push(
      `make ${total} tags with the ${Object.keys(added).length} this action adds; ${limit.what} may number at most ${limit.count} (Azure's limit)`,
    );
  for (const [key, value] of Object.entries(tags)) {
    if (key.length > limit.keyLength)
      problems.push(`has a tag name ${shorten(key)} of ${key.length} characters; at most ${limit.keyLength}`);
    const bad = [...(limit.forbiddenInKeys ?? "")].filter((c) => key.includes(c));
    if (bad.length)
      problems.push(`has a tag name ${shorten(key)} with ${bad.join(" ")}, which Azure refuses in tag names`);
    if (value.length > limit.valueLength)
      problems.push(`has a value of ${value.length} characters for tag ${shorten(key)}; at most ${limit.valueLength}`);
  }
  return problems;
}

/** checkText, reported as a problem of the input. */
export function checkTextInput(i: Inputs, input: string, text: string | undefined, limit: TextLimit): void {
  const wrong = text === undefined ? undefined : checkText(limit, text);
  if (wrong) i.problem(input, text!, wrong);
}

/** checkTags, each problem reported against the input. */
export function checkTagsInput(
  i: Inputs,
  input: string,
  tags: Record<string, string> | undefined,
  limit: TagLimits,
  added: Record<string, string> = {},
): void {
  for (const wrong of checkTags(limit, tags ?? {}, added)) i.problem(input, "", `${wrong}.`);
}
