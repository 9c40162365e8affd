// @actions/core 3 imports @actions/http-client 4, which imports undici at its top only to offer a
// ProxyAgent (getAgentDispatcher, which @actions/core never calls). Evaluating undici is most of every
// action's start-up: a bundle of @actions/core alone takes ~2.5× bare Node to print a line. While the
// actions are bundled, build.mjs puts this stand-in where webpack looks first for that import
// (node_modules/@actions/http-client/node_modules/undici): the same ProxyAgent, whose first construction
// loads the real undici. The bundle still holds undici; it is evaluated on demand instead of at start.
// Nothing else changes: @actions/github keeps its own http-client and undici, loaded with it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The stand-in's source: `real` is the path of the real undici, relative to the stand-in's folder. */
export function standInSource(real) {
  return `"use strict";
// Written by scripts/undici-on-demand.mjs while the actions are bundled; see there.
let undici;
class ProxyAgent {
  constructor(...args) {
    undici ??= require(${JSON.stringify(real)});
    // A constructor that returns an object makes \`new\` give that object: undici's own agent.
    return new undici.ProxyAgent(...args);
  }
}
module.exports = { ProxyAgent };
`;
}

/** Runs `build` with the stand-in in place, and removes it after, whatever happens. */
export async function withUndiciOnDemand(root, build) {
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
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "undici", version: "0.0.0-on-demand", main: "index.js", private: true }),
    );
    const path = relative(dir, realUndici);
    writeFileSync(join(dir, "index.js"), standInSource(path.startsWith(".") ? path : `./${path}`));
    return await build();
  } finally {
    rmSync(join(client, "node_modules"), { recursive: true, force: true });
  }
}
