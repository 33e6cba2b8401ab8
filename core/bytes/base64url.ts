// Unpadded base64url (RFC 4648 §5), the encoding of OPAQUE messages and keys.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * Encodes bytes as unpadded base64url (RFC 4648 §5).
 *
 * @param bytes The bytes to encode.
 * @returns The base64url text, without `=` padding.
 * @throws {TypeError} If `bytes` is not a `Uint8Array`.
 *
 * @example Encoding three bytes
 * ```ts
 * import { base64Url } from "./mod.ts";
 *
 * if (base64Url(new Uint8Array([0xfb, 0xff, 0xbf])) !== "-_-_") throw new Error("base64Url() must use - and _");
 * ```
 */
export function base64Url(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("Cannot encode base64url: expected a Uint8Array");
  let binary = "";
  // In slices, so a large array never exceeds the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes unpadded base64url (RFC 4648 §5). Only the canonical form is accepted (RFC 4648 §3.5: the unused bits
 * of the last character are zero), so every byte string has exactly one encoding.
 *
 * @param text Base64url without padding.
 * @returns The decoded bytes.
 * @throws {TypeError} If `text` is not a string.
 * @throws {SyntaxError} If the text has padding, a character outside the alphabet, an impossible length or
 * non-zero unused bits.
 *
 * @example Decoding a key
 * ```ts
 * import { fromBase64Url } from "./mod.ts";
 *
 * if (fromBase64Url("-_-_")[0] !== 0xfb) throw new Error("fromBase64Url() must read - and _");
 * ```
 */
export function fromBase64Url(text: string): Uint8Array {
  if (typeof text !== "string") throw new TypeError("Cannot decode base64url: expected a string");
  if (!ALPHABET.test(text)) throw new SyntaxError("Cannot decode base64url: a character is outside the alphabet");
  if (text.length % 4 === 1) throw new SyntaxError(`Cannot decode base64url: impossible length ${text.length}`);
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - (text.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  if (base64Url(bytes) !== text) throw new SyntaxError("Cannot decode base64url: unused bits are not zero");
  return bytes;
}
