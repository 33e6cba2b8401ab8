// Byte helpers the crypto layer shares: constant-time comparison, concatenation, hex and UTF-8.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

/**
 * Compares two byte arrays in time that depends only on their lengths, never on where they differ.
 * Use it for MACs, tags and Finished values.
 *
 * @param a First array.
 * @param b Second array.
 * @returns `true` if both have the same length and bytes; `false` on a length mismatch.
 * @throws {TypeError} If either argument is not a `Uint8Array`.
 *
 * @example Comparing two tags
 * ```ts
 * import { constantTimeEqual } from "./mod.ts";
 *
 * const tag = new Uint8Array([1, 2]);
 * if (!constantTimeEqual(tag, new Uint8Array([1, 2]))) throw new Error("equal tags must match");
 * if (constantTimeEqual(tag, new Uint8Array([1, 3]))) throw new Error("different tags must not match");
 * if (constantTimeEqual(tag, new Uint8Array([1]))) throw new Error("a shorter tag must not match");
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) {
    throw new TypeError("Cannot compare: both arguments must be Uint8Array");
  }
  // The lengths of a tag or MAC are public, so returning early on them leaks nothing.
  if (a.length !== b.length) return false;
  let diff = 0;
  // No early exit: every byte is visited whatever the first difference.
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

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
 *
 * @example
 * ```ts
 * import { joinBytes } from "./bytes.ts";
 * joinBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
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

/**
 * Encodes bytes as lowercase hexadecimal.
 *
 * @param bytes The bytes to encode.
 * @returns Two hex digits per byte.
 *
 * @example Encoding two bytes
 * ```ts
 * import { hex } from "./mod.ts";
 *
 * if (hex(new Uint8Array([0, 255])) !== "00ff") throw new Error("hex() must be lowercase, two digits a byte");
 * ```
 */
export function hex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/**
 * Decodes hexadecimal (either case) into bytes.
 *
 * @param text An even number of hex digits.
 * @returns The decoded bytes.
 * @throws {SyntaxError} If the text has an odd length or a non-hex character.
 *
 * @example Decoding two bytes
 * ```ts
 * import { fromHex } from "./mod.ts";
 *
 * const bytes = fromHex("00FF");
 * if (bytes.length !== 2 || bytes[1] !== 255) throw new Error("fromHex() must accept upper case");
 * ```
 */
export function fromHex(text: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError("Cannot decode hex: expected a string");
  try {
    return hexToBytes(text);
  } catch (error) {
    throw new SyntaxError(`Cannot decode hex: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Encodes a string as UTF-8, e.g. for HKDF labels.
 *
 * @param text The string.
 * @returns Its UTF-8 bytes.
 *
 * @example Encoding a label
 * ```ts
 * import { hex, utf8 } from "./mod.ts";
 *
 * if (hex(utf8("hé")) !== "68c3a9") throw new Error("utf8() must encode é as two bytes");
 * ```
 */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
