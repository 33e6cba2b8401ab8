// Concatenation of byte arrays.

/**
 * Concatenates byte arrays into a new one.
 *
 * @param parts The arrays, in order.
 * @returns A new array holding every part.
 * @throws {TypeError} If a part is not a `Uint8Array`.
 *
 * @example Joining two parts
 * ```ts
 * import { concatBytes, hex } from "./mod.ts";
 *
 * const joined = concatBytes(new Uint8Array([1]), new Uint8Array([2, 3]));
 * if (hex(joined) !== "010203") throw new Error(`unexpected ${hex(joined)}`);
 * ```
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return joinBytes(parts);
}

/**
 * Concatenates a list of byte arrays into a new one. Takes an array rather than arguments, so a long list (a busy
 * connection's queue) cannot exceed the engine's argument limit.
 *
 * @param parts The arrays, in order.
 * @returns A new array holding all their bytes.
 * @throws {TypeError} If a part is not a `Uint8Array`.
 *
 * @example Joining a queue
 * ```ts
 * import { joinBytes } from "./mod.ts";
 *
 * const joined = joinBytes([new Uint8Array([1]), new Uint8Array([2, 3])]);
 * if (joined.length !== 3) throw new Error("joinBytes() must keep every byte");
 * ```
 */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) {
    if (!(part instanceof Uint8Array)) throw new TypeError("Cannot concatenate: every part must be a Uint8Array");
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
