/**
 * The worker side of token counting (token-counter.ts): receives batches of output lines, answers with
 * one Phi-3 token count and one order key per line, and gives the lines back.
 */
import { parentPort } from "node:worker_threads";
import { countLines } from "./line-tokens.js";
import { orderKeysOf } from "./shuffle-split.js";

export interface TokenRequest {
  id: number;
  /** The seed of the order keys. */
  seed: number;
  /** The lines, one after another, without "\n". */
  bytes: Uint8Array;
  /** Where each line ends in `bytes`. */
  ends: Uint32Array;
}

export interface TokenResponse {
  id: number;
  counts: Uint32Array;
  /** 32 bytes a line. */
  keys: Uint8Array;
  /** The request's lines, given back. */
  bytes: Uint8Array;
  ends: Uint32Array;
}

export function serveTokenCounts(): void {
  const port = parentPort;
  if (!port) throw new Error("serveTokenCounts runs on a worker thread");
  port.on("message", (request: TokenRequest) => {
    const counts = countLines(request.bytes, request.ends);
    const keys = orderKeysOf(request.seed, request.bytes, request.ends);
    const response: TokenResponse = { id: request.id, counts, keys, bytes: request.bytes, ends: request.ends };
    port.postMessage(response, [
      counts.buffer as ArrayBuffer,
      keys.buffer as ArrayBuffer,
      request.bytes.buffer as ArrayBuffer,
      request.ends.buffer as ArrayBuffer,
    ]);
  });
}
