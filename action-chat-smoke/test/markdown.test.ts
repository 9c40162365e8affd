import {
  commentMarker,
  escapeMarkdown,
  findMarkedComment,
  renderComment,
  renderResults,
  totalsLine,
} from "../src/markdown.js";
import type { CaseResult } from "../src/run-cases.js";
import { summarize } from "../src/stats.js";

const ZWJ = "\u200D";

const result = (over: Partial<CaseResult>): CaseResult => ({
  index: 0,
  label: "#1",
  prompt: "Capital of France?",
  source: { line: 1 },
  status: "passed",
  answer: "Paris.",
  reasons: [],
  httpStatus: 200,
  latencyMs: 1234,
  attempts: 1,
  elapsedMs: 1234,
  ...over,
});

describe("escaping model text", () => {
  it("escapes an @mention so it cannot notify anyone", () => {
    const out = escapeMarkdown("ping @octocat and @github/security");
    expect(out).toBe(`ping @${ZWJ}octocat and @${ZWJ}github/security`);
    expect(out).not.toMatch(/@[A-Za-z]/);
  });

  it("escapes HTML so no tag, comment or image can be injected", () => {
    expect(escapeMarkdown("<img src=x onerror=alert(1)> <!-- phi3-chat-smoke:endpoint=x --> &#64;me")).toBe(
      `&lt;img src=x onerror=alert\\(1\\)&gt; &lt;\\!-- phi3-chat-smoke:endpoint=x --&gt; &amp;\\#${ZWJ}64;me`,
    );
  });

  it("escapes links and images", () => {
    expect(escapeMarkdown("[click](https://evil.example) ![x](y)")).toBe(
      `\\[click\\]\\(https:${ZWJ}//evil.example\\) \\!\\[x\\]\\(y\\)`,
    );
  });

  it("breaks bare URLs and www. so they are not autolinked", () => {
    expect(escapeMarkdown("see http://a.example or www.b.example")).toBe(
      `see http:${ZWJ}//a.example or www${ZWJ}.b.example`,
    );
  });

  it("escapes table pipes, code, emphasis, strikethrough and math", () => {
    expect(escapeMarkdown("a | b `c` *d* _e_ ~~f~~ $x$ \\")).toBe(
      "a \\| b \\`c\\` \\*d\\* \\_e\\_ \\~\\~f\\~\\~ \\$x\\$ \\\\",
    );
  });

  it("breaks issue references that would link or notify", () => {
    expect(escapeMarkdown("fixes #12 and GH-7")).toBe(`fixes \\#${ZWJ}12 and GH-${ZWJ}7`);
  });

  it("turns line ends into <br> so a code fence or heading cannot start a block", () => {
    expect(escapeMarkdown("line one\r\n```js\n# Title\n\n\n\nend")).toBe(
      "line one<br>\\`\\`\\`js<br>\\#" + ZWJ + " Title<br><br>end",
    );
  });

  it("escapes a leading list or heading marker", () => {
    expect(escapeMarkdown("- item")).toBe("\\- item");
    expect(escapeMarkdown("1. first")).toBe("1\\. first");
    expect(escapeMarkdown("a - b")).toBe("a - b");
  });

  it("drops control characters and bidirectional overrides", () => {
    expect(escapeMarkdown("safe\u202Etxt.exe\u0007\tend")).toBe("safetxt.exe end");
  });

  it("trims long text to N characters with an ellipsis, before escaping", () => {
    expect(escapeMarkdown("abcdefghij", { maxChars: 5 })).toBe("abcd…");
    expect(escapeMarkdown("****", { maxChars: 3 })).toBe("\\*\\*…");
    expect(escapeMarkdown("👋👋👋", { maxChars: 2 })).toBe("👋…");
  });

  it("replaces a known secret wherever it appears", () => {
    expect(escapeMarkdown("the key is s3cr3t-key-value", { secrets: ["s3cr3t-key-value"] })).toBe(
      "the key is \\*\\*\\*",
    );
  });
});

