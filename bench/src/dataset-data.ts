/**
 * A synthetic, ultrachat_200k-shaped JSONL file for the dataset benchmark, generated quickly and
 * deterministically (same size → same bytes) and streamed to disk.
 *
 * Each line is {"prompt", "prompt_id", "messages": [{"content", "role"}, …]} with the fields in
 * ultrachat's order; 1 to 4 user/assistant turns, short questions and long answers (paragraphs, numbered
 * lists), about 6 KB a record as in ultrachat. The text mixes common English words with ~20,000 made-up
 * ones drawn Zipf-like, so the tokenizer sees a realistic spread of known and unseen words (an
 * all-common vocabulary would make its chunk cache unrealistically warm), plus some non-ASCII text
 * (accents, CJK, Cyrillic, emoji, typographic punctuation). A few records repeat earlier conversations,
 * as real data does, so the deduplication is exercised.
 *
 * Sentences come from a pool built once: composing records from it is what makes 500 MB take seconds.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/** mulberry32: a small, fast, seedable PRNG; the output only has to be reproducible, not strong. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = (
  "the of and to a in is it that for you was with on as are be this have from or by one had not but what all were when we there can an " +
  "your which their said if do will each about how up out them then she many some so these would other into has more her two like him see " +
  "time could no make than first been its who now people my made over did down only way find use may water long little very after words called " +
  "just where most know get through back much before go good new write our used me man too any day same right look think also around another " +
  "came come work three word must because does part even place well such here take why things help put years different away again off went old " +
  "number great tell men say small every found still between name should home big give air line set own under read last never us left end along " +
  "while might next sound below saw something thought both few those always looked show large often together asked house world going want school " +
  "important until form food keep children feet land side without boy once animals life enough took sometimes four head above kind began almost " +
  "live page got earth need far hand high year mother light parts country father let night following picture being study second eyes soon times " +
  "story boys since white days ever paper hard near sentence better best across during today others however sure means knew try told young " +
  "climate energy data model training language research community economic system health policy process development support example approach " +
  "strategy provide benefits including essential significant various factors ensure impact environment technology resources management"
).split(" ");
const UNICODE = [
  "café",
  "naïve",
  "über",
  "São Paulo",
  "Zürich",
  "façade",
  "résumé",
  "Ångström",
  "—",
  "“quoted”",
  "→",
  "€20",
  "25 °C",
  "±3%",
  "π",
  "日本語",
  "中文的例子",
  "Привет",
  "мир",
  "😀",
  "🚀",
  "✓",
  "Kraków",
  "ñandú",
  "Œuvre",
];
const SYLLABLES =
  "ka to ri mo sen vel dar qui lo ne pha stra gen bor ix ul tem cor fa zo lin mar pre tion ent ous ia".split(" ");

interface Pools {
  sentences: string[];
  questions: string[];
}

function buildPools(rand: () => number): Pools {
  const invented: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    let w = "";
    const n = 2 + Math.floor(rand() * 3);
    for (let s = 0; s < n; s++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    invented.push(w);
  }
  const word = (): string => {
    const r = rand();
    if (r < 0.72) return COMMON[Math.floor(rand() * rand() * COMMON.length)]!; // Zipf-like: low indexes more often
    if (r < 0.975) return invented[Math.floor(rand() ** 2 * invented.length)]!;
    return UNICODE[Math.floor(rand() * UNICODE.length)]!;
  };
  const sentence = (minWords: number, maxWords: number, end: string): string => {
    const n = minWords + Math.floor(rand() * (maxWords - minWords + 1));
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(word() + (i > 2 && i < n - 1 && rand() < 0.08 ? "," : ""));
    const s = ws.join(" ");
    return s.charAt(0).toUpperCase() + s.slice(1) + end;
  };
  const sentences: string[] = [];
  for (let i = 0; i < 30_000; i++) sentences.push(sentence(6, 28, rand() < 0.9 ? "." : "!"));
  const questions: string[] = [];
  for (let i = 0; i < 10_000; i++) questions.push(sentence(8, 30, "?"));
  return { sentences, questions };
}

/**
 * Output bytes are assembled from pre-encoded, pre-escaped pieces copied into one large buffer: building
 * JavaScript strings and JSON.stringify'ing each record spent most of the time in the garbage collector.
 */
class ByteWriter {
  private buf = Buffer.allocUnsafe(8 << 20);
  private pos = 0;
  written = 0;
  constructor(private readonly fd: number) {}

  put(piece: Buffer): void {
    if (this.pos + piece.length > this.buf.length) this.flush();
    if (piece.length > this.buf.length) {
      writeSync(this.fd, piece);
      this.written += piece.length;
      return;
    }
    piece.copy(this.buf, this.pos);
    this.pos += piece.length;
  }

