import { duplicateKeys } from "./json-keys.js";
import * as core from "@actions/core";

/** One thing wrong with one input: the input, the value, and what would be accepted. */
export interface InputProblem {
  input: string;
  value: string;
  message: string;
  /** Where in a file the input names the problem is (a prompts file's line): annotated there. */
  place?: { file: string; line?: number };
}

/** All input problems of a step, reported together before any cloud call. */
export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(
      `${problems.length} input problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p.input}: ${p.message}`).join("\n"),
    );
    this.name = "InputError";
  }
}

export type Source = (name: string) => string;

/** Reads inputs as the runner passes them: INPUT_<NAME> with spaces as underscores, upper case. */
export const runnerInputs: Source = (name) => core.getInput(name);

interface Common<T> {
  /** Used when the input is empty. Keep equal to action.yml's default (a test checks). */
  default?: T;
  required?: boolean;
}

const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);

/**
 * Typed readers that collect every problem and fail once, in `done()`. A reader that finds a problem
 * returns undefined (or the default) so reading can go on and every problem is reported together.
 */
export class Inputs {
  readonly problems: InputProblem[] = [];
  constructor(private readonly source: Source = runnerInputs) {}

  raw(name: string): string {
    return this.source(name).trim();
  }

  problem(input: string, value: string, message: string, place?: InputProblem["place"]): void {
    this.problems.push({ input, value, message: value === "" ? message : `${shown(value)} ${message}`, place });
  }

