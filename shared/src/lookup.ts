/**
 * Lookup tables keyed by text from users or the cloud (hyperparameter names, component inputs, tags) must
 * never see Object.prototype: `table["constructor"]` is a function and `table["__proto__"]` an object on a
 * plain `{}`. Read such tables through own(), and build ones filled from outside with dict().
 */
/** `table[key]` only when the table has it as its own: "constructor" or "__proto__" never reach Object.prototype. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** An empty table with no prototype: "__proto__" and "constructor" are keys like any other. */
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
