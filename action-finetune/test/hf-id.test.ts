import { huggingFaceIdProblem } from "../src/hf-id.js";

describe("Hugging Face ids by huggingface_hub's validate_repo_id rules", () => {
  it.each(["microsoft/Phi-3-mini-4k-instruct", "gpt2", "Foo-BAR_foo.bar123", "_org/_name_", `a/${"x".repeat(96)}`])(
    "accepts %s",
    (id) => expect(huggingFaceIdProblem(id)).toBeUndefined(),
  );
  it.each([
    ["datasets/foo/bar", "more than one"],
    [".repo_id", "start or end"],
    ["microsoft/Phi-3..mini-", "start or end"],
    ["foo--bar", '"--" or ".."'],
    ["other..repo", '"--" or ".."'],
    ["foo.git", '".git"'],
    ["café/model", "ASCII"],
    [`a/${"x".repeat(97)}`, "at most 96"],
    ["a/", "ASCII"],
  ])("refuses %s", (id, why) => expect(huggingFaceIdProblem(id)).toContain(why));
});
