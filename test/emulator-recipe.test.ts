import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { actionCommand, inputVariable, recipe, shellQuote } from "../scripts/emulator-recipe.js";

describe("npm run emulator's recipe for running one action", () => {
  it("names inputs as the runner does, hyphens kept", () => {
    expect(inputVariable("max-tokens")).toBe("INPUT_MAX-TOKENS");
    expect(inputVariable("source")).toBe("INPUT_SOURCE");
  });

  it("sets them with env, which takes names `export` refuses, and quotes values for the shell", () => {
    const text = recipe({ AZURE_CLIENT_ID: "c'lient" });
    expect(text).toContain("'INPUT_MAX-TOKENS=4096' \\");
    expect(text).toContain(`'AZURE_CLIENT_ID=c'\\''lient' \\`);
    expect(text).toContain("node action-dataset/dist/index.js");
    expect(text).not.toMatch(/export INPUT_/);
    expect(shellQuote("a b")).toBe("'a b'");
  });

  it("is a command a shell runs as written: the action sees its inputs", async () => {
    const run = mkdtempSync(join(tmpdir(), "recipe-"));
    const command = actionCommand({ RUN: run }, "x", { "max-tokens": "7" }).replace(
      "node x/dist/index.js",
      `node -e 'require("fs").writeFileSync(process.env.RUN + "/seen", process.env["INPUT_MAX-TOKENS"] + " " + process.env.GITHUB_OUTPUT)'`,
    );
    await promisify(execFile)("bash", ["-c", `RUN=${run}; ${command}`]);
    expect(readFileSync(join(run, "seen"), "utf8")).toBe(`7 ${run}/output`);
  });
});
