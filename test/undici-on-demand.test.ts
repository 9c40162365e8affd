import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
// @ts-expect-error: a plain .mjs build helper
import { standInSource, withUndiciOnDemand } from "../scripts/undici-on-demand.mjs";
import { REPO_ROOT } from "./harness/paths.js";

const require = createRequire(import.meta.url);

describe("the undici stand-in used while bundling (scripts/undici-on-demand.mjs)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "undici-on-demand-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("makes undici's own ProxyAgent, loading undici only then", () => {
    const realPath = require.resolve("undici", { paths: [REPO_ROOT] });
    const real = require(realPath) as { ProxyAgent: new (o: unknown) => { close(): Promise<void> } };
    writeFileSync(join(dir, "index.cjs"), standInSource(relative(dir, realPath)));
    const standIn = require(join(dir, "index.cjs")) as { ProxyAgent: new (o: unknown) => unknown };
    const agent = new standIn.ProxyAgent({ uri: "http://127.0.0.1:3128" });
    expect(agent).toBeInstanceOf(real.ProxyAgent);
    void (agent as { close(): Promise<void> }).close();
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
    const seen = await withUndiciOnDemand(dir, async () =>
      readFileSync(join(client, "node_modules", "undici", "index.js"), "utf8"),
    );
    expect(seen).toContain('require("../../../../undici")');
    expect(existsSync(join(client, "node_modules"))).toBe(false);
    await expect(withUndiciOnDemand(dir, async () => Promise.reject(new Error("ncc failed")))).rejects.toThrow(
      "ncc failed",
    );
    expect(existsSync(join(client, "node_modules"))).toBe(false);
  });

  it("refuses an @actions/http-client of another shape rather than guessing", async () => {
    fakeRoot("5.0.0");
    await expect(withUndiciOnDemand(dir, async () => "built")).rejects.toThrow(
      /@actions\/http-client 5\.0\.0 is not the shape it was written for/,
    );
  });
});
