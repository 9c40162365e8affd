import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
// @ts-expect-error: a plain .mjs build helper
import { needsUndici, standInSource, UNDICI_FILE, withUndiciOnDemand } from "../scripts/undici-on-demand.mjs";
import { REPO_ROOT } from "./harness/paths.js";

const require = createRequire(import.meta.url);

describe("the undici stand-in used while bundling (scripts/undici-on-demand.mjs)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "undici-on-demand-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("makes undici's own ProxyAgent from the file beside the bundle, loading it only then", () => {
    const realPath = require.resolve("undici", { paths: [REPO_ROOT] });
    writeFileSync(join(dir, "index.mjs"), standInSource());
    // The file the build puts beside a bundle, here the installed undici, noting when it is loaded.
    writeFileSync(
      join(dir, UNDICI_FILE),
      `globalThis.undiciLoaded = true;\nmodule.exports = require(${JSON.stringify(realPath)});\n`,
    );
    const script = `
      const { ProxyAgent } = await import(${JSON.stringify(pathToFileURL(join(dir, "index.mjs")).href)});
      const before = globalThis.undiciLoaded === true;
      const agent = new ProxyAgent({ uri: "http://127.0.0.1:3128" });
      const real = (await import("node:module")).createRequire(import.meta.url)(${JSON.stringify(realPath)});
      console.log(JSON.stringify({ before, after: globalThis.undiciLoaded === true, real: agent instanceof real.ProxyAgent }));
      await agent.close();
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });
    expect(JSON.parse(out)).toEqual({ before: false, after: true, real: true });
  });

  it("is needed by a bundle folder whose code holds the stand-in, and only by one", () => {
    writeFileSync(join(dir, "index.js"), "console.log(1)");
    expect(needsUndici(dir)).toBe(false);
    writeFileSync(join(dir, "42.index.js"), standInSource());
    expect(needsUndici(dir)).toBe(true);
  });

  /** Stands for ncc bundling undici alone: writes what the build copies beside each bundle. */
  async function bundleUndici(_entry: string, out: string): Promise<void> {
    writeFileSync(join(out, "index.js"), "module.exports = { bundled: true };\n");
    writeFileSync(join(out, "licenses.txt"), "undici\nMIT\n");
  }

  it("puts undici beside a bundle that holds the stand-in, with its license, and beside no other", async () => {
    fakeRoot("4.0.1");
    const [withIt, without] = [join(dir, "a"), join(dir, "b")];
    for (const d of [withIt, without]) {
      mkdirSync(d);
      writeFileSync(join(d, "licenses.txt"), "tunnel\nMIT\n");
    }
    writeFileSync(join(withIt, "index.js"), standInSource());
    writeFileSync(join(without, "index.js"), "console.log(1)");
    await withUndiciOnDemand(dir, bundleUndici, async (placeBeside: (d: string) => Promise<void>) => {
      await placeBeside(withIt);
      await placeBeside(without);
    });
    expect(readFileSync(join(withIt, UNDICI_FILE), "utf8")).toBe("module.exports = { bundled: true };\n");
    expect(readFileSync(join(withIt, "licenses.txt"), "utf8")).toBe("tunnel\nMIT\n\n\nundici\nMIT\n");
    expect(existsSync(join(without, UNDICI_FILE))).toBe(false);
    expect(readFileSync(join(without, "licenses.txt"), "utf8")).toBe("tunnel\nMIT\n");
  });

  function fakeRoot(version: string, source = "import { ProxyAgent } from 'undici';\n"): string {
    const client = join(dir, "node_modules", "@actions", "http-client");
    mkdirSync(join(client, "lib"), { recursive: true });
    writeFileSync(join(client, "package.json"), JSON.stringify({ name: "@actions/http-client", version }));
    writeFileSync(join(client, "lib", "index.js"), source);
    mkdirSync(join(dir, "node_modules", "undici"), { recursive: true });
    return client;
  }

  it("is in place while the build runs and gone after, also when the build fails", async () => {
    const client = fakeRoot("4.0.1");
    const seen = await withUndiciOnDemand(dir, bundleUndici, async () =>
      readFileSync(join(client, "node_modules", "undici", "index.js"), "utf8"),
    );
    expect(seen).toBe(standInSource());
    expect(existsSync(join(client, "node_modules"))).toBe(false);
    await expect(
      withUndiciOnDemand(dir, bundleUndici, async () => Promise.reject(new Error("ncc failed"))),
    ).rejects.toThrow("ncc failed");
    expect(existsSync(join(client, "node_modules"))).toBe(false);
  });

  it("refuses an @actions/http-client of another shape rather than guessing", async () => {
    fakeRoot("5.0.0");
    await expect(withUndiciOnDemand(dir, bundleUndici, async () => "built")).rejects.toThrow(
      /@actions\/http-client 5\.0\.0 is not the shape it was written for/,
    );
  });
});
