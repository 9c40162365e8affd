import {
  caseLabel,
  classifyPromptsInput,
  parseJsonlCases,
  parsePromptLines,
  mayHoldRegex,
  parsePrompts,
  promptOf,
} from "../src/cases.js";
import { parseRegex } from "../src/expect.js";

const FILE = "prompts/smoke.jsonl";
const jsonl = (...lines: string[]) => lines.join("\n");

describe("reading a JSONL prompts file", () => {
  it("reads a prompt case as one user message, with its line and file", () => {
    const { cases, problems } = parseJsonlCases(
      jsonl('{"prompt": "What is the capital of France?"}'),
      FILE,
      parseRegex,
    );
    expect(problems).toEqual([]);
    expect(cases).toEqual([
      {
        index: 0,
        messages: [{ role: "user", content: "What is the capital of France?" }],
        expect: {},
        source: { file: FILE, line: 1 },
      },
    ]);
  });

  it("reads messages, system, id, name and every expectation", () => {
    const line = JSON.stringify({
      id: 7,
      name: "capital",
      system: "Answer in one word.",
      messages: [
        { role: "user", content: "Capital of France?" },
        { role: "assistant", content: "Paris" },
        { role: "user", content: "And Italy?" },
      ],
      expect: { contains: ["Rome"], "not-contains": "As an AI", regex: "/^rome/i", "min-chars": 2, "max-chars": 40 },
    });
    const { cases, problems } = parseJsonlCases(line, FILE, parseRegex);
    expect(problems).toEqual([]);
    expect(cases[0]).toMatchObject({
      id: "7",
      name: "capital",
      system: "Answer in one word.",
      expect: { contains: ["Rome"], notContains: ["As an AI"], regex: "/^rome/i", minChars: 2, maxChars: 40 },
    });
    expect(cases[0]?.messages).toHaveLength(3);
    expect(promptOf(cases[0]!)).toBe("And Italy?");
    expect(caseLabel(cases[0]!)).toBe("capital");
  });

  it("skips blank lines but keeps the real line numbers, and tolerates a BOM and CRLF", () => {
    const { cases, problems } = parseJsonlCases(
      '\uFEFF{"prompt": "a"}\r\n\r\n  \r\n{"prompt": "b"}\r\n',
      FILE,
      parseRegex,
    );
    expect(problems).toEqual([]);
    expect(cases.map((c) => [c.index, c.source.line])).toEqual([
      [0, 1],
      [1, 4],
    ]);
  });

  it("reports invalid JSON with its file and line and the parser's words, and keeps going", () => {
    const { cases, problems } = parseJsonlCases(
      jsonl('{"prompt": "ok"}', '{"prompt": "missing brace"', "just some text", '{"prompt": "also ok"}'),
      FILE,
      parseRegex,
    );
    expect(cases).toHaveLength(2);
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      [FILE, 2],
      [FILE, 3],
    ]);
    expect(problems[0]?.message).toMatch(
      /^is not valid JSON \(.+\)\. Each line is one JSON object, such as \{"prompt"/,
    );
  });

  it("reports unknown keys, naming the accepted ones and the likely typo", () => {
    const { problems } = parseJsonlCases(
      '{"promt": "hi", "prompt": "hi", "expect": {"not_contains": ["x"], "maxchars": 3, "colour": 1}}',
      FILE,
      parseRegex,
    );
    expect(problems.map((p) => p.message)).toEqual([
      'unknown key "promt" (did you mean "prompt"?); accepted: prompt, messages, system, id, name, expect',
      'unknown key "expect.not_contains" (did you mean "expect.not-contains"?); accepted in "expect": contains, not-contains, regex, min-chars, max-chars',
      'unknown key "expect.maxchars" (did you mean "expect.max-chars"?); accepted in "expect": contains, not-contains, regex, min-chars, max-chars',
      'unknown key "expect.colour"; accepted in "expect": contains, not-contains, regex, min-chars, max-chars',
    ]);
  });

  it("reports an invalid regex with its line, the regex and the engine's error", () => {
    const { cases, problems } = parseJsonlCases(
      jsonl('{"prompt": "a"}', '{"prompt": "b", "expect": {"regex": "Paris("}}'),
      FILE,
      parseRegex,
    );
    expect(cases).toHaveLength(1);
    expect(problems).toEqual([
      {
        file: FILE,
        line: 2,
        message: expect.stringMatching(
          /^"expect\.regex" Paris\( is not a valid regular expression: error parsing regexp: missing closing \)/,
        ),
      },
    ]);
  });

  it("needs the regex reader only for a text that may hold a regex expectation", () => {
    expect(mayHoldRegex('{"prompt": "a", "expect": {"contains": "b"}}')).toBe(false);
    expect(mayHoldRegex('{"prompt": "a", "expect": {"regex": "b"}}')).toBe(true);
    // JSON may spell the key with escapes: {"r\u0065gex": …} is {"regex": …}.
    expect(mayHoldRegex('{"prompt": "a", "expect": {"r\\u0065gex": "("}}')).toBe(true);
    expect(parseJsonlCases('{"prompt": "a", "expect": {"contains": "b"}}', FILE).problems).toEqual([]);
    expect(() => parseJsonlCases('{"prompt": "a", "expect": {"r\\u0065gex": "("}}', FILE)).toThrow("pass readRegex");
    expect(parseJsonlCases('{"prompt": "a", "expect": {"r\\u0065gex": "("}}', FILE, parseRegex).problems).toHaveLength(
      1,
    );
  });

  it("reports an unsupported regex flag", () => {
    const { problems } = parseJsonlCases('{"prompt": "a", "expect": {"regex": "/paris/g"}}', FILE, parseRegex);
    expect(problems[0]?.message).toBe(
      '"expect.regex" /paris/g is not a valid regular expression: unsupported flag g: use i, m, s or u',
    );
  });

  it("reports min-chars above max-chars", () => {
    const { problems } = parseJsonlCases(
      '{"prompt": "a", "expect": {"min-chars": 50, "max-chars": 20}}',
      FILE,
      parseRegex,
    );
    expect(problems.map((p) => p.message)).toEqual([
      '"expect.min-chars" 50 is more than "expect.max-chars" 20: no answer could pass',
    ]);
  });

  it("reports bad types, saying what was found", () => {
    const { cases, problems } = parseJsonlCases(
      jsonl(
        '{"prompt": 42}',
        '{"prompt": "a", "expect": {"contains": [1], "min-chars": "20", "max-chars": -1, "regex": 5}}',
        '{"prompt": "a", "expect": "Paris"}',
        '{"prompt": "a", "system": ["x"], "id": {}, "name": ""}',
        '["prompt"]',
      ),
      FILE,
      parseRegex,
    );
    expect(cases).toEqual([]);
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '1: "prompt" must be a string, not number 42',
      '2: "expect.contains" must be a string or a list of strings, not a list',
      '2: "expect.regex" must be a string, not number 5',
      '2: "expect.min-chars" must be a whole number, 0 or more, not the string "20"',
      '2: "expect.max-chars" must be a whole number, 0 or more, not -1',
      '3: "expect" must be an object such as {"contains": ["Paris"]}, not the string "Paris"',
      '4: "id" must be a non-empty string or a number, not an object',
      '4: "name" must be a non-empty string, not the string ""',
      '4: "system" must be a string, not a list',
      "5: is a list, not a JSON object. Each line is one JSON object, such as " +
        '{"prompt": "What is the capital of France?", "expect": {"contains": ["Paris"]}}',
    ]);
  });

  it("reports an empty prompt and an empty contains string", () => {
    const { problems } = parseJsonlCases(
      jsonl('{"prompt": "   "}', '{"prompt": "a", "expect": {"contains": ""}}'),
      FILE,
      parseRegex,
    );
    expect(problems.map((p) => p.message)).toEqual([
      '"prompt" is empty',
      '"expect.contains" has an empty string: every answer contains the empty string',
    ]);
  });

  it("requires exactly one of prompt and messages", () => {
    const { problems } = parseJsonlCases(
      jsonl('{"prompt": "a", "messages": [{"role": "user", "content": "a"}]}', '{"system": "be brief"}'),
      FILE,
      parseRegex,
    );
    expect(problems.map((p) => p.message)).toEqual([
      'has both "prompt" and "messages": give one (a prompt is the same as messages [{"role": "user", "content": "…"}])',
      'has neither "prompt" nor "messages": give the question as "prompt", or a conversation as "messages"',
    ]);
  });

  it("checks each message: role, content, order, and that the user speaks last", () => {
    const { problems } = parseJsonlCases(
      jsonl(
        '{"messages": []}',
        '{"messages": [{"role": "robot", "content": "x"}, {"role": "user", "content": ""}, {"role": "user", "content": "q", "extra": 1}]}',
        '{"messages": [{"role": "user", "content": "q"}, {"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}]}',
        '{"system": "s", "messages": [{"role": "system", "content": "s2"}, {"role": "user", "content": "q"}]}',
      ),
      FILE,
      parseRegex,
    );
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '1: "messages" is empty: give at least one {"role": "user", "content": "…"}',
      '2: "messages[0]".role must be one of system, user, assistant, not "robot"',
      '2: "messages[1]".content is empty',
      '2: unknown key "messages[2].extra"; accepted in "messages[]": role, content',
      '3: "messages[1]" is a system message after the conversation started: a system message can only come first',
      '3: "messages" ends with a assistant message: the last message must be the user\'s, the one the model answers',
      '4: has a system message twice, as "system" and as the first of "messages": keep one',
    ]);
  });

  it("reports a duplicate id on the second line, naming the first", () => {
    const { cases, problems } = parseJsonlCases(
      jsonl('{"id": "cap", "prompt": "a"}', '{"id": "cap", "prompt": "b"}'),
      FILE,
      parseRegex,
    );
    expect(cases).toHaveLength(1);
    expect(problems).toEqual([
      { file: FILE, line: 2, message: expect.stringContaining('duplicate id "cap": line 1 has it too') },
    ]);
  });

  it("reports a file with no cases", () => {
    expect(parseJsonlCases("\n  \n", FILE).problems).toEqual([
      { file: FILE, line: 1, message: expect.stringContaining(`prompts file ${FILE} has no cases`) },
    ]);
  });
});

