// Hexadecimal encoding and decoding of bytes.

const DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Encodes bytes as lowercase hexadecimal.
 *
 * @param bytes The bytes to encode.
 * @returns Two hex digits per byte.
 * @throws {TypeError} If `bytes` is not a `Uint8Array`.
 *
 * @example Encoding two bytes
 * ```ts
 * import { hex } from "./mod.ts";
 *
 * if (hex(new Uint8Array([0, 255])) !== "00ff") throw new Error("hex() must be lowercase, two digits a byte");
 * ```
 */
export function hex(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("Cannot encode hex: expected a Uint8Array");
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += DIGITS[bytes[i]];
  return out;
}

/**
 * Decodes hexadecimal (either case) into bytes.
 *
 * @param text An even number of hex digits, without `0x`.
 * @returns The decoded bytes.
 * @throws {TypeError} If `text` is not a string.
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
  if (text.length % 2 !== 0) throw new SyntaxError(`Cannot decode hex: odd length ${text.length}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = digit(text.charCodeAt(2 * i));
    const low = digit(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) {
      throw new SyntaxError(
        `Cannot decode hex: ${JSON.stringify(text.slice(2 * i, 2 * i + 2))} at ${2 * i} is not hex`,
      );
    }
    out[i] = (high << 4) | low;
  }
  return out;
}

/** The value of one hex digit's char code, or -1. */
function digit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}
