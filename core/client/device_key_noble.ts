// A device key held as a P-256 secret key in memory, signing with @noble/curves: the terminal's and the tests' key.

import { p256 } from "@noble/curves/nist.js";
import { nobleEcdsaP256 } from "../crypto/primitives/_ecdsa.ts";
import type { RandomSource } from "../crypto/primitives/types.ts";
import type { DeviceKey } from "./device_key.ts";

/** A device key whose secret is a byte string, for stores that keep it themselves (the terminal's 0600 file). */
export interface NobleDeviceKey extends DeviceKey {
  /** The 32-byte secret scalar. A store writes it to its own storage; never log or send it. */
  readonly secretKey: Uint8Array;
}

/**
 * A device key from a stored secret, its public key derived from it.
 *
 * @param secretKey The 32-byte P-256 secret scalar, in [1, n-1]; copied.
 * @returns The key; `sign` makes IEEE P1363 signatures over SHA-256, as WebCrypto does.
 * @throws {TypeError} If `secretKey` is not a valid P-256 secret key.
 *
 * @example
 * ```ts
 * import { generateNobleDeviceKey, nobleDeviceKey } from "./device_key_noble.ts";
 * const stored = generateNobleDeviceKey().secretKey; // what the terminal writes to its file
 * nobleDeviceKey(stored).publicKey.length; // 65
 * ```
 */
export function nobleDeviceKey(secretKey: Uint8Array): NobleDeviceKey {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32 || !p256.utils.isValidSecretKey(secretKey)) {
    throw new TypeError("Cannot use the device key: the secret is not a P-256 secret key of 32 bytes");
  }
  const secret = secretKey.slice();
  const scheme = nobleEcdsaP256;
  return {
    secretKey: secret,
    publicKey: p256.getPublicKey(secret, false),
    sign: (message) => scheme.sign(secret, message),
  };
}

/**
 * A new device key.
 *
 * @param random The source of random bytes; default `crypto.getRandomValues`. Tests pass a seeded one.
 * @returns The key.
 *
 * @example
 * ```ts
 * import { generateNobleDeviceKey } from "./device_key_noble.ts";
 * (await generateNobleDeviceKey().sign(new Uint8Array([1]))).length; // 64
 * ```
 */
export function generateNobleDeviceKey(random?: RandomSource): NobleDeviceKey {
  return nobleDeviceKey(nobleEcdsaP256.generateKeyPair(random).secretKey);
}
