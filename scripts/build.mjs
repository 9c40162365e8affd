// Bundles every action with ncc into its committed dist/ (dist/index.js, and dist/post/index.js for a
// post step). `--check` builds into a temporary folder and fails when a committed dist/ differs (or the
// WebAssembly module that scripts/build-wasm.mjs writes).
// `--only action-dataset` builds one.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { minify } from "terser";
import { actionDirs, nccBuild as bundle, ROOT } from "./actions.mjs";
import { buildWasm } from "./build-wasm.mjs";
import { withUndiciOnDemand } from "./undici-on-demand.mjs";

const check = process.argv.includes("--check");
const onlyIdx = process.argv.indexOf("--only");
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;

// ncc minifies only the entry file; the chunks it splits off at dynamic imports (the Azure SDKs, loaded
// once the inputs are good) would ship unminified, so terser minifies them here.
async function minifyChunks(dir) {
  for (const f of readdirSync(dir).filter((n) => /^\d+\.index\.js$/.test(n))) {
    const path = join(dir, f);
    const out = await minify(readFileSync(path, "utf8"), {
      module: true,
      compress: { passes: 1 },
      mangle: true,
      format: { comments: false },
    });
    writeFileSync(path, out.code);
  }
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

let stale = 0;
// action-dataset's WebAssembly first: its bundle embeds the module the compiler writes.
if (!only || only === "action-dataset") {
  for (const target of buildWasm({ check })) {
    stale++;
    console.error(`${target} is stale: run \`npm run build\` and commit it`);
  }
}
await withUndiciOnDemand(ROOT, buildAll);
if (stale) process.exit(1);

/** Bundles each action (main and post), or, with --check, compares a fresh bundle with the committed one. */
async function buildAll() {
  for (const dir of actionDirs().filter((d) => !only || d === only)) {
    const target = check ? mkdtempSync(join(tmpdir(), "dist-")) : join(ROOT, dir, "dist");
    if (!check) rmSync(target, { recursive: true, force: true });
    const t0 = Date.now();
    bundle(join(dir, "src", "main.ts"), target);
    await minifyChunks(target);
    if (existsSync(join(ROOT, dir, "src", "post.ts"))) {
      bundle(join(dir, "src", "post.ts"), join(target, "post"));
      await minifyChunks(join(target, "post"));
    }
    const size = files(target).reduce((n, f) => n + statSync(join(target, f)).size, 0);
    if (check) {
      const committed = join(ROOT, dir, "dist");
      const a = files(target);
      const b = files(committed);
      const differ =
        a.join() !== b.join() || a.some((f) => !readFileSync(join(target, f)).equals(readFileSync(join(committed, f))));
      if (differ) {
        stale++;
        console.error(`${dir}/dist is stale: run \`npm run build\` and commit ${relative(ROOT, committed)}/`);
      } else console.log(`${dir}/dist is up to date`);
      rmSync(target, { recursive: true, force: true });
    } else {
      console.log(`${dir}/dist: ${(size / 1024).toFixed(0)} KiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
}
