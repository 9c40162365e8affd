/**
 * The worker side of token counting (token-counter.ts): receives batches of output lines, answers with
 * one Phi-3 token count per line.
 */
import { parentPort } from "node:worker_threads";
import { countLines } from "./line-tokens.js";

export interface TokenRequest {
  id: number;
  /** The lines, one after another, without "\n". */
  bytes: Uint8Array;
  /** Where each line ends in `bytes`. */
  ends: Uint32Array;
}

export interface TokenResponse {
  id: number;
  counts: Uint32Array;
  /** The request's buffer, given back to be filled again. */
  bytes: ArrayBuffer;
}

export function serveTokenCounts(): void {
  const port = parentPort;
  if (!port) throw new Error("serveTokenCounts runs on a worker thread");
  port.on("message", (request: TokenRequest) => {
    const counts = countLines(request.bytes, request.ends);
    const bytes = request.bytes.buffer as ArrayBuffer;
    const response: TokenResponse = { id: request.id, counts, bytes };
    port.postMessage(response, [counts.buffer as ArrayBuffer, bytes]);
  });
}
