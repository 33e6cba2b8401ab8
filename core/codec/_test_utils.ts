// Private: helpers shared by this folder's tests (hex, error checks, a seeded PRNG); no runtime APIs, like the rest of core/.

import { CodecError, type CodecErrorCode } from "./error.ts";

/** Parses hex, ignoring spaces: `hex("05 00000001 61")`. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) {
    throw new SyntaxError(`Cannot parse hex: ${JSON.stringify(text)}`);
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}

/** Formats bytes as lowercase hex without spaces. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** Asserts that `fn` throws a `CodecError` with this code and offset. */
export function assertCodecError(
  fn: () => unknown,
  code: CodecErrorCode,
  offset: number,
): CodecError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof CodecError)) {
    throw new Error(`Expected a CodecError ${code}, got ${caught}`, {
      cause: caught,
    });
  }
  if (caught.code !== code || caught.offset !== offset) {
    throw new Error(
      `Expected CodecError ${code} at offset ${offset}, got ${caught.code} at offset ${caught.offset}: ${caught.message}`,
      { cause: caught },
    );
  }
  return caught;
}

/** mulberry32: a tiny deterministic PRNG for property tests (not for crypto). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
