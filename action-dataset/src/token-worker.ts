/**
 * The worker side of token counting (token-counter.ts): receives batches of conversations as their
 * message contents, answers with one Phi-3 token count per conversation.
 */
import { parentPort } from "node:worker_threads";
import { countContentsTokens } from "./tokens.js";

export interface TokenRequest {
  id: number;
  /** The contents of all messages of the batch, conversation after conversation. */
  contents: string[];
  /** How many of `contents` each conversation has. */
  sizes: Uint32Array;
}

export interface TokenResponse {
  id: number;
  counts: Uint32Array;
}

export function countBatch(request: Omit<TokenRequest, "id">): Uint32Array {
  const counts = new Uint32Array(request.sizes.length);
  let at = 0;
  for (let c = 0; c < request.sizes.length; c++) {
    const size = request.sizes[c] ?? 0;
    counts[c] = countContentsTokens(request.contents, at, at + size);
    at += size;
  }
  return counts;
}

export function serveTokenCounts(): void {
  const port = parentPort;
  if (!port) throw new Error("serveTokenCounts runs on a worker thread");
  port.on("message", (request: TokenRequest) => {
    const counts = countBatch(request);
    const response: TokenResponse = { id: request.id, counts };
    port.postMessage(response, [counts.buffer as ArrayBuffer]);
  });
}
