// Byte helpers every layer shares: concatenation, constant-time comparison, hex, UTF-8 and base64url.

/**
 * Small, dependency-free byte helpers. core/bytes imports nothing, so any room may use it.
 *
 * @example Building a label and comparing it in constant time
 * ```ts
 * import { concatBytes, constantTimeEqual, fromHex, utf8 } from "./mod.ts";
 *
 * const label = concatBytes(utf8("mimi/1 "), fromHex("00ff"));
 * if (!constantTimeEqual(label, concatBytes(utf8("mimi/1 "), new Uint8Array([0, 255])))) throw new Error("same bytes");
 * ```
 *
 * @module
 */

export { base64Url, fromBase64Url } from "./base64url.ts";
export { concatBytes, joinBytes } from "./concat.ts";
export { constantTimeEqual } from "./equal.ts";
export { fromHex, hex } from "./hex.ts";
export { utf8 } from "./utf8.ts";
