// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.mjs into src/json-escape-wasm.ts.
//
// The body of a JSON string from its UTF-8 bytes, escaped exactly as JSON.stringify escapes (for text
// without lone surrogates): `"` → \", `\` → \\, the control characters → \b \t \n \f \r or \u00xx
// (lowercase hex); every other byte as it is. The JavaScript side writes the text's UTF-8 at `src` in
// this module's memory and reads the result at `dst`; it grows the memory so that both fit (the result
// has at most 6 bytes per input byte). A lone surrogate cannot be written as UTF-8 (it arrives as U+FFFD,
// EF BF BD), so the module says whether it saw a byte 0xEF (sawEF): only then must the JavaScript side
// check the text for one (src/json-line.ts).

let ef = false;

/** Whether the last escape() met a byte 0xEF (perhaps U+FFFD for a lone surrogate). */
export function sawEF(): bool {
  return ef;
}

/** Writes the escaped body of the `length` bytes at `src` to `dst`; returns its length. */
export function escape(src: u32, length: u32, dst: u32): u32 {
  ef = false;
  let i: u32 = 0;
  let o = dst;
  // 16 bytes at a time: stored as they are, up to the first byte that needs an escape.
  while (i + 16 <= length) {
    const v = v128.load(src + i);
    const escapes = v128.or(v128.or(i8x16.eq(v, i8x16.splat(0x22)), i8x16.eq(v, i8x16.splat(0x5c))), i8x16.lt_u(v, i8x16.splat(0x20)));
    const mask = i8x16.bitmask(escapes);
    if (!ef && i8x16.bitmask(i8x16.eq(v, i8x16.splat(<i8>0xef))) != 0) ef = true;
    v128.store(o, v);
    if (mask == 0) {
      o += 16;
      i += 16;
      continue;
    }
    const k = <u32>ctz(mask);
    o = escapeByte(<u32>load<u8>(src + i + k), o + k);
    i += k + 1;
  }
  for (; i < length; i++) {
    const c = <u32>load<u8>(src + i);
    if (c == 0xef) ef = true;
    if (c == 0x22 || c == 0x5c || c < 0x20) o = escapeByte(c, o);
    else store<u8>(o++, <u8>c);
  }
  return o - dst;
}

function escapeByte(c: u32, o: u32): u32 {
  store<u8>(o, 0x5c);
  let short: u32 = 0;
  if (c == 0x22) short = 0x22;
  else if (c == 0x5c) short = 0x5c;
  else if (c == 0x08) short = 0x62; // b
  else if (c == 0x09) short = 0x74; // t
  else if (c == 0x0a) short = 0x6e; // n
  else if (c == 0x0c) short = 0x66; // f
  else if (c == 0x0d) short = 0x72; // r
  if (short != 0) {
    store<u8>(o + 1, <u8>short);
    return o + 2;
  }
  store<u8>(o + 1, 0x75); // u
  store<u8>(o + 2, 0x30);
  store<u8>(o + 3, 0x30);
  store<u8>(o + 4, <u8>(0x30 + (c >> 4)));
  const low = c & 15;
  store<u8>(o + 5, <u8>(low < 10 ? 0x30 + low : 0x57 + low));
  return o + 6;
}
