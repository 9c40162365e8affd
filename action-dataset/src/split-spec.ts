/**
 * The `split` input: Hugging Face's slice syntax, as `datasets` parses it (`datasets.arrow_reader`):
 *
 *   name                 the whole split
 *   name[from:to]        rows from..to (exclusive); either bound may be left out or negative (from the end)
 *   name[from%:to%]      the same in percent of the split, -100..100
 *   name[..](rounding)   percent rounding: `closest` (the default) or `pct1_dropremainder`
 *
 * Where this module is stricter than `datasets`: a slice that mixes a percent and an absolute bound
 * (`train[10%:2000]`, which `datasets` silently reads as 10%..2000%) and a slice that can never select
 * anything (`train[500:100]`) are rejected, and `+` (concatenating splits) is not supported.
 */

type SliceUnit = "abs" | "pct";
type PctRounding = "closest" | "pct1_dropremainder";

export interface SplitSpec {
  /** The split name (`train_sft`); ignored for local files. */
  split: string;
  /** Inclusive lower bound; negative counts from the end. Absent: from the first row. */
  from?: number;
  /** Exclusive upper bound; negative counts from the end. Absent: to the last row. */
  to?: number;
  unit: SliceUnit;
  /** Only with unit "pct". */
  rounding?: PctRounding;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

const SPLIT_FORMS =
  "name, name[from:to] or name[from%:to%] with whole numbers (either bound may be omitted or negative), e.g. train_sft, train_sft[:1%], train[100:2000], train[:5000], train[10%:20%], train[-1000:]";

// The split name is `datasets`' `\w+(\.\w+)*`; the slice is `[from(%)?:to(%)?]` and an optional `(rounding)`.
const SPEC_RE =
  /^(?<split>\w+(?:\.\w+)*)(?:\[(?<from>-?\d+)?(?<fromPct>%)?:(?<to>-?\d+)?(?<toPct>%)?\])?(?:\((?<rounding>[^)]*)\))?$/;

/** Parses the `split` input; a bad value gets a message naming it and the accepted forms. */
export function parseSplitSpec(input: string): ParseResult<SplitSpec> {
  const text = input.trim();
  const bad = (why: string): ParseResult<SplitSpec> => ({
    ok: false,
    message: `split "${input}" ${why}. Accepted forms: ${SPLIT_FORMS}.`,
  });
  if (text === "") return bad("is empty");
  if (text.includes("+")) return bad("combines splits with +, which is not supported: use one split");
  const m = SPEC_RE.exec(text);
  if (!m?.groups) return bad("is not a split name with an optional slice");
  const g = m.groups;
  if (g.fromPct && !g.from) return bad("has a % without a number");
  if (g.toPct && !g.to) return bad("has a % without a number");
  const from = g.from === undefined ? undefined : Number(g.from);
  const to = g.to === undefined ? undefined : Number(g.to);
  const pctBounds = [g.from && g.fromPct, g.to && g.toPct].filter(Boolean).length;
  const boundCount = [g.from, g.to].filter((b) => b !== undefined).length;
  if (pctBounds > 0 && pctBounds !== boundCount)
    return bad("mixes a percent and an absolute bound; use percent for both or for neither");
  const unit: SliceUnit = pctBounds > 0 ? "pct" : "abs";
  for (const b of [from, to]) {
    if (b === undefined) continue;
    if (!Number.isSafeInteger(b)) return bad("has a bound too large to be a row number");
    if (unit === "pct" && Math.abs(b) > 100) return bad("has a percent bound outside -100%..100%");
  }
  let rounding: PctRounding | undefined;
  if (g.rounding !== undefined) {
    if (unit !== "pct") return bad("gives a rounding, which only applies to percent slices");
    if (g.rounding !== "closest" && g.rounding !== "pct1_dropremainder")
      return bad(`has an unknown rounding "${g.rounding}" (closest or pct1_dropremainder)`);
    rounding = g.rounding;
  }
  // Bounds of the same sign are comparable without the row count: catch a slice that is always empty.
  if (to === 0 || (from !== undefined && to !== undefined && from < 0 === to < 0 && from >= to)) {
    return bad("selects no rows (from must be before to)");
  }
  const spec: SplitSpec = { split: g.split ?? "", unit };
  if (from !== undefined) spec.from = from;
  if (to !== undefined) spec.to = to;
  if (unit === "pct") spec.rounding = rounding ?? "closest";
  return { ok: true, value: spec };
}

/** True when the slice cannot be resolved without knowing how many rows there are. */
export function sliceNeedsRowCount(spec: SplitSpec): boolean {
  return spec.unit === "pct" || (spec.from ?? 0) < 0 || (spec.to ?? 0) < 0;
}

/** A slice without bounds (the whole split). */
export function isWholeSplit(spec: SplitSpec): boolean {
  return spec.from === undefined && spec.to === undefined;
}

/**
 * The half-open row range `[start, end)` the slice selects out of `rowCount` rows, exactly as `datasets`
 * computes it (`_rel_to_abs_instr`): percent bounds become `round(pct * rowCount / 100)` with Python's
 * round-half-to-even ("closest"), or `pct * trunc(rowCount / 100)` ("pct1_dropremainder", which needs
 * at least 100 rows); negative bounds count from the end; everything is clamped to `0..rowCount`.
 * When `to` falls before `from` the range is empty (`end === start`).
 */
export function applySlice(spec: SplitSpec, rowCount: number): [number, number] {
  const toAbs = (pct: number): number => {
    if (spec.rounding === "pct1_dropremainder") {
      if (rowCount < 100)
        throw new RangeError(
          `pct1_dropremainder rounding needs a split of at least 100 rows; this one has ${rowCount}`,
        );
      return pct * Math.trunc(rowCount / 100);
    }
    return roundHalfEven((pct * rowCount) / 100);
  };
  let from = spec.from === undefined ? 0 : spec.unit === "pct" ? toAbs(spec.from) : spec.from;
  let to = spec.to === undefined ? rowCount : spec.unit === "pct" ? toAbs(spec.to) : spec.to;
  if (from < 0) from = Math.max(rowCount + from, 0);
  if (to < 0) to = Math.max(rowCount + to, 0);
  from = Math.min(from, rowCount);
  to = Math.min(to, rowCount);
  return [from, Math.max(from, to)];
}

/** Python 3's round(): halves go to the even neighbour (round(0.5) == 0, round(1.5) == 2, round(2.5) == 2). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The spec written back in canonical form (for the fingerprint and messages). */
export function formatSplitSpec(spec: SplitSpec): string {
  if (isWholeSplit(spec)) return spec.split;
  const pct = spec.unit === "pct" ? "%" : "";
  const bound = (b: number | undefined): string => (b === undefined ? "" : `${b}${pct}`);
  const rounding = spec.unit === "pct" && spec.rounding && spec.rounding !== "closest" ? `(${spec.rounding})` : "";
  return `${spec.split}[${bound(spec.from)}:${bound(spec.to)}]${rounding}`;
}
