import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs helper shared with the build script
import { actionDirs, ROOT } from "../scripts/actions.mjs";

// The entry of a bundle (dist/index.js, dist/post/index.js) is all that Node reads and compiles before the inputs
// are checked: the Azure SDKs, the storage client and the rest load later, from chunks imported once the inputs
// are good. An entry above this size means a static import pulled one of them in (issue 23: start-up within 2× of
// `node -e 0`; `npm run bench -- startup` measures it). The entries are 51–89 KB today.
const MAX_ENTRY_BYTES = 128 * 1024;

const entries = (actionDirs() as string[]).flatMap((d) =>
  ["dist/index.js", "dist/post/index.js"].map((f) => join(d, f)).filter((f) => existsSync(join(ROOT, f))),
);

describe("each committed bundle's entry holds only what checks the inputs", () => {
  it("finds every action's entry", () => {
    expect(entries.length).toBeGreaterThanOrEqual(7);
    expect(entries).toContain("action-deploy/dist/post/index.js");
  });

  it.each(entries)("%s is under 128 KB", (entry) => {
    expect(statSync(join(ROOT, entry)).size).toBeLessThan(MAX_ENTRY_BYTES);
  });
});
