// ECDSA over P-256 with SHA-256 (FIPS 186-5 §6, RFC 6979) on @noble/curves; the checks are shared with WebCrypto.

import { p256 } from "@noble/curves/nist.js";
import { bytesToNumberBE } from "@noble/curves/utils.js";
import type { RandomSource, SignatureScheme } from "./types.ts";
import { assertBytes, promised } from "./_util.ts";
import { P256_SECRET_LENGTH, P256_SHARE_LENGTH, p256KeyPair } from "./_p256.ts";

/** IEEE P1363 encoding: r || s, 32 bytes each (the format WebCrypto uses). */
export const ECDSA_P256_SIGNATURE_LENGTH = 64;
const N = p256.Point.CURVE().n;

/**
 * The checks made before the verification equation, shared by both paths: a 65-byte uncompressed
 * public key on the curve (FIPS 186-5 §6.4.2 needs a valid key; SP 800-56A §5.6.2.3.3), a 64-byte
 * signature, and 1 <= r, s <= n-1 (FIPS 186-5 §6.4.2 step 1). High s is accepted: standard ECDSA
 * (and WebCrypto, and Wycheproof's p1363 vectors) treat (r, n-s) as valid too; malleability does not
 * matter here because the handshake signs a transcript hash and never uses the signature as an id.
 */
export function ecdsaPrecheck(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== P256_SHARE_LENGTH || publicKey[0] !== 0x04) {
    return false;
  }
  if (!(signature instanceof Uint8Array) || signature.length !== ECDSA_P256_SIGNATURE_LENGTH) return false;
  const r = bytesToNumberBE(signature.subarray(0, 32));
  const s = bytesToNumberBE(signature.subarray(32));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  try {
    p256.Point.fromBytes(publicKey);
    return true;
  } catch {
    // fromBytes throws for a point off the curve: the answer is "invalid", not an error.
    return false;
  }
}

/** Checks sign()'s arguments: a 32-byte scalar in [1, n-1] and a message (programmer errors). */
export function checkEcdsaSignArgs(secretKey: Uint8Array, message: Uint8Array): void {
  assertBytes(secretKey, "ECDSA P-256 secret key", P256_SECRET_LENGTH);
  assertBytes(message, "message");
  if (!p256.utils.isValidSecretKey(secretKey)) throw new RangeError("ECDSA P-256 secret key must be in [1, n-1]");
}

/** A key pair: 32-byte scalar, 65-byte uncompressed public key. Always noble: the interface is synchronous. */
export function ecdsaKeyPair(random?: RandomSource): { secretKey: Uint8Array; publicKey: Uint8Array } {
  return p256KeyPair(random);
}

/**
 * ECDSA P-256 on @noble/curves. Signing is RFC 6979 deterministic without low-s normalisation, the
 * exact output of WebCrypto in Deno (checked by the interop tests) and of RFC 6979 §A.2.5.
 */
export const nobleEcdsaP256: SignatureScheme = Object.freeze(
  {
    id: "ecdsa-p256",
    generateKeyPair: ecdsaKeyPair,
    sign(secretKey: Uint8Array, message: Uint8Array) {
      return promised(() => {
        checkEcdsaSignArgs(secretKey, message);
        return p256.sign(message, secretKey, { prehash: true, lowS: false, format: "compact" });
      });
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) {
      return promised(() => {
        if (!(message instanceof Uint8Array) || !ecdsaPrecheck(publicKey, signature)) return false;
        try {
          return p256.verify(signature, message, publicKey, { prehash: true, lowS: false, format: "compact" });
        } catch {
          // The interface promises false, never a throw, for any bad input.
          return false;
        }
      });
    },
  } as const,
);
