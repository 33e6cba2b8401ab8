// Constant-time comparison of byte arrays, for MACs, tags and Finished values.

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
