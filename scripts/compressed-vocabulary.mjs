// llama-tokenizer-js ships the Llama 2 vocabulary and merge table as two base64 strings in its JavaScript
// (~650 KB, a fifth of action-dataset's bundle). While the actions are bundled, build.mjs puts this stand-in
// where webpack looks first for that import from action-dataset (action-dataset/node_modules): the same
// module, word for word, but for those two strings, which it holds brotli-compressed (Node's built-in
// zlib) and expands back to the very same base64 when the module is first evaluated, that is when the
// token counter first needs the tokenizer (a few milliseconds, once per thread). Run from the sources
// (tests, tsx), the package is used as installed: the data is the same bytes either way (a test checks).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";

const NAMES = ["llama_vocab_base64", "llama_merges_binary"];

/** The stand-in's source, made from the package's: each of the two strings is replaced by its compressed form. */
export function compressedSource(original) {
  let source = original;
  for (const name of NAMES) {
    const pattern = new RegExp(`^const ${name} = "([A-Za-z0-9+/=]+)";?$`, "m");
    const found = original.match(new RegExp(pattern.source, "gm"));
    // Another shape of the package fails the build rather than being guessed at.
    if (found?.length !== 1)
      throw new Error(
        `scripts/compressed-vocabulary.mjs: no single "const ${name} = "…"" in llama-tokenizer-js; review it.`,
      );
    const raw = Buffer.from(pattern.exec(original)[1], "base64");
    const packed = brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    source = source.replace(pattern, () => `const ${name} = unpack("${packed.toString("base64")}");`);
  }
  return `// Written by scripts/compressed-vocabulary.mjs while the actions are bundled; see there.
import { brotliDecompressSync } from "node:zlib";
const unpack = (packed) => brotliDecompressSync(Buffer.from(packed, "base64")).toString("base64");
${source}`;
}

/** Runs `build` with the stand-in in place, and removes it after, whatever happens. */
export async function withCompressedVocabulary(root, build) {
  const pkg = join(root, "node_modules", "llama-tokenizer-js");
  const dir = join(root, "action-dataset", "node_modules", "llama-tokenizer-js");
  if (existsSync(dir)) throw new Error(`${dir} exists: remove it (a stand-in left by an interrupted build?)`);
  const meta = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  const modules = join(root, "action-dataset", "node_modules");
  const made = !existsSync(modules);
  mkdirSync(dir, { recursive: true });
  try {
    // The package's own package.json, so the licence ncc writes into licenses.txt stays the package's.
    const { name, version, license, author, repository } = meta;
    const standIn = { name, version, license, author, repository, type: "module", main: "index.js" };
    writeFileSync(join(dir, "package.json"), JSON.stringify(standIn));
    for (const f of readdirSync(pkg).filter((n) => /^licen[cs]e/i.test(n))) copyFileSync(join(pkg, f), join(dir, f));
    writeFileSync(join(dir, "index.js"), compressedSource(readFileSync(join(pkg, meta.main), "utf8")));
    return await build();
  } finally {
    rmSync(made ? modules : dir, { recursive: true, force: true });
  }
}
