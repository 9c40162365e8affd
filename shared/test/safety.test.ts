import { duplicateKeys } from "../src/json-keys.js";
import { inert } from "../src/log.js";
import { dict, own } from "../src/lookup.js";
import { isOurs, notOurs, ownership } from "../src/ownership.js";
import { escapeMarkdown } from "../src/report.js";
import { redactSecrets, rememberSecret } from "../src/redact.js";

const REPO = "octo-org/phi3-demo";
const OURS = { "managed-by": "phi3-aml-actions", repository: REPO };

describe("one ownership rule", () => {
  it("ours: managed-by and this repository (case-insensitive); foreign: another repository; else unclaimed", () => {
    expect(ownership(OURS, "Octo-Org/PHI3-demo")).toEqual({ kind: "ours" });
    expect(ownership({ ...OURS, repository: "octo-org/other" }, REPO)).toEqual({
      kind: "foreign",
      owner: "octo-org/other",
    });
    expect(ownership({ repository: "octo-org/other" }, REPO).kind).toBe("foreign");
    expect(ownership({ team: "search" }, REPO).kind).toBe("unclaimed");
    expect(ownership({ "managed-by": "phi3-aml-actions" }, REPO).kind).toBe("unclaimed");
    expect(ownership(null, REPO).kind).toBe("unclaimed");
    expect(isOurs(OURS, "")).toBe(false);
    expect(notOurs({ "managed-by": "x" }, REPO)).toContain("no managed-by tag");
    expect(notOurs({ "managed-by": "phi3-aml-actions" }, REPO)).toContain("no repository tag");
  });
});

describe("one redaction rule, before escaping", () => {
  it("redacts masked values and given secrets of any length, longest first, never the empty string", () => {
    rememberSecret("a_b*c`d");
    expect(redactSecrets("key a_b*c`d and xy", ["xy", ""])).toBe("key *** and ***");
  });
  it("escapeMarkdown redacts first, so a key holding Markdown-special characters never shows escaped", () => {
    const key = "k\\`*_{}[]()#+-.!|<>~z";
    rememberSecret(key);
    const out = escapeMarkdown(`Bearer ${key}`);
    expect(out).toBe("Bearer \\*\\*\\*");
  });
});

describe("log lines never start a workflow command", () => {
  it("puts the logger's tag in front of each later line that would start with ::, after \\n, \\r or \\r\\n", () => {
    expect(inert("a\n::error::x\r  ::add-mask::y\r\n::set-output name=z::1", "[t]")).toBe(
      "a\n[t] ::error::x\r[t]   ::add-mask::y\r\n[t] ::set-output name=z::1",
    );
    expect(inert("no command: a::b\nplain", "[t]")).toBe("no command: a::b\nplain");
  });
});

describe("hostile JSON keys", () => {
  it("finds keys given twice in the same object, at any depth, and only there", () => {
    expect(duplicateKeys('{"a": 1, "b": {"a": 2, "c": [{"a": 1}, {"a": 2}]}, "a": 3}')).toEqual(["a"]);
    expect(duplicateKeys('{"x\\"y": 1, "x\\u0022y": 2}')).toEqual(['x"y']);
    expect(duplicateKeys('{"a": "a", "b": ["a", "a"]}')).toEqual([]);
  });
  it("reads lookup tables without Object.prototype", () => {
    expect(own({ a: 1 }, "constructor")).toBeUndefined();
    expect(own({ a: 1 }, "a")).toBe(1);
    const d = dict<number>();
    d.__proto__ = 1;
    expect(Object.keys(d)).toEqual(["__proto__"]);
  });
});
