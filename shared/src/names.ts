/** Azure resource name rules we check locally, before any request, and names we derive. */

export interface NameRule {
  /** What the name is, for messages: "online endpoint name". */
  what: string;
  min: number;
  max: number;
  pattern: RegExp;
  /** The rule in words, for messages. */
  rule: string;
}

export const ONLINE_ENDPOINT: NameRule = {
  what: "online endpoint name",
  min: 3,
  max: 32,
  pattern: /^[a-zA-Z][a-zA-Z0-9-]*$/,
  rule: "3-32 characters: letters, digits and hyphens, starting with a letter, not ending with a hyphen",
};

export const ONLINE_DEPLOYMENT: NameRule = {
  what: "deployment name",
  min: 3,
  max: 32,
  pattern: /^[a-zA-Z][a-zA-Z0-9-]*$/,
  rule: "3-32 characters: letters, digits and hyphens, starting with a letter, not ending with a hyphen",
};

export const COMPUTE: NameRule = {
  what: "compute name",
  min: 2,
  max: 16,
  pattern: /^[a-zA-Z][a-zA-Z0-9-]*$/,
  rule: "2-16 characters: letters, digits and hyphens, starting with a letter",
};

export const ASSET: NameRule = {
  what: "asset name",
  min: 1,
  max: 255,
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9\-_.]*$/,
  rule: "1-255 characters: letters, digits, '-', '_' and '.', starting with a letter or digit",
};

export const JOB: NameRule = {
  what: "job name",
  min: 1,
  max: 255,
  pattern: /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/,
  rule: "letters, digits, '-' and '_', starting with a letter or digit",
};

/** Returns a problem in words, or undefined when the name is valid. */
export function checkName(rule: NameRule, name: string): string | undefined {
  if (name.length < rule.min || name.length > rule.max || !rule.pattern.test(name) || name.endsWith("-")) {
    return `"${name}" is not a valid ${rule.what}: ${rule.rule}`;
  }
  return undefined;
}

/**
 * A name that fits the rule, from free text such as "Octo-Org/Phi3_Demo": lower case, runs of other
 * characters become one hyphen, a letter first, cut to the maximum length (with a short hash suffix
 * when cut, so that two long names do not collide).
 */
export function deriveName(rule: NameRule, text: string, suffix = ""): string {
  let base = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(base)) base = `x${base ? `-${base}` : ""}`;
  const tail = suffix ? `-${suffix.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}` : "";
  const room = rule.max - tail.length;
  if (base.length > room) {
    const hash = fnv1a(text).toString(36).slice(0, 5);
    base = `${base.slice(0, room - hash.length - 1).replace(/-+$/, "")}-${hash}`;
  }
  let name = `${base}${tail}`.replace(/-+$/, "");
  while (name.length < rule.min) name += "0";
  return name;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
