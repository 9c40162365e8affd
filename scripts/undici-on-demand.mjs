// @actions/core 3 imports @actions/http-client 4, which imports undici at its top only to offer a
// ProxyAgent (getAgentDispatcher, which @actions/core never calls). Reading, compiling and evaluating undici
// (~450 KB) was most of every action's start-up. While the actions are bundled, build.mjs puts a stand-in
// where webpack looks first for that import (node_modules/@actions/http-client/node_modules/undici): the
// same ProxyAgent, whose first construction loads the real undici from a file of its own beside the bundle
// (undici.cjs, undici bundled alone by ncc). So no bundle's entry holds undici: Node neither reads nor parses
// it at start. The load has to be synchronous (a constructor cannot wait), hence a CommonJS file required
// through createRequire rather than a webpack chunk, which only loads through a promise.
// Nothing else changes: @actions/github keeps its own http-client and the real undici, loaded with it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The file, beside each bundle that needs it, that holds undici. */
export const UNDICI_FILE = "undici.cjs";

/**
 * The stand-in's source (an ES module). `import.meta.url` is the bundle's own file once bundled (ncc keeps it
 * as written), so UNDICI_FILE is looked for beside the bundle. `process.getBuiltinModule` keeps webpack from
 * resolving the require at build time (it would put undici back into the entry).
 */
export function standInSource() {
  return `// Written by scripts/undici-on-demand.mjs while the actions are bundled; see there.
let undici;
export class ProxyAgent {
  constructor(...args) {
    undici ??= process.getBuiltinModule("node:module").createRequire(import.meta.url)("./${UNDICI_FILE}");
    // A constructor that returns an object makes \`new\` give that object: undici's own agent.
    return new undici.ProxyAgent(...args);
  }
}
`;
}

/** Whether a bundle folder's code holds the stand-in (so it needs UNDICI_FILE beside it). */
export function needsUndici(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".js"))
    .some((f) => readFileSync(join(dir, f), "utf8").includes(`("./${UNDICI_FILE}")`));
}

/**
 * Runs `build(placeBeside)` with the stand-in in place, and removes it after, whatever happens.
 * `bundleUndici(out)` bundles undici alone into `out` (index.js, licenses.txt); it runs once, beside the
 * actions' builds. `placeBeside(dir)` writes UNDICI_FILE into a bundle folder whose code holds the stand-in,
 * and adds undici's license to that folder's licenses.txt.
 */
export async function withUndiciOnDemand(root, bundleUndici, build) {
  const client = join(root, "node_modules", "@actions", "http-client");
  const realUndici = join(root, "node_modules", "undici");
  const version = JSON.parse(readFileSync(join(client, "package.json"), "utf8")).version;
  const importsUndici = readFileSync(join(client, "lib", "index.js"), "utf8").includes(
    "import { ProxyAgent } from 'undici'",
  );
  const dir = join(client, "node_modules", "undici");
  // The stand-in fits one shape of @actions/http-client; another one fails the build rather than being guessed at.
  if (!version.startsWith("4.") || !importsUndici || existsSync(dir) || !existsSync(realUndici)) {
    throw new Error(
      `scripts/undici-on-demand.mjs: @actions/http-client ${version} is not the shape it was written for (v4, importing only ProxyAgent from a hoisted undici); review it.`,
    );
  }
  const out = mkdtempSync(join(tmpdir(), "undici-"));
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "undici", version: "0.0.0-on-demand", type: "module", main: "index.js", private: true }),
    );
    writeFileSync(join(dir, "index.js"), standInSource());
    const bundled = bundleUndici(join(realUndici, "index.js"), out);
    // An unawaited rejection would end the build before the actions' bundles report theirs.
    bundled.catch(() => undefined);
    const placeBeside = async (target) => {
      if (!needsUndici(target)) return;
      await bundled;
      writeFileSync(join(target, UNDICI_FILE), readFileSync(join(out, "index.js")));
      const licenses = join(target, "licenses.txt");
      if (existsSync(licenses)) {
        const own = readFileSync(licenses, "utf8");
        if (!/^undici$/m.test(own)) writeFileSync(licenses, `${own}\n\n${readFileSync(join(out, "licenses.txt"))}`);
      }
    };
    return await build(placeBeside);
  } finally {
    rmSync(join(client, "node_modules"), { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