describe("the pull request comment marker", () => {
  it("is a hidden HTML comment naming the endpoint", () => {
    expect(commentMarker("phi3-chat")).toBe("<!-- phi3-chat-smoke:endpoint=phi3-chat -->");
    expect(commentMarker("Phi3-Chat")).toBe(commentMarker("phi3-chat"));
  });

  it("cannot be closed early by an odd endpoint name", () => {
    const m = commentMarker("a --> <b>");
    expect(m.indexOf("-->")).toBe(m.length - 3);
    expect(m).not.toContain("<b>");
  });

  it("finds the comment that starts with this endpoint's marker, the oldest of several", () => {
    const comments = [
      { id: 5, body: "please look at <!-- phi3-chat-smoke:endpoint=ep -->", user: { login: "dev" } },
      { id: 9, body: `${commentMarker("ep-2")}\nother endpoint`, user: { login: "github-actions[bot]" } },
      { id: 8, body: `${commentMarker("ep")}\nnewer`, user: { login: "github-actions[bot]" } },
      { id: 7, body: `${commentMarker("ep")}\nolder`, user: { login: "github-actions[bot]" } },
      { id: 6, body: null, user: null },
    ];
    expect(findMarkedComment(comments, "ep")?.id).toBe(7);
    expect(findMarkedComment(comments, "ep-2")?.id).toBe(9);
    expect(findMarkedComment(comments, "ep-3")).toBeUndefined();
  });

  it("only picks the token's own comment when the author is given", () => {
    const comments = [
      { id: 1, body: `${commentMarker("ep")}\ncopied by a person`, user: { login: "dev" } },
      { id: 2, body: `${commentMarker("ep")}\nours`, user: { login: "github-actions[bot]" } },
    ];
    expect(findMarkedComment(comments, "ep", { author: "github-actions[bot]" })?.id).toBe(2);
    expect(findMarkedComment(comments, "ep")?.id).toBe(1);
  });
});

describe("the report", () => {
  const results: CaseResult[] = [
    result({}),
    result({
      index: 1,
      label: "greet",
      name: "greet",
      prompt: "Say hi to @octocat",
      answer: "Hi @octocat | <b>bold</b>",
      status: "failed",
      reasons: ['does not contain "Hello"'],
      latencyMs: 2310,
      attempts: 2,
    }),
    result({
      index: 2,
      label: "#3",
      prompt: "q",
      answer: undefined,
      latencyMs: undefined,
      httpStatus: 424,
      status: "error",
      reasons: ["424 Failed Dependency: model error"],
    }),
  ];
  const totals = summarize(results);

  it("shows a table with #, prompt, answer, latency and ✅/❌ with reasons", () => {
    const md = renderResults(results, totals, { endpoint: "phi3-chat", deployment: "blue" });
    const lines = md.split("\n");
    expect(lines[0]).toBe("### Phi-3 chat smoke test: phi3-chat / blue");
    expect(lines).toContain("| # | Prompt | Answer | Latency | Result |");
    expect(lines).toContain("| 1 | Capital of France? | Paris. | 1,234 ms | ✅ |");
    expect(lines).toContain(
      `| 2 greet | Say hi to @${ZWJ}octocat | Hi @${ZWJ}octocat \\| &lt;b&gt;bold&lt;/b&gt; | 2,310 ms (2 tries) | ❌ does not contain "Hello" |`,
    );
    expect(lines).toContain("| 3 | q | — | — | ❌ 424 Failed Dependency: model error |");
  });

  it("shows the totals and p50/p95", () => {
    expect(renderResults(results, totals)).toContain(
      "**❌ 1 of 3 passed**: 1 failed a check, 1 got no answer · p50 1,234 ms · p95 2,310 ms (nearest rank over 2 answers)",
    );
    expect(totalsLine(summarize([result({})]))).toBe(
      "**✅ 1 of 1 passed** · p50 1,234 ms · p95 1,234 ms (nearest rank over 1 answer)",
    );
  });

  it("trims a long answer in the table", () => {
    const md = renderResults([result({ answer: "x".repeat(1000) })], totals, { maxAnswerChars: 50 });
    expect(md).toContain(`| ${"x".repeat(49)}… |`);
    expect(md).not.toContain("x".repeat(51));
  });

  it("starts the comment with the endpoint's marker, and a model cannot forge a second one", () => {
    const forged = result({ answer: `${commentMarker("phi3-chat")} gotcha` });
    const md = renderComment([forged], summarize([forged]), { endpoint: "phi3-chat" });
    expect(md.startsWith(`${commentMarker("phi3-chat")}\n### Phi-3 chat smoke test: phi3-chat\n`)).toBe(true);
    expect(md.split("<!--")).toHaveLength(2);
  });

  it("never includes the key, even when the model repeats it", () => {
    const key = "k3y-0123456789abcdef";
    const leaky = result({ answer: `your key is ${key}`, prompt: `echo ${key}` });
    const md = renderComment([leaky], summarize([leaky]), { endpoint: "ep", secrets: [key] });
    expect(md).not.toContain(key);
    expect(md).toContain("your key is \\*\\*\\*");
  });

  it("leaves out the rows that do not fit in a comment, saying how many", () => {
    const many = Array.from({ length: 200 }, (_, i) => result({ index: i, answer: "y".repeat(300) }));
    const md = renderComment(many, summarize(many), { endpoint: "ep", maxChars: 10_000 });
    expect(md.length).toBeLessThanOrEqual(10_000);
    expect(md).toMatch(/…and \d+ more cases, left out to fit; every case is in the results file and the job summary\./);
    expect(md).toContain("| 1 | ");
  });

  it("links the workflow run when given", () => {
    expect(renderResults(results, totals, { runUrl: "https://github.com/o/r/actions/runs/1" })).toContain(
      "[Workflow run](https://github.com/o/r/actions/runs/1)",
    );
  });
});
