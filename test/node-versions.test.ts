import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "./harness/paths.js";

const read = (p: string) => readFileSync(join(REPO_ROOT, p), "utf8");
/** The majors of an engines range made of `^M.m.p` and `>=M.m.p` parts joined by `||`. */
const majors = (range: string) =>
  range.split("||").map((part) => {
    const m = /^\s*(\^|>=)(\d+)\.\d+\.\d+\s*$/.exec(part);
    if (!m) throw new Error(`engines part "${part}" is not ^M.m.p or >=M.m.p`);
    return { major: Number(m[2]), open: m[1] === ">=" };
  });
const allowed = (range: string, major: number) =>
  majors(range).some((p) => p.major === major || (p.open && major > p.major));

describe("one supported Node range: engines, .nvmrc, CI and the runner agree", () => {
  const range = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
  const ci = parse(read(".github/workflows/ci.yml")) as {
    jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>;
  };
  const setups = Object.values(ci.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("actions/setup-node")));

  it(".nvmrc names a major that engines allows, and CI uses .nvmrc", () => {
    expect(allowed(range, Number(read(".nvmrc").trim()))).toBe(true);
    expect(setups.some((s) => s.with?.["node-version-file"] === ".nvmrc")).toBe(true);
  });

  it("the runner's Node (node24 in action.yml) is allowed and tested in CI", () => {
    for (const dir of [
      "action-dataset",
      "action-finetune",
      "action-deploy",
      "action-chat-smoke",
      "action-evaluate",
      "actions/teardown",
    ])
      expect(read(`${dir}/action.yml`)).toMatch(/using: node24/);
    expect(allowed(range, 24)).toBe(true);
    expect(setups.some((s) => String(s.with?.["node-version"]) === "24")).toBe(true);
  });

  it("the range check itself tells majors apart", () => {
    expect(allowed("^20.19.0 || >=24.0.0", 22)).toBe(false);
    expect(allowed("^20.19.0 || >=24.0.0", 25)).toBe(true);
  });
});
