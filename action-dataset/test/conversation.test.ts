import type { Message } from "../src/conversation.js";
import { toConversation, toJsonLine, validateMessages } from "../src/conversation.js";
import { writeJsonLine } from "../src/json-line.js";

const u = (content: string) => ({ role: "user", content });
const a = (content: string) => ({ role: "assistant", content });
const s = (content: string) => ({ role: "system", content });

function reason(record: unknown, options = {}): string {
  const r = toConversation(record, options);
  return r.ok ? "ok" : `${r.reason}: ${r.detail}`;
}

describe("a valid conversation", () => {
  it("accepts user/assistant turns", () => {
    expect(toConversation({ messages: [u("Hi"), a("Hello!")] })).toEqual({
      ok: true,
      messages: [u("Hi"), a("Hello!")],
      keptOwnSystem: false,
    });
  });

  it("accepts a system message first, then alternating turns ending with the assistant", () => {
    expect(reason({ messages: [s("Be brief."), u("Hi"), a("Hello"), u("Bye"), a("Goodbye")] })).toBe("ok");
  });

  it("keeps only role and content of each message", () => {
    const r = toConversation({
      messages: [
        { content: "Hi", role: "user", name: "bob" },
        { role: "assistant", content: "Hello", weight: 1 },
      ],
    });
    expect(r.ok && toJsonLine(r.messages)).toBe(
      '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}',
    );
  });

  it("reads the conversation from messages-field", () => {
    expect(reason({ conversation: [u("Hi"), a("Hello")] }, { messagesField: "conversation" })).toBe("ok");
  });

  it("builds a two-turn conversation from prompt-field and response-field", () => {
    const r = toConversation(
      { question: "What is 2+2?", answer: "4", messages: "ignored" },
      { promptField: "question", responseField: "answer" },
    );
    expect(r).toEqual({ ok: true, messages: [u("What is 2+2?"), a("4")], keptOwnSystem: false });
  });

  it("prepends system-prompt to a conversation without a system message", () => {
    const r = toConversation({ messages: [u("Hi"), a("Hello")] }, { systemPrompt: "You are Phi." });
    expect(r).toEqual({ ok: true, messages: [s("You are Phi."), u("Hi"), a("Hello")], keptOwnSystem: false });
  });

  it("keeps a record's own system message instead of adding system-prompt, and says so", () => {
    const r = toConversation({ messages: [s("Own."), u("Hi"), a("Hello")] }, { systemPrompt: "You are Phi." });
    expect(r).toEqual({ ok: true, messages: [s("Own."), u("Hi"), a("Hello")], keptOwnSystem: true });
  });

  it("prepends system-prompt to prompt/response conversations too", () => {
    expect(
      toConversation({ p: "Hi", r: "Hello" }, { promptField: "p", responseField: "r", systemPrompt: "Sys" }),
    ).toMatchObject({ ok: true, messages: [s("Sys"), u("Hi"), a("Hello")] });
  });
});

