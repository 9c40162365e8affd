import { bpeTokenCount, irregularMerges } from "../src/bpe.js";
import { countContentTokens, countContentsTokens, countConversationTokens, countTextTokens, referenceTextTokens, renderPhi3, vocabulary } from "../src/tokens.js";
import { countBatch } from "../src/token-worker.js";
import type { Message } from "../src/conversation.js";

/** Deterministic pseudo-random text over an alphabet that reaches the byte fallback, surrogate pairs and lone surrogates. */
function randomTexts(count: number, maxLength: number, seed = 1): string[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const alphabet = [..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789      .,;:!?'\"()-_/\n\t", "é", "ü", "ß", "ñ", "—", "“", "”", "→", "€", "日", "本", "語", "中", "文", "П", "р", "и", "🚀", "😀", "\u2581", "\ud800", "\u0000", "\u00ad", "ǅ", "ﬁ"];
  return Array.from({ length: count }, () => {
    let text = "";
    const length = 1 + Math.floor(next() * maxLength);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    return text;
  });
}

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

  it("counts with its own BPE exactly what llama-tokenizer-js's encode counts", () => {
    expect(irregularMerges()).toBe(0); // every merge joins two pieces into a third: nothing for the fast BPE to miss
    const words = ["the", "▁the", "Tokenization", "supercalifragilisticexpialidocious", "Ünïcødé", "日本語のテキスト", "🚀🚀", "a,b", "123456", " x", "  "];
    for (const text of [...words, ...randomTexts(3000, 40), ...randomTexts(20, 600, 7)]) {
      expect([text, bpeTokenCount(text)]).toEqual([text, referenceTextTokens(text).length]);
    }
  });

  it("counts exactly across many distinct chunks, long chunks and cache evictions", () => {
    const text = randomTexts(4000, 30, 3).join(" ");
    const reference = referenceTextTokens(text).length;
    expect(countTextTokens(text)).toBe(reference);
    expect(countTextTokens(text)).toBe(reference); // from the cache
  });

  it("counts batches of conversations given as contents as it counts each conversation (the worker's side)", () => {
    const conversations: Message[][] = [[u("Hello"), a("Hi")], [s("Be brief."), u("What is 2+2?"), a("4")], [u("Ünïcødé ✓ 🚀"), a("x <|end|> y")]];
    const contents = conversations.flat().map((m) => m.content);
    const counts = countBatch({ contents, sizes: Uint32Array.from(conversations.map((c) => c.length)) });
    expect([...counts]).toEqual(conversations.map(countConversationTokens));
    expect(countContentsTokens(contents, 0, 2)).toBe(countConversationTokens(conversations[0]!));
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
