/**
 * Instantiates the WebAssembly modules of this action (compiled from assembly/ by
 * scripts/build-wasm.mjs and embedded as base64 in src/*-wasm.ts): synchronously, as they are small.
 */

// The WebAssembly API is a global of Node.js; the TypeScript libraries this project uses do not describe it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, (...args: number[]) => number>>,
  ) => { exports: unknown };
};

/** The memory a module exports (AssemblyScript's `memory`). */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

export function instantiate<T>(base64: string, imports: Record<string, (...args: number[]) => number> = {}): T {
  const compiled = new WebAssembly.Module(Buffer.from(base64, "base64"));
  return new WebAssembly.Instance(compiled, { env: imports }).exports as T;
}

/** Grows `memory` to at least `bytes` (views of its old buffer are then detached). */
export function growTo(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
