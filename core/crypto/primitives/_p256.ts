// P-256 ECDH: SEC1 share validation (SP 800-56A §5.6.2.3.3 full public-key validation) and the noble key exchange.

import { p256 } from "@noble/curves/nist.js";
import { KexError } from "./errors.ts";
import type { KeyExchange, RandomSource } from "./types.ts";
import { draw, wipe } from "./_util.ts";
import { nobleEcdh } from "./_noble_ecdh.ts";

/** An uncompressed SEC1 point: 0x04 || X || Y (SEC 1 v2 §2.3.3). */
export const P256_SHARE_LENGTH = 65;
/** The shared secret is the X coordinate of the shared point (SP 800-56A §5.7.1.2). */
export const P256_SECRET_LENGTH = 32;

/**
 * Checks a peer's P-256 share: uncompressed encoding only (no compressed form, no infinity 0x00),
 * coordinates below p, on the curve (SP 800-56A §5.6.2.3.3 steps 1-3; step 4, nQ = O, holds for any
 * point on P-256 because its cofactor is 1). noble's `Point.fromBytes` runs `assertValidity()`.
 */
export function checkP256Share(share: Uint8Array): void {
  if (!(share instanceof Uint8Array)) throw new TypeError("P-256 share must be a Uint8Array");
  if (share.length !== P256_SHARE_LENGTH || share[0] !== 0x04) {
    throw new KexError(`P-256 share must be an uncompressed point (${P256_SHARE_LENGTH} bytes starting 0x04)`);
  }
  try {
    p256.Point.fromBytes(share);
  } catch (error) {
    throw new KexError("P-256 share is not on the curve", { cause: error });
  }
}

/** A P-256 key pair: a 32-byte scalar in [1, n-1] and the 65-byte uncompressed public point. */
export function p256KeyPair(random?: RandomSource): { secretKey: Uint8Array; publicKey: Uint8Array } {
  // With a seed, noble reduces 48 bytes modulo n-1 and adds 1 (FIPS 186-5 §A.2.1): no rejection loop, negligible bias.
  const seed = random ? draw(random, p256.lengths.seed!) : undefined;
  const secretKey = p256.utils.randomSecretKey(seed);
  wipe(seed);
  return { secretKey, publicKey: p256.getPublicKey(secretKey, false) };
}

/** The x-coordinate of secretKey * peerShare after the share checks; exported for the known-answer tests. */
export function p256SharedSecret(secretKey: Uint8Array, peerShare: Uint8Array): Uint8Array {
  checkP256Share(peerShare);
  let point: Uint8Array;
  try {
    point = p256.getSharedSecret(secretKey, peerShare, true);
  } catch (error) {
    // Unreachable for a validated share and a valid scalar; wrapped to keep one error type.
    throw new KexError("P-256 share is not on the curve", { cause: error });
  }
  const x = point.slice(1);
  wipe(point);
  return x;
}

/** P-256 ECDH on @noble/curves. */
export const nobleP256: KeyExchange = nobleEcdh({
  id: "p256",
  keyPair: p256KeyPair,
  checkShare: checkP256Share,
  sharedSecret: p256SharedSecret,
});
