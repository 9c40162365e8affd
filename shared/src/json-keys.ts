/**
 * Duplicate keys in JSON text. JSON.parse keeps the last of two equal keys silently (ECMA-262 JSON.parse;
 * RFC 8259 §4 says names "SHOULD be unique" and that behaviour then is unpredictable), so `{"lr": 1, "lr": 2}`
 * would run with 2 and nobody would know. One linear scan over the text, after JSON.parse accepted it: a
 * stack of the keys seen in each open object; strings are skipped with their escapes.
 */
export function duplicateKeys(json: string): string[] {
  const stack: Array<{ keys: Set<string>; expectKey: boolean } | undefined> = [];
  const found: string[] = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    const top = stack[stack.length - 1];
    if (c === "{") stack.push({ keys: new Set(), expectKey: true });
    else if (c === "[") stack.push(undefined);
    else if (c === "}" || c === "]") stack.pop();
    else if (c === "," && top) top.expectKey = true;
    else if (c === '"') {
      const end = stringEnd(json, i);
      if (top?.expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key) && !found.includes(key)) found.push(key);
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    }
  }
  return found;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
