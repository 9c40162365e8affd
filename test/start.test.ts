import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dispatchInputs } from "../scripts/local-workflow.js";
import { localSource, parseArgs, renderMarkdown } from "../scripts/start.js";
import { REPO_ROOT } from "./harness/paths.js";

describe("npm start's command line", () => {
  it("takes any number of --input name=value, and refuses anything else with the fix", () => {
    expect(parseArgs(["--input", "source=a.jsonl", "--input=epochs=2"]).inputs).toEqual({
      source: "a.jsonl",
      epochs: "2",
    });
    expect(() => parseArgs(["--source", "a"])).toThrow(/unknown argument "--source": use --input name=value/);
    expect(() => parseArgs(["--input", "epochs"])).toThrow(/write it as name=value/);
  });

  it("checks the inputs against the workflow's dispatch inputs: names, choices, booleans", () => {
    const declared = {
      source: { type: "string", default: "data/x.jsonl" },
      lora: { type: "boolean", default: true },
      lr_scheduler_type: { type: "choice", options: ["linear", "cosine"], default: "linear" },
    };
    expect(dispatchInputs(declared, { lora: "false" })).toEqual({
      source: "data/x.jsonl",
      lora: false,
      lr_scheduler_type: "linear",
    });
    expect(() => dispatchInputs(declared, { sauce: "x", lora: "yes", lr_scheduler_type: "step" })).toThrow(
      /no input "sauce"; it has: source, lora, lr_scheduler_type\n.*"lora" is a boolean.*\n.*one of linear, cosine/,
    );
  });

  it("passes a file in the checkout by its path in the checkout; copies one from elsewhere into the run", () => {
    const run = join(REPO_ROOT, ".emulator", `start-unit-${process.pid}`);
    mkdirSync(run, { recursive: true });
    expect(localSource("data/ultrachat-sample.jsonl", REPO_ROOT, run)).toEqual({
      source: "data/ultrachat-sample.jsonl",
    });
    expect(localSource("ultrachat-sample.jsonl", join(REPO_ROOT, "data"), run).source).toBe(
      "data/ultrachat-sample.jsonl",
    );
    const outside = join(mkdtempSync(join(tmpdir(), "mine-")), "mine.jsonl");
    writeFileSync(outside, "{}\n");
    const copied = localSource(outside, "/", run);
    expect(copied.source).toBe(`.emulator/start-unit-${process.pid}/data/mine.jsonl`);
    expect(copied.note).toMatch(/outside the repository: copied/);
    expect(localSource("hf://HuggingFaceH4/ultrachat_200k", "/", run)).toEqual({
      source: "hf://HuggingFaceH4/ultrachat_200k",
    });
    expect(() => localSource("nope.jsonl", REPO_ROOT, run)).toThrow(/source=nope.jsonl: there is no file/);
  });

  it("renders a summary's markdown for a terminal", () => {
    const out = renderMarkdown("## Deployed\n\n| a | b |\n|---|---|\n| [x](http://y) | 1 |\n");
    expect(out).toBe("Deployed\n========\n\na  b\nx  1\n");
  });
});
