import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import llamaTokenizer from "llama-tokenizer-js";
// @ts-expect-error: a plain .mjs build helper
import { compressedSource, withCompressedVocabulary } from "../scripts/compressed-vocabulary.mjs";
import { REPO_ROOT } from "./harness/paths.js";

type Tokenizer = typeof llamaTokenizer;
const ORIGINAL = join(REPO_ROOT, "node_modules", "llama-tokenizer-js", "llama-tokenizer.js");

describe("the compressed llama-tokenizer-js used while bundling (scripts/compressed-vocabulary.mjs)", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "compressed-vocabulary-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the same vocabulary, merges and tokens as the package, from a source under 2/3 of its size", async () => {
    const original = readFileSync(ORIGINAL, "utf8");
    const source = compressedSource(original) as string;
    expect(source.length).toBeLessThan((2 / 3) * original.length);
    writeFileSync(join(dir, "stand-in.mjs"), source);
    const standIn = ((await import(pathToFileURL(join(dir, "stand-in.mjs")).href)) as { default: Tokenizer }).default;
    expect(standIn.vocabById).toEqual(llamaTokenizer.vocabById);
    expect([...standIn.merges.entries()]).toEqual([...llamaTokenizer.merges.entries()]);
    const text = "Grüße aus Köln: 東京 🙂 and a plain English sentence with numbers 12345.";
    expect(standIn.encode(text, false, false)).toEqual(llamaTokenizer.encode(text, false, false));
  });

  it("fails on another shape of the package rather than guessing", () => {
    expect(() => compressedSource('const llama_vocab_base64 = "QUJD";\n')).toThrow(/llama_merges_binary/);
  });

  it("is in place for webpack only while the build runs, with the package's licence", async () => {
    const standIn = join(REPO_ROOT, "action-dataset", "node_modules", "llama-tokenizer-js");
    const seen = await withCompressedVocabulary(REPO_ROOT, async () => ({
      license: JSON.parse(readFileSync(join(standIn, "package.json"), "utf8")).license as string,
      compressed: readFileSync(join(standIn, "index.js"), "utf8").includes("brotliDecompressSync"),
    }));
    expect(seen).toEqual({ license: "MIT", compressed: true });
    expect(existsSync(standIn)).toBe(false);
  });
});
