import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findActions, rewriteReadme, type ActionYml } from "../scripts/readme-tables.js";
import { REPO_ROOT } from "./harness/paths.js";

const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

describe("the README's inputs and outputs tables", () => {
  it("match every action.yml (run npm run readme-tables when this fails)", async () => {
    const { text, problems } = await rewriteReadme(readme, findActions());
    expect(problems).toEqual([]);
    expect(text).toBe(readme);
  });

  it("change when an action.yml does: a new input shows up, with its default", async () => {
    const actions = findActions();
    const deploy: ActionYml = { ...actions["action-deploy"]! };
    deploy.inputs = { ...deploy.inputs, "warm-up": { description: "Warm up | then serve.", default: "2" } };
    const { text } = await rewriteReadme(readme, { ...actions, "action-deploy": deploy });
    expect(text).toMatch(/\| `warm-up`\s+\|\s+\| `2`\s+\| Warm up \\\| then serve\.\s+\|/);
    expect(text).not.toBe(readme);
  });

  it("report an action without a table, a table of no action, and an unclosed region", async () => {
    const actions = { ...findActions(), "action-new": { inputs: {}, outputs: {} } };
    const broken =
      readme.replace("<!-- inputs:action-deploy -->", "<!-- inputs:action-old -->") + "\n<!-- inputs:x -->\n";
    const { problems } = await rewriteReadme(broken, actions);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/region "inputs:action-old" names no action/),
        expect.stringMatching(/no table for action-new: add "<!-- inputs:action-new -->"/),
        expect.stringMatching(/no table for action-deploy/),
        expect.stringMatching(/but \d+ "<!-- \/inputs -->"/),
      ]),
    );
  });

  it("list every action's own inputs and outputs, and the Azure inputs once", () => {
    for (const [dir, meta] of Object.entries(findActions())) {
      const region = new RegExp(`<!-- inputs:${dir} -->([^]*?)<!-- /inputs -->`).exec(readme)?.[1] ?? "";
      for (const name of Object.keys(meta.outputs ?? {}))
        expect([dir, region.includes(`\`${name}\``)]).toEqual([dir, true]);
      expect(region).not.toContain("`client-id`");
    }
    expect(/<!-- inputs:azure -->[^]*`client-id`[^]*<!-- \/inputs -->/.test(readme)).toBe(true);
  });
});
