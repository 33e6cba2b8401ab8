// Internal checks and helpers shared by both providers: argument checks, random draws, secret wiping.

import type { RandomSource } from "./types.ts";

/** Throws a TypeError unless `value` is a Uint8Array (and, if given, of `length` bytes: RangeError). */
export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** The largest request `crypto.getRandomValues` serves in one call (WebCrypto §10.1.1). */
const MAX_RANDOM_CHUNK = 65536;

/** The default RandomSource: the platform CSPRNG, which exists in secure and insecure contexts alike. */
export const defaultRandom: RandomSource = (length: number): Uint8Array => {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`Random length must be a natural number`);
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += MAX_RANDOM_CHUNK) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + MAX_RANDOM_CHUNK)));
  }
  return out;
};

/**
 * Draws `length` bytes from a RandomSource and returns a private copy, so that wiping it
 * later cannot touch an array the source keeps (a seeded test source may return the same one).
 */
export function draw(random: RandomSource, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new TypeError(`RandomSource must return a Uint8Array of the requested ${length} bytes`);
  }
  return bytes.slice();
}

/** Overwrites secrets with zeros once they are no longer needed. */
export function wipe(...secrets: (Uint8Array | undefined)[]): void {
  for (const secret of secrets) secret?.fill(0);
}

/** Views bytes as WebCrypto's BufferSource, copying only those backed by a SharedArrayBuffer. */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? bytes as Uint8Array<ArrayBuffer>
    : bytes.slice() as Uint8Array<ArrayBuffer>;
}

/** Runs `fn` now and returns its result as a promise; a throw becomes a rejection (like Promise.try, ES2025). */
export function promised<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

/** Throws once an ephemeral secret has been used, so one key never serves two exchanges. */
export function singleUse<T>(fn: (share: Uint8Array) => Promise<T>): (share: Uint8Array) => Promise<T> {
  let used = false;
  return (share) => {
    if (used) return Promise.reject(new Error("Cannot finish a key exchange twice: its ephemeral secret is erased"));
    used = true;
    return fn(share);
  };
}
