import { bpeTokenCount, irregularMerges } from "../src/bpe.js";
import {
  countContentTokens,
  countConversationTokens,
  countTextTokens,
  referenceTextTokens,
  renderPhi3,
  vocabulary,
} from "../src/tokens.js";
import { countLines } from "../src/line-tokens.js";
import { toJsonLine } from "../src/conversation.js";
import type { Message } from "../src/conversation.js";

/** Deterministic pseudo-random text over an alphabet that reaches the byte fallback, surrogate pairs and lone surrogates. */
function randomTexts(count: number, maxLength: number, seed = 1): string[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const alphabet = [
    ..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789      .,;:!?'\"()-_/\n\t",
    "é",
    "ü",
    "ß",
    "ñ",
    "—",
    "“",
    "”",
    "→",
    "€",
    "日",
    "本",
    "語",
    "中",
    "文",
    "П",
    "р",
    "и",
    "🚀",
    "😀",
    "\u2581",
    "\ud800",
    "\u0000",
    "\u00ad",
    "ǅ",
    "ﬁ",
  ];
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
    expect(renderPhi3([s("Be brief."), u("Hello"), a("Hi")])).toBe(
      "<|system|>\nBe brief.<|end|>\n<|user|>\nHello<|end|>\n<|assistant|>\nHi<|end|>\n<|endoftext|>",
    );
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
    const words = [
      "the",
      "▁the",
      "Tokenization",
      "supercalifragilisticexpialidocious",
      "Ünïcødé",
      "日本語のテキスト",
      "🚀🚀",
      "a,b",
      "123456",
      " x",
      "  ",
    ];
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

  /** Conversations as output lines in one batch, the way prepare hands them to the counter. */
  const asLines = (conversations: Message[][]): { bytes: Uint8Array; ends: Uint32Array } => {
    const lines = conversations.map((c) => Buffer.from(toJsonLine(c), "utf8"));
    let end = 0;
    return { bytes: Buffer.concat(lines), ends: Uint32Array.from(lines, (l) => (end += l.length)) };
  };
  const countedAsLines = (conversations: Message[][]): number[] => {
    const { bytes, ends } = asLines(conversations);
    return [...countLines(bytes, ends)];
  };

  it("counts output lines (the WebAssembly path) exactly as it counts their conversations", () => {
    const contents = [
      "Hello",
      "What is 2+2?",
      "x <|end|> y",
      "Ünïcødé ✓ 🚀 日本語のテキスト",
      'quotes " and \\ backslashes \\" and\ttabs\nand\r\nnewlines\u0001\u001f',
      "a lone surrogate \ud800 and a pair 😀",
      "▁literal▁pieces",
      "trailing spaces   ",
      "runs   of    spaces",
      "paragraphs.\n\nJoined\n\nby\n\nnewlines.\n\n1. and\n2. lists",
      "a".repeat(23) +
        " " +
        "b".repeat(24) +
        " " +
        "c".repeat(25) +
        " " +
        "d".repeat(56) +
        " " +
        "e".repeat(57) +
        " " +
        "é".repeat(40),
      // Whitespace (or what may be) at the start, absorbed by the role marker: each lead byte the module hands over.
      " leading space",
      "\nleading newline",
      "\u000bvertical tab",
      '"quoted at the start"',
      "\u00a0no-break space",
      "\u0085next line",
      "\u1680ogham space",
      "\u2003em space",
      "“curly quotes” at the start",
      "\u3000ideographic space",
      "<|user|> a special token first",
      "\u2581 a literal ▁ first",
      // "<" that begins no special token stays in the module; one that may, goes to the string path.
      "<div>html</div> and a < b, a <= b, <br/>",
      "x <s> y </s> z <unk> w",
      "<|not a special token|> and <|end|> one",
      "<u <un <unk <s </ </s",
      // Whitespace at the start of every kind, mixed, then text; and whitespace only.
      "\n\n  \t\u3000\u2003\u00a0\u000b\f\r\u2028\u2029\u202f\u205f\u1680\u0085 mixed whitespace first",
      "\u2003\u2009 spaces of other widths, then \u2581",
      "   ",
      "\n",
      "\b a backspace is not whitespace",
      "\u001c a file separator is not whitespace either",
      "日本語「引用」。、テキスト",
      "\u2010 a hyphen (U+2010) is not whitespace",
      "“curly” “quotes” — and … dashes",
    ];
    const conversations: Message[][] = contents.map((c, i) => (i % 3 === 0 ? [s(c), u(c), a(c)] : [u(c), a(c)]));
    expect(countedAsLines(conversations)).toEqual(conversations.map(countConversationTokens));
  });

  it("counts random text on both paths alike, across cache evictions and chunks of every length", () => {
    const texts = [...randomTexts(3000, 60, 11), ...randomTexts(200, 400, 12)];
    const conversations: Message[][] = [];
    for (let i = 0; i + 1 < texts.length; i += 2) conversations.push([u(texts[i]!), a(texts[i + 1]!)]);
    const expected = conversations.map(countConversationTokens);
    expect(countedAsLines(conversations)).toEqual(expected);
    expect(countedAsLines(conversations)).toEqual(expected); // again, from the caches
  });

  it("counts a line too long for the module's memory on the string path, between others", () => {
    const long = "word ".repeat(2_000_000); // 10 MB
    const conversations: Message[][] = [
      [u("before"), a("ok")],
      [u("long?"), a(long)],
      [u("after"), a("ok")],
    ];
    expect(countedAsLines(conversations)).toEqual(conversations.map(countConversationTokens));
  });

  it("refuses bytes that are not an output line", () => {
    const bytes = Buffer.from('{"messages":[{"role":"user","content":"hi"}],"extra":1}');
    expect(() => countLines(bytes, Uint32Array.of(bytes.length))).toThrow(/not an output line/);
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
