import { Inputs } from "../src/inputs.js";
import {
  checkTags,
  checkTagsInput,
  checkText,
  checkTextInput,
  JOB_DISPLAY_NAME,
  JOB_TAGS,
  RESOURCE_TAGS,
} from "../src/limits.js";

describe("Azure's documented limits", () => {
  it("counts a display name in UTF-16 code units, as Azure does: 5,000 emoji are 10,000", () => {
    expect(checkText(JOB_DISPLAY_NAME, "x".repeat(256))).toBeUndefined();
    expect(checkText(JOB_DISPLAY_NAME, "x".repeat(257))).toBe(
      "is 257 characters long; the job display name may have at most 256 (Azure's limit)",
    );
    expect(checkText(JOB_DISPLAY_NAME, "🚀".repeat(5000))).toMatch(/^is 10000 characters long/);
  });

  it("checks the number of tags with the ones the action adds, and each name and value", () => {
    const many = Object.fromEntries(Array.from({ length: 46 }, (_, n) => [`t${n}`, "v"]));
    const added = {
      "managed-by": "phi3-aml-actions",
      repository: "o/r",
      "created-at": "x",
      commit: "c",
      "workflow-run": "u",
    };
    expect(checkTags(JOB_TAGS, many, added)).toEqual([
      "make 51 tags with the 5 this action adds; job tags may number at most 50 (Azure's limit)",
    ]);
    expect(checkTags(JOB_TAGS, { ["k".repeat(101)]: "v", ok: "v".repeat(1001) })).toEqual([
      `has a tag name "${"k".repeat(37)}..." of 101 characters; at most 100`,
      'has a value of 1001 characters for tag "ok"; at most 1000',
    ]);
    expect(checkTags(RESOURCE_TAGS, { "a/b": "v", "c<d": "v" })).toEqual([
      'has a tag name "a/b" with /, which Azure refuses in tag names',
      'has a tag name "c<d" with <, which Azure refuses in tag names',
    ]);
    expect(checkTags(RESOURCE_TAGS, { team: "v".repeat(256) })).toEqual([]);
  });

  it("reports against the input named", () => {
    const i = new Inputs(() => "");
    checkTextInput(i, "display-name", "x".repeat(300), JOB_DISPLAY_NAME);
    checkTagsInput(i, "tags", { "k/": "v" }, RESOURCE_TAGS);
    expect(i.problems.map((p) => p.input)).toEqual(["display-name", "tags"]);
  });
});
