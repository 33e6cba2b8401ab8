// UTF-8 encoding of strings, e.g. for HKDF labels.

const encoder = new TextEncoder();

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
  return encoder.encode(text);
}