  string(
    name: string,
    o: Common<string> & { pattern?: RegExp; rule?: string; oneLine?: boolean } = {},
  ): string | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    if (o.pattern && !o.pattern.test(v)) this.problem(name, v, `is not accepted: ${o.rule ?? `expected ${o.pattern}`}`);
    return v;
  }

  int(name: string, o: Common<number> & { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    if (!/^[-+]?\d+$/.test(v)) {
      this.problem(name, v, `is not a whole number; expected ${range(o.min, o.max) || "an integer"}`);
      return o.default;
    }
    return this.inRange(name, v, Number(v), o);
  }

  float(
    name: string,
    o: Common<number> & { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean } = {},
  ): number | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    const n = Number(v);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) || !Number.isFinite(n)) {
      this.problem(
        name,
        v,
        `is not a number; expected ${range(o.min, o.max, o.exclusiveMin, o.exclusiveMax) || "a number such as 0.0002 or 2e-4"}`,
      );
      return o.default;
    }
    return this.inRange(name, v, n, o);
  }

  boolean(name: string, o: Common<boolean> = {}): boolean | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    if (/^(true|yes|on|1)$/i.test(v)) return true;
    if (/^(false|no|off|0)$/i.test(v)) return false;
    this.problem(name, v, "is not a boolean; expected true or false");
    return o.default;
  }

  enum<T extends string>(
    name: string,
    values: readonly T[],
    o: Common<T> & { caseInsensitive?: boolean } = {},
  ): T | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    const hit = values.find((x) => (o.caseInsensitive ? x.toLowerCase() === v.toLowerCase() : x === v));
    if (hit === undefined) this.problem(name, v, `is not one of: ${values.join(", ")}`);
    return hit ?? o.default;
  }

  json<T = unknown>(
    name: string,
    o: Common<T> & { check?: (value: unknown) => string | undefined; expect?: string } = {},
  ): T | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch (e) {
      this.problem(name, v, `is not valid JSON (${(e as Error).message}); expected ${o.expect ?? "JSON"}`);
      return o.default;
    }
    const twice = duplicateKeys(v);
    const wrong =
      o.check?.(parsed) ??
      (twice.length
        ? `gives ${twice.map((k) => JSON.stringify(k)).join(", ")} more than once; JSON would keep the last silently, so give each key once`
        : undefined);
    if (wrong) {
      this.problem(name, v, wrong);
      return o.default;
    }
    return parsed as T;
  }

  /** A JSON object whose values are strings, scalars (string, number, boolean) or anything. */
  jsonObject<T extends Record<string, unknown>>(
    name: string,
    o: { values: "string" | "scalar" | "any"; example: string },
  ): T {
    const kinds = { string: ["string"], scalar: ["string", "number", "boolean"], any: undefined }[o.values];
    const what = {
      string: "a JSON object of strings",
      scalar: "a JSON object of strings, numbers and booleans",
      any: "a JSON object",
    }[o.values];
    return (
      this.json<T>(name, {
        default: {} as T,
        expect: `${what} such as ${o.example}`,
        check: (v) =>
          v &&
          typeof v === "object" &&
          !Array.isArray(v) &&
          (!kinds || Object.values(v).every((x) => kinds.includes(typeof x)))
            ? undefined
            : `is not ${what}, such as ${o.example}`,
      }) ?? ({} as T)
    );
  }

  /** A duration as seconds: "90", "90s", "15m", "1h30m", "2d" or ISO 8601 "PT1H30M". */
  duration(name: string, o: Common<number> & { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    const seconds = parseDuration(v);
    if (seconds === undefined) {
      this.problem(
        name,
        v,
        'is not a duration; expected seconds ("90"), units ("90s", "15m", "1h30m", "2d") or ISO 8601 ("PT1H30M")',
      );
      return o.default;
    }
    return this.inRange(name, v, seconds, o, " seconds");
  }

  /** A list separated by commas or new lines; blank items are dropped. */
  list(name: string, o: Common<string[]> & { item?: (item: string) => string | undefined } = {}): string[] | undefined {
    const v = this.raw(name);
    if (v === "") return this.missing(name, o);
    const items = v
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    for (const item of items) {
      const wrong = o.item?.(item);
      if (wrong) this.problem(name, item, wrong);
    }
    return items;
  }

  /** Adds a problem about how inputs combine (e.g. "give endpoint or scoring-uri, not both"). */
  check(ok: boolean, input: string, value: string, message: string): void {
    if (!ok) this.problem(input, value, message);
  }

  /** Throws one InputError with every problem found, if any. */
  done(): void {
    if (this.problems.length > 0) throw new InputError(this.problems);
  }

  private missing<T>(name: string, o: Common<T>): T | undefined {
    if (o.required && o.default === undefined) this.problem(name, "", "is required but was not given");
    return o.default;
  }

  private inRange(
    name: string,
    raw: string,
    n: number,
    o: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; default?: number },
    unit = "",
  ): number | undefined {
    const low = o.min !== undefined && (o.exclusiveMin ? n <= o.min : n < o.min);
    const high = o.max !== undefined && (o.exclusiveMax ? n >= o.max : n > o.max);
    if (low || high) {
      this.problem(
        name,
        raw,
        `is out of range; expected ${range(o.min, o.max, o.exclusiveMin, o.exclusiveMax)}${unit}`,
      );
      return o.default;
    }
    return n;
  }
}

function range(min?: number, max?: number, exMin = false, exMax = false): string {
  const lo = min === undefined ? "" : `${exMin ? "more than" : "at least"} ${min}`;
  const hi = max === undefined ? "" : `${exMax ? "less than" : "at most"} ${max}`;
  return [lo, hi].filter(Boolean).join(" and ");
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(text: string): number | undefined {
  const v = text.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(v);
  if (iso && v.length > 1 && !/T$/i.test(v)) {
    const [, d, h, m, s] = iso;
    return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  }
  if (!/^(\d+(\.\d+)?\s*[smhd]\s*)+$/i.test(v)) return undefined;
  let total = 0;
  for (const [, n, u] of v.matchAll(/(\d+(?:\.\d+)?)\s*([smhd])/gi)) total += Number(n) * (UNIT[u!.toLowerCase()] ?? 0);
  return total;
}

/** Seconds as an ISO 8601 duration, as Azure wants them: 90 → "PT1M30S". */
export function isoDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${r || s === 0 ? `${r}S` : ""}`;
}
