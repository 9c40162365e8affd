// Compiles the AssemblyScript of action-dataset/assembly/ to WebAssembly and writes each module, base64,
// into a TypeScript module next to the code that loads it (action-dataset/src/*-wasm.ts), so that the
// bundle, the token-counting worker started from it, and the tests all get it without reading a file.
// These are committed like dist/; `--check` compiles afresh and fails when a committed one differs.
// Run by scripts/build.mjs before bundling (and by `npm run build:wasm`).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "./actions.mjs";

const MODULES = [
  {
    source: "action-dataset/assembly/line-tokens.ts",
    target: "action-dataset/src/line-tokens-wasm.ts",
    name: "LINE_TOKENS_WASM",
  },
  {
    source: "action-dataset/assembly/json-escape.ts",
    target: "action-dataset/src/json-escape-wasm.ts",
    name: "JSON_ESCAPE_WASM",
  },
];
const ASC = join(ROOT, "node_modules", "assemblyscript", "bin", "asc.js");

/** The TypeScript module for the compiled bytes. */
function moduleSource({ source, name }, wasm) {
  const base64 = wasm.toString("base64");
  const lines = base64.match(/.{1,120}/g) ?? [];
  return `// Written by scripts/build-wasm.mjs from ${source}: do not edit (run \`npm run build:wasm\`).
/** The compiled WebAssembly (${wasm.length} bytes), base64. */
export const ${name} =
${lines.map((l) => `  "${l}"`).join(" +\n")};
`;
}

/** Compiles one module's AssemblyScript; returns the TypeScript source it makes. */
export function compileWasm(module) {
  const dir = mkdtempSync(join(tmpdir(), "wasm-"));
  try {
    const out = join(dir, "module.wasm");
    execFileSync(
      process.execPath,
      [ASC, module.source, "-O3", "--runtime", "stub", "--noAssert", "--enable", "simd", "--outFile", out],
      { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
    );
    return moduleSource(module, readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the modules, or with check: true lists those whose committed file is not what the source compiles to. */
export function buildWasm({ check = false } = {}) {
  const stale = [];
  for (const module of MODULES) {
    const source = compileWasm(module);
    const target = join(ROOT, module.target);
    if (!check) writeFileSync(target, source);
    else if (!existsSync(target) || readFileSync(target, "utf8") !== source) stale.push(module.target);
  }
  return stale;
}

if (process.argv[1] && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1])) {
  const check = process.argv.includes("--check");
  const stale = buildWasm({ check });
  for (const target of stale) console.error(`${target} is stale: run \`npm run build:wasm\` and commit it`);
  if (stale.length) process.exit(1);
  console.log(check ? "the WebAssembly modules are up to date" : `wrote ${MODULES.map((m) => m.target).join(", ")}`);
}