describe("an invalid record", () => {
  it("rejects a record that is not an object", () => {
    expect(reason([u("Hi"), a("Hello")])).toMatch(/^not_object: the record is a list/);
    expect(reason("text")).toMatch(/^not_object: the record is a string/);
    expect(reason(null)).toMatch(/^not_object: the record is null/);
  });

  it("rejects a record without the messages field, listing the fields it has", () => {
    expect(reason({ prompt: "Hi", prompt_id: "1" })).toBe(
      'missing_field: no "messages" field (fields: prompt, prompt_id)',
    );
    expect(reason({ messages: null })).toMatch(/^missing_field/);
  });

  it("rejects a record without the prompt or response field", () => {
    expect(reason({ q: "Hi" }, { promptField: "q", responseField: "a" })).toBe(
      'missing_field: no "a" field (fields: q)',
    );
  });

  it("rejects messages that are not a list", () => {
    expect(reason({ messages: "Hi" })).toBe(
      'bad_messages: "messages" is a string, not a list of {role, content} messages',
    );
  });

  it("rejects an empty list of messages", () => {
    expect(reason({ messages: [] })).toBe('bad_messages: "messages" is an empty list');
  });

  it("rejects a message that is not an object", () => {
    expect(reason({ messages: [u("Hi"), null] })).toBe("bad_messages: message 2 is null, not a {role, content} object");
    expect(reason({ messages: [u("Hi"), "Hello"] })).toMatch(/^bad_messages: message 2 is a string/);
  });

  it("rejects a role other than system, user or assistant", () => {
    expect(reason({ messages: [{ role: "human", content: "Hi" }, a("Hello")] })).toBe(
      'bad_role: message 1 has role "human"; roles are system, user and assistant',
    );
    expect(reason({ messages: [{ role: "User", content: "Hi" }, a("Hello")] })).toMatch(
      /^bad_role: message 1 has role "User"/,
    );
    expect(reason({ messages: [{ role: "tool", content: "{}" }] })).toMatch(/^bad_role/);
  });

  it("rejects a message without a role", () => {
    expect(reason({ messages: [{ content: "Hi" }, a("Hello")] })).toBe("bad_role: message 1 has no role");
  });

  it("rejects a conversation where the assistant speaks first", () => {
    expect(reason({ messages: [a("Hello"), u("Hi"), a("Bye")] })).toMatch(
      /^bad_order: message 1: the conversation must start with the user/,
    );
  });

  it("rejects a conversation where the assistant speaks right after the system message", () => {
    expect(reason({ messages: [s("Sys"), a("Hello")] })).toMatch(
      /^bad_order: message 2: the conversation must start with the user/,
    );
  });

  it("rejects a system message that is not first", () => {
    expect(reason({ messages: [u("Hi"), s("Sys"), a("Hello")] })).toBe(
      "bad_order: message 2: a system message may only come first",
    );
    expect(reason({ messages: [s("One"), s("Two"), u("Hi"), a("Hello")] })).toMatch(
      /^bad_order: message 2: a system message/,
    );
  });

  it("rejects two user messages in a row", () => {
    expect(reason({ messages: [u("Hi"), u("Anyone?"), a("Hello")] })).toBe(
      "bad_order: message 2: two user messages in a row; user and assistant must alternate",
    );
  });

  it("rejects two assistant messages in a row", () => {
    expect(reason({ messages: [u("Hi"), a("Hello"), a("Again")] })).toMatch(
      /^bad_order: message 3: two assistant messages in a row/,
    );
  });

  it("rejects a conversation that ends with the user", () => {
    expect(reason({ messages: [u("Hi"), a("Hello"), u("Bye")] })).toBe(
      "no_final_assistant: the last message (3) is from the user; a conversation must end with the assistant's answer",
    );
  });

  it("rejects a conversation of only a system message", () => {
    expect(reason({ messages: [s("Sys")] })).toMatch(/^no_final_assistant: the last message \(1\) is from the system/);
  });

  it("rejects empty content", () => {
    expect(reason({ messages: [u("Hi"), a("")] })).toBe("empty_content: message 2 (assistant) has empty content");
  });

  it("rejects whitespace-only content as empty", () => {
    expect(reason({ messages: [u(" \n\t "), a("Hello")] })).toBe("empty_content: message 1 (user) has empty content");
  });

  it("rejects missing or null content as empty (parquet's missing struct field)", () => {
    expect(reason({ messages: [{ role: "user" }, a("Hello")] })).toMatch(/^empty_content: message 1/);
    expect(reason({ messages: [{ role: "user", content: null }, a("Hello")] })).toMatch(/^empty_content: message 1/);
  });

  it("rejects content that is not a string", () => {
    expect(reason({ messages: [u("Hi"), { role: "assistant", content: [{ type: "text", text: "Hello" }] }] })).toBe(
      "bad_content: message 2 (assistant) has content that is a list, not a string",
    );
    expect(reason({ messages: [u("Hi"), { role: "assistant", content: 42 }] })).toMatch(
      /^bad_content: message 2 \(assistant\) has content that is a number/,
    );
  });

  it("rejects an empty or non-string prompt or response", () => {
    const fields = { promptField: "p", responseField: "r" };
    expect(reason({ p: "", r: "x" }, fields)).toBe('empty_content: "p" is empty');
    expect(reason({ p: "x", r: 7 }, fields)).toBe('bad_content: "r" is a number, not a string');
  });

  it("reports the first broken rule in message order", () => {
    expect(validateMessages([a("first"), { role: "bot", content: "" }])).toMatchObject({
      ok: false,
      reason: "bad_order",
    });
  });
});

