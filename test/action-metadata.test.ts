import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { Inputs } from "../shared/src/inputs.js";
import { AZURE_INPUT_NAMES } from "../shared/src/azure-inputs.js";
import { REPO_ROOT } from "./harness/paths.js";

interface ActionYml {
  runs: { using: string; main: string; post?: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const ACTIONS = [
  "action-dataset",
  "action-finetune",
  "action-deploy",
  "action-chat-smoke",
  "action-evaluate",
  "actions/teardown",
];
/** Inputs that switch parts of an action on (chat-smoke reads the Azure inputs only for a named endpoint). */
const SWITCHES: Record<string, Record<string, string>> = { "action-chat-smoke": { endpoint: "phi3-chat" } };
const yml = (dir: string) => parse(readFileSync(join(REPO_ROOT, dir, "action.yml"), "utf8")) as ActionYml;

describe.each(ACTIONS)("%s: action.yml and the code agree", (dir) => {
  const meta = yml(dir);
  const required = Object.entries(meta.inputs)
    .filter(([, i]) => i.required)
    .map(([n]) => n);
  const read = async (source: (name: string) => string) => {
    const { readInputs } = (await import(`../${dir}/src/inputs.js`)) as { readInputs: (i: Inputs) => unknown };
    const names = new Set<string>();
    const inputs = new Inputs((name) => (names.add(name), source(name)));
    return { value: await readInputs(inputs), names };
  };
  const givenRequired = (name: string) => SWITCHES[dir]?.[name] ?? (required.includes(name) ? "given" : "");

  it("is a node24 JavaScript action whose bundles exist", () => {
    expect(meta.runs.using).toBe("node24");
    expect(meta.runs.main).toBe("dist/index.js");
    expect(existsSync(join(REPO_ROOT, dir, meta.runs.main))).toBe(true);
    if (meta.runs.post) expect(existsSync(join(REPO_ROOT, dir, meta.runs.post))).toBe(true);
    for (const [name, i] of Object.entries({ ...meta.inputs, ...meta.outputs }))
      expect([name, i.description?.length > 0]).toEqual([name, true]);
  });

  it("declares every input the code reads, and reads every input it declares", async () => {
    const { names } = await read(givenRequired);
    expect([...names].filter((n) => !(n in meta.inputs))).toEqual([]);
    expect(Object.keys(meta.inputs).filter((n) => !names.has(n))).toEqual([]);
  });

  it("takes the common Azure inputs", () => {
    for (const name of AZURE_INPUT_NAMES) expect([name, name in meta.inputs]).toEqual([name, true]);
  });

  it("has the same defaults in code as in action.yml (a run outside the runner behaves the same)", async () => {
    const withYmlDefaults = await read((name) => {
      const d = meta.inputs[name]?.default;
      return givenRequired(name) || (d && !d.includes("${{") ? d : "");
    });
    const withCodeDefaults = await read(givenRequired);
    expect(withCodeDefaults.value).toEqual(withYmlDefaults.value);
  });
});