  /** Flushes unless `bytes` more fit, so that a record never straddles a flush and since() stays valid. */
  reserve(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.flush();
  }

  /** The position for since(). */
  mark(): number {
    return this.pos;
  }
  /** A copy of the bytes put since mark() returned `from` (within one reserve()d record). */
  since(from: number): Buffer {
    return Buffer.from(this.buf.subarray(from, this.pos));
  }

  flush(): void {
    if (this.pos) writeSync(this.fd, this.buf, 0, this.pos);
    this.written += this.pos;
    this.pos = 0;
  }
}

/** A string as it sits inside a JSON string literal, UTF-8 encoded. */
const escaped = (s: string): Buffer => Buffer.from(JSON.stringify(s).slice(1, -1), "utf8");
const ascii = (s: string): Buffer => Buffer.from(s, "latin1");

const PIECES = {
  prompt: ascii('{"prompt":"'),
  promptId: ascii('","prompt_id":"'),
  messages: ascii('","messages":['),
  userOpen: ascii('{"content":"'),
  userClose: ascii('","role":"user"}'),
  assistantOpen: ascii(',{"content":"'),
  assistantClose: ascii('","role":"assistant"}'),
  comma: ascii(","),
  end: ascii("]}\n"),
  space: ascii(" "),
  newline: escaped("\n"),
  paragraph: escaped("\n\n"),
  numbers: Array.from({ length: 10 }, (_, i) => ascii(`${i}. `)),
};

/** Writes ultrachat-shaped JSONL to `path` until it holds at least `targetBytes`; returns records and bytes. */
// eslint-disable-next-line max-lines-per-function -- the order of its rand() calls is the data (and so the dataset bench's fingerprint), and its two helpers share the generator and the writer; split, that order would be easy to break
export function generateUltrachatJsonl(
  path: string,
  targetBytes: number,
  seed = 20240601,
): { records: number; bytes: number } {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pools = buildPools(rand);
  const sentences = pools.sentences.map(escaped);
  const questions = pools.questions.map(escaped);
  const hex = Array.from({ length: 256 }, (_, i) => ascii(i.toString(16).padStart(2, "0")));
  const fd = openSync(path, "w");
  const out = new ByteWriter(fd);
  const recent: Buffer[] = [];
  let records = 0;

  const writeQuestion = (): void => {
    if (rand() < 0.5) {
      out.put(pick(sentences));
      out.put(PIECES.space);
    }
    out.put(pick(questions));
  };
  const writeAnswer = (): void => {
    const paragraphs = 3 + Math.floor(rand() * 6);
    for (let p = 0; p < paragraphs; p++) {
      if (p > 0) out.put(PIECES.paragraph);
      if (rand() < 0.25) {
        const items = 3 + Math.floor(rand() * 5);
        for (let i = 1; i <= items; i++) {
          if (i > 1) out.put(PIECES.newline);
          out.put(PIECES.numbers[i]!);
          out.put(pick(sentences));
        }
      } else {
        const n = 2 + Math.floor(rand() * 5);
        for (let i = 0; i < n; i++) {
          if (i > 0) out.put(PIECES.space);
          out.put(pick(sentences));
        }
      }
    }
  };

  try {
    while (out.written + out.mark() < targetBytes) {
      // The prompt is the first question; generating it first lets the messages repeat it.
      const turns = 1 + Math.floor(rand() * 4);
      out.reserve(1 << 20);
      const repeat = recent.length > 0 && rand() < 0.002 ? pick(recent) : undefined; // an exact duplicate conversation
      out.put(PIECES.prompt);
      const promptAt = out.mark();
      if (repeat) out.put(ascii("A repeated conversation"));
      else writeQuestion();
      const prompt = out.since(promptAt);
      out.put(PIECES.promptId);
      for (let i = 0; i < 32; i++) out.put(hex[Math.floor(rand() * 256)]!);
      out.put(PIECES.messages);
      const messagesAt = out.mark();
      if (repeat) out.put(repeat);
      else {
        for (let t = 0; t < turns; t++) {
          if (t > 0) out.put(PIECES.comma);
          out.put(PIECES.userOpen);
          if (t === 0) out.put(prompt);
          else writeQuestion();
          out.put(PIECES.userClose);
          out.put(PIECES.assistantOpen);
          writeAnswer();
          out.put(PIECES.assistantClose);
        }
        const messages = out.since(messagesAt);
        if (rand() < 0.01) {
          if (recent.length < 64) recent.push(messages);
          else recent[Math.floor(rand() * 64)] = messages;
        }
      }
      out.put(PIECES.end);
      records++;
    }
    out.flush();
  } finally {
    closeSync(fd);
  }
  return { records, bytes: out.written };
}