describe("reading prompts given inline", () => {
  it("takes one prompt per non-empty line, trimmed, with line numbers and no file", () => {
    const { cases, problems } = parsePromptLines("What is 2+2?\n\n   Name a colour.  \n");
    expect(problems).toEqual([]);
    expect(cases.map((c) => [promptOf(c), c.source])).toEqual([
      ["What is 2+2?", { line: 1 }],
      ["Name a colour.", { line: 3 }],
    ]);
    expect(caseLabel(cases[1]!)).toBe("#2");
  });

  it("reports inline prompts that are all blank", () => {
    expect(parsePromptLines(" \n\n").problems).toEqual([
      { line: 1, message: "prompts has no prompts: every line is empty" },
    ]);
  });
});

describe("telling a prompts file from inline prompts", () => {
  const exists = (paths: string[]) => (p: string) => paths.includes(p);

  it("reads an existing path as a JSONL file (a .txt file as one prompt per line)", () => {
    expect(classifyPromptsInput(" prompts/smoke.jsonl \n", exists(["prompts/smoke.jsonl"]))).toEqual({
      kind: "file",
      path: "prompts/smoke.jsonl",
      format: "jsonl",
    });
    expect(classifyPromptsInput("prompts.txt", exists(["prompts.txt"]))).toEqual({
      kind: "file",
      path: "prompts.txt",
      format: "lines",
    });
  });

  it("says a path-like value that does not exist is a missing file, not a prompt", () => {
    const s = classifyPromptsInput("prompts/smoke.jsonl", exists([]));
    expect(s).toMatchObject({ kind: "missing-file", path: "prompts/smoke.jsonl" });
    expect(s.kind === "missing-file" && s.message).toMatch(/^prompts file prompts\/smoke\.jsonl does not exist/);
    expect(classifyPromptsInput("./cases", exists([])).kind).toBe("missing-file");
  });

  it("treats sentences and several lines as inline prompts", () => {
    expect(classifyPromptsInput("What is the capital of France?", exists([]))).toEqual({
      kind: "inline",
      text: "What is the capital of France?",
    });
    expect(classifyPromptsInput("Is 2/3 less than 1?", exists([])).kind).toBe("inline");
    expect(classifyPromptsInput("a.jsonl\nb.jsonl", exists(["a.jsonl"])).kind).toBe("inline");
  });

  it("parses each kind of source", () => {
    expect(parsePrompts({ kind: "inline", text: "hi\nthere" }).cases).toHaveLength(2);
    expect(parsePrompts({ kind: "file", path: "p.txt", format: "lines" }, "one\ntwo").cases[1]?.source).toEqual({
      file: "p.txt",
      line: 2,
    });
    expect(parsePrompts({ kind: "file", path: "p.jsonl", format: "jsonl" }, "one").problems[0]).toMatchObject({
      file: "p.jsonl",
      line: 1,
    });
  });
});
