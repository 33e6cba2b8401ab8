// Ed25519 (RFC 8032 §5.1) on @noble/curves with strict verification; the checks are shared with WebCrypto.

import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE } from "@noble/curves/utils.js";
import type { RandomSource, SignatureScheme } from "./types.ts";
import { assertBytes, draw, promised } from "./_util.ts";

/** RFC 8032 §5.1.5: 32-byte secret seed and public key; §5.1.6: 64-byte signature R || S. */
export const ED25519_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;
/** The prime order L of the base point (RFC 8032 §5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/**
 * The checks strict verification makes before the group equation, on noble's decoder:
 * right lengths; S < L (RFC 8032 §5.1.7 step 1, no malleable S + L); A and R canonical encodings
 * (y < p, and x = 0 with the sign bit set refused); A not of small order (noble's strict mode,
 * against keys that make several messages verify). The WebCrypto path runs this first, so both
 * paths refuse the same encodings whatever the platform's own decoder allows.
 */
export function ed25519Precheck(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_KEY_LENGTH) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  if (bytesToNumberLE(signature.subarray(32)) >= L) return false;
  try {
    const a = ed25519.Point.fromBytes(publicKey, false);
    ed25519.Point.fromBytes(signature.subarray(0, 32), false);
    return !a.isSmallOrder();
  } catch {
    // fromBytes throws on a non-canonical or off-curve encoding: the answer is "invalid", not an error.
    return false;
  }
}

/** A fresh key pair; the 32-byte seed comes from `random` when given. Always noble: the interface is synchronous. */
export function ed25519KeyPair(random?: RandomSource): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = random ? draw(random, ED25519_KEY_LENGTH) : ed25519.utils.randomSecretKey();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

/** Checks sign()'s arguments: programmer errors, so TypeError/RangeError. */
export function checkEd25519SignArgs(secretKey: Uint8Array, message: Uint8Array): void {
  assertBytes(secretKey, "Ed25519 secret key", ED25519_KEY_LENGTH);
  assertBytes(message, "message");
}

/** Ed25519 on @noble/curves: deterministic signatures, strict verification (`zip215: false`). */
export const nobleEd25519: SignatureScheme = Object.freeze(
  {
    id: "ed25519",
    generateKeyPair: ed25519KeyPair,
    sign(secretKey: Uint8Array, message: Uint8Array) {
      return promised(() => {
        checkEd25519SignArgs(secretKey, message);
        return ed25519.sign(message, secretKey);
      });
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) {
      return promised(() => {
        if (!(message instanceof Uint8Array) || !ed25519Precheck(publicKey, signature)) return false;
        try {
          // zip215: false = RFC 8032 / FIPS 186-5 decoding: canonical A and R only (noble's own default, made explicit).
          return ed25519.verify(signature, message, publicKey, { zip215: false });
        } catch {
          // The interface promises false, never a throw, for any bad input.
          return false;
        }
      });
    },
  } as const,
);