describe("the output line", () => {
  it('is exactly {"messages":[{"role","content"}…]} whatever the source\'s key order', () => {
    expect(
      toJsonLine([
        { role: "user", content: 'Say "hi"\n' },
        { role: "assistant", content: "hi ✓" },
      ]),
    ).toBe('{"messages":[{"role":"user","content":"Say \\"hi\\"\\n"},{"role":"assistant","content":"hi ✓"}]}');
  });

  /** writeJsonLine into a sink that collects the pieces, as prepare writes it into its buffer. */
  const written = (messages: Message[]): { bytes: Buffer; counted: number } => {
    const pieces: Buffer[] = [];
    const counted = writeJsonLine(messages, {
      writeText(text) {
        pieces.push(Buffer.from(text, "utf8"));
        return pieces[pieces.length - 1]!.length;
      },
      write(bytes) {
        pieces.push(Buffer.from(bytes)); // a copy: the writer reuses its buffer
      },
    });
    return { bytes: Buffer.concat(pieces), counted };
  };

  it("is written piece by piece with the very bytes of JSON.stringify, whatever the characters", () => {
    // Every kind of character JSON.stringify treats apart, and plain text around them.
    const alphabet = [
      '"',
      "\\",
      "\b",
      "\t",
      "\n",
      "\f",
      "\r",
      "\u0000",
      "\u001f",
      "\u007f",
      "\u2028",
      "/",
      "<",
      "é",
      "✓",
      "\ud83d\ude80",
      "\ud800",
      "\udfff",
      "\udc00\ud800",
      "\ufffd",
      "，",
      " ",
      "a",
      "word ",
    ];
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const messages: Message[] = [];
      for (let m = 0, n = 1 + random(4); m < n; m++) {
        let content = "";
        for (let c = 0, len = random(40); c < len; c++) content += alphabet[random(alphabet.length)];
        messages.push({ role: (["system", "user", "assistant"] as const)[random(3)]!, content });
      }
      const expected = Buffer.from(toJsonLine(messages), "utf8");
      const { bytes, counted } = written(messages);
      expect(bytes.toString("hex")).toBe(expected.toString("hex"));
      expect(counted).toBe(expected.length);
    }
  });

  it("writes long text with many escapes as JSON.stringify does, in the module and in pieces", () => {
    const piece = 'Line one.\n\n1. “Quoted” — naïve\t🚀\r\n"\\\u0001日本';
    const paragraph = piece.repeat(Math.floor(65_536 / piece.length)); // as long as the module takes
    expect(paragraph.length).toBeGreaterThan(60_000);
    for (const content of [
      paragraph, // escaped by the WebAssembly module, its memory nearly full
      "\u0001".repeat(65_536), // every byte escaped to six
      "日".repeat(65_536), // three bytes each
      paragraph + "\ud800", // a lone surrogate: in pieces
      paragraph + paragraph, // longer than the module takes: in pieces
      "short\n", // under 16 bytes: the module's last bytes one by one
      "x".repeat(15) + "\u001f" + "y".repeat(17), // an escape right at a 16-byte boundary
    ]) {
      const messages: Message[] = [
        { role: "user", content },
        { role: "assistant", content: content.slice(3) },
      ];
      const expected = Buffer.from(toJsonLine(messages), "utf8");
      const { bytes, counted } = written(messages);
      expect(bytes.equals(expected)).toBe(true);
      expect(counted).toBe(expected.length);
    }
  });
});
