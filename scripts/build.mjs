// Bundles every action with ncc into its committed dist/ (dist/index.js, and dist/post/index.js for a
// post step). `--check` builds each bundle once, into a temporary folder, compares it file by file with
// the committed dist/ and fails when one differs (so does the WebAssembly module that
// scripts/build-wasm.mjs writes); nothing committed is touched.
// `--only action-dataset` builds one; `--jobs N` bundles N actions at a time (default: one per CPU).
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { minify } from "terser";
import { actionDirs, nccBuildAsync as bundle, ROOT } from "./actions.mjs";
import { buildWasm } from "./build-wasm.mjs";
import { withCompressedVocabulary } from "./compressed-vocabulary.mjs";
import { withUndiciOnDemand } from "./undici-on-demand.mjs";

const check = process.argv.includes("--check");
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = option("--only");
const jobs = Math.max(1, Number(option("--jobs") ?? availableParallelism()));

// ncc minifies only the entry file; the chunks it splits off at dynamic imports (the Azure SDKs, loaded
// once the inputs are good) would ship unminified, so terser minifies them here. The actions share the
// SDK chunks byte for byte, so each distinct chunk is minified once per build.
const minified = new Map();
async function minifyChunks(dir) {
  for (const f of readdirSync(dir).filter((n) => /^\d+\.index\.js$/.test(n))) {
    const path = join(dir, f);
    const code = readFileSync(path, "utf8");
    const key = createHash("sha256").update(code).digest("hex");
    if (!minified.has(key)) {
      const options = { module: true, compress: { passes: 1 }, mangle: true, format: { comments: false } };
      minified.set(
        key,
        minify(code, options).then((out) => out.code),
      );
    }
    writeFileSync(path, await minified.get(key));
  }
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** The files of `built` that differ from `committed` (missing on either side, or other bytes). */
function differences(built, committed) {
  const a = files(built);
  const b = files(committed);
  const all = [...new Set([...a, ...b])].sort();
  return all.filter(
    (f) => !a.includes(f) || !b.includes(f) || !readFileSync(join(built, f)).equals(readFileSync(join(committed, f))),
  );
}

/** One action: its main bundle and its post bundle, into dist/ (or, with --check, a temporary folder). */
async function buildOne(dir, placeUndici) {
  const committed = join(ROOT, dir, "dist");
  const target = check ? mkdtempSync(join(tmpdir(), "dist-")) : committed;
  if (!check) rmSync(target, { recursive: true, force: true });
  const t0 = Date.now();
  try {
    await bundle(join(dir, "src", "main.ts"), target);
    await minifyChunks(target);
    await placeUndici(target);
    if (existsSync(join(ROOT, dir, "src", "post.ts"))) {
      await bundle(join(dir, "src", "post.ts"), join(target, "post"));
      await minifyChunks(join(target, "post"));
      await placeUndici(join(target, "post"));
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (!check) {
      const size = files(target).reduce((n, f) => n + statSync(join(target, f)).size, 0);
      console.log(`${dir}/dist: ${(size / 1024).toFixed(0)} KiB in ${seconds} s`);
      return true;
    }
    const differ = differences(target, committed);
    if (differ.length === 0) console.log(`${dir}/dist is up to date (built in ${seconds} s)`);
    else
      console.error(
        `${dir}/dist is stale (${differ.join(", ")}): run \`npm run build\` and commit ${relative(ROOT, committed)}/`,
      );
    return differ.length === 0;
  } finally {
    if (check) rmSync(target, { recursive: true, force: true });
  }
}

/**
 * Bundles the actions, `jobs` at a time (each ncc is a process of its own); true when all are up to date.
 * `placeUndici(dir)` puts undici's own file beside a bundle that loads it on demand (undici-on-demand.mjs).
 */
async function buildAll(placeUndici) {
  const queue = actionDirs().filter((d) => !only || d === only);
  const results = [];
  const worker = async () => {
    for (let dir = queue.shift(); dir !== undefined; dir = queue.shift())
      results.push(await buildOne(dir, placeUndici));
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));
  return results.every(Boolean);
}

const t0 = Date.now();
let stale = 0;
// action-dataset's WebAssembly first: its bundle embeds the module the compiler writes.
if (!only || only === "action-dataset") {
  for (const target of buildWasm({ check })) {
    stale++;
    console.error(`${target} is stale: run \`npm run build\` and commit it`);
  }
}
const bundled = await withUndiciOnDemand(ROOT, bundle, (placeUndici) =>
  withCompressedVocabulary(ROOT, () => buildAll(placeUndici)),
);
if (!bundled) stale++;
console.log(`${check ? "checked" : "built"} in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${jobs} at a time`);
if (stale) process.exit(1);
