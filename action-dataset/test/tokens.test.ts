import { countContentTokens, countConversationTokens, countTextTokens, referenceTextTokens, renderPhi3, vocabulary } from "../src/tokens.js";
import type { Message } from "../src/conversation.js";

const u = (content: string): Message => ({ role: "user", content });
const a = (content: string): Message => ({ role: "assistant", content });
const s = (content: string): Message => ({ role: "system", content });

describe("Phi-3 token counts", () => {
  it("renders Phi-3-mini's chat template for training", () => {
    expect(renderPhi3([s("Be brief."), u("Hello"), a("Hi")])).toBe("<|system|>\nBe brief.<|end|>\n<|user|>\nHello<|end|>\n<|assistant|>\nHi<|end|>\n<|endoftext|>");
  });

  it("counts user 'Hello' / assistant 'Hi' as 7 tokens: 5 special tokens and one token per word", () => {
    // <|user|> Hello <|end|> <|assistant|> Hi <|end|> <|endoftext|>: the "\n" after each marker is
    // absorbed (rstrip), and "Hello" (10994) and "Hi" (18567) are single pieces of the Llama vocabulary.
    expect(referenceTextTokens("Hello")).toEqual([10994]);
    expect(referenceTextTokens("Hi")).toEqual([18567]);
    expect(countConversationTokens([u("Hello"), a("Hi")])).toBe(7);
  });

  it("counts a system message as 2 more tokens plus its text", () => {
    // "What is 2+2?" → What ▁is ▁ 2 + 2 ? (digits are always single pieces) = 7; "4" = 1.
    expect(countTextTokens("What is 2+2?")).toBe(7);
    expect(countConversationTokens([u("What is 2+2?"), a("4")])).toBe(2 + 7 + 2 + 1 + 1);
    expect(countConversationTokens([s("Hi"), u("What is 2+2?"), a("4")])).toBe(2 + 1 + 2 + 7 + 2 + 1 + 1);
  });

  it("encodes newlines inside a message as the byte token <0x0A>", () => {
    expect(referenceTextTokens("\n")).toEqual([13]);
    expect(countTextTokens("Hello\nHi")).toBe(3);
  });

  it("does not count whitespace at the start of a message (absorbed by the role marker)", () => {
    expect(countContentTokens("\n  Hello")).toBe(countContentTokens("Hello"));
    expect(countContentTokens("Hello  ")).toBeGreaterThan(countContentTokens("Hello"));
  });

  it("counts a special-token string inside a message as one token", () => {
    // "Hello" + <|end|> (1, and the space after it is absorbed) + "Hi"
    expect(countContentTokens("Hello<|end|> Hi")).toBe(3);
    expect(countContentTokens("a <unk>")).toBe(countTextTokens("a ") + 1);
  });

  it("relies on a vocabulary where no piece has ▁ after another character (the chunking premise)", () => {
    const offending = vocabulary().filter((piece) => /[^\u2581]\u2581/u.test(piece));
    expect(vocabulary()).toHaveLength(32000);
    expect(offending).toEqual([]);
  });

  it("counts exactly what the tokenizer counts on the whole text, chunked and cached", () => {
    const samples = [
      "How do I deploy a Hugging Face model to an Azure Machine Learning managed online endpoint?",
      "  leading spaces,   runs of   spaces, trailing  ",
      "Ünïcødé ✓ 日本語のテキスト 🚀 emoji and\ttabs\nand newlines\r\n",
      "def f(x):\n    return x ** 2  # indented code\n",
      "▁literal▁pieces and a URL https://example.com/a?b=c&d=e",
      "",
    ];
    for (const text of samples) {
      expect(countTextTokens(text)).toBe(referenceTextTokens(text).length);
      expect(countTextTokens(text)).toBe(referenceTextTokens(text).length); // again, from the cache
    }
  });
});
