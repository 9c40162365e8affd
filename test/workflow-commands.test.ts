import { applyMasks, renderLog } from "../scripts/workflow-commands.js";

describe("workflow commands rendered for a terminal", () => {
  const log = [
    "::add-mask::s3cr3t-key-value",
    "::group::Checking inputs",
    "source: data/x.jsonl",
    "::endgroup::",
    "::debug::internal detail",
    "::warning title=Dataset%3A invalid record,file=data/x.jsonl,line=7::line 7: role%0Anot allowed",
    "::error::key s3cr3t-key-value rejected",
    "::notice file=a.yml::50%25 done",
    "::set-output name=x::y",
    "plain line",
  ].join("\n");

  it("shows annotations as `level: file:line: title: message`, groups as headings, masks as ***", () => {
    const out = renderLog(log);
    expect(out.split("\n")).toEqual([
      "▸ Checking inputs",
      "source: data/x.jsonl",
      "warning: data/x.jsonl:7: Dataset: invalid record: line 7: role",
      "    not allowed",
      "error: key *** rejected",
      "notice: a.yml: 50% done",
      "plain line",
    ]);
  });

  it("leaves no raw workflow command or escape on screen", () => {
    const out = renderLog(log + "\n::stop-commands::tok\n::warning::shown as text\n::tok::\n::echo::on");
    expect(out).not.toMatch(/^::/m);
    expect(out).not.toMatch(/%0A|%3A|%25/);
    expect(out).toContain(": :warning::shown as text");
  });

  it("shows debug lines when asked, and masks values another step registered", () => {
    expect(renderLog("::debug::detail", { debug: true })).toBe("debug: detail");
    expect(renderLog("token abcdefgh here", { masks: ["abcdefgh"] })).toBe("token *** here");
    expect(applyMasks("ab abc", ["ab", "abc"])).toBe("*** ***");
  });

  it("does not repeat a location the message already starts with", () => {
    expect(renderLog("::warning file=d.jsonl,line=9,title=Dataset::d.jsonl:9: empty content")).toBe(
      "warning: d.jsonl:9: Dataset: empty content",
    );
  });
});
