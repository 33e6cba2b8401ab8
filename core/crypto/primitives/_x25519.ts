// X25519 (RFC 7748) share validation and the noble key exchange; the WebCrypto one reuses the validation.

import { x25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE } from "@noble/curves/utils.js";
import { KexError } from "./errors.ts";
import type { KeyExchange, RandomSource } from "./types.ts";
import { draw } from "./_util.ts";
import { nobleEcdh } from "./_noble_ecdh.ts";

/** X25519 shares, secrets and shared secrets are all 32 bytes (RFC 7748 §5). */
export const X25519_LENGTH = 32;

const P = 2n ** 255n - 19n;
/**
 * The u-coordinates of points of order 1, 2, 4 and 8 on Curve25519 and its twist: 0, 1, p-1 and
 * the two order-8 points (the blocklist libsodium uses). With a clamped scalar, any of them gives
 * the all-zero shared secret that RFC 7748 §6.1 tells us to refuse; catching them here, before the
 * ladder runs, refuses exactly the inputs §6.1 would without touching the secret scalar.
 */
const LOW_ORDER_U = new Set<bigint>([
  0n,
  1n,
  P - 1n,
  bytesToNumberLE(hexBytes("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")),
  bytesToNumberLE(hexBytes("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")),
]);

function hexBytes(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!, (pair) => parseInt(pair, 16));
}

/**
 * Checks a peer's X25519 share: exactly 32 bytes and not a low-order point.
 * RFC 7748 §5 decoding: the top bit is masked and non-canonical values (>= p) are reduced, so
 * every encoding of a low-order point is caught, not only the canonical one.
 */
export function checkX25519Share(share: Uint8Array): void {
  if (!(share instanceof Uint8Array)) throw new TypeError("X25519 share must be a Uint8Array");
  if (share.length !== X25519_LENGTH) {
    throw new KexError(`X25519 share must be ${X25519_LENGTH} bytes, got ${share.length}`);
  }
  const masked = share.slice();
  masked[31] &= 0x7f;
  if (LOW_ORDER_U.has(bytesToNumberLE(masked) % P)) throw new KexError("X25519 share is a low-order point");
}

/** RFC 7748 §6.1: refuse an all-zero shared secret (checked without an early exit). */
export function checkX25519Secret(secret: Uint8Array): Uint8Array {
  let acc = 0;
  for (const byte of secret) acc |= byte;
  if (acc === 0) throw new KexError("X25519 share is a low-order point");
  return secret;
}

/** X25519(secretKey, peerShare) after the share checks; exported for the known-answer tests. */
export function x25519SharedSecret(secretKey: Uint8Array, peerShare: Uint8Array): Uint8Array {
  checkX25519Share(peerShare);
  let secret: Uint8Array;
  try {
    secret = x25519.getSharedSecret(secretKey, peerShare);
  } catch (error) {
    // Unreachable after checkX25519Share (noble throws only for low-order input); wrapped to keep one error type.
    throw new KexError("X25519 share is a low-order point", { cause: error });
  }
  return checkX25519Secret(secret);
}

/** A fresh X25519 key pair; the secret comes from `random` when given (RFC 7748 §6.1: 32 random bytes). */
export function x25519KeyPair(random?: RandomSource): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = random ? draw(random, X25519_LENGTH) : x25519.utils.randomSecretKey();
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

/** X25519 on @noble/curves. */
export const nobleX25519: KeyExchange = nobleEcdh({
  id: "x25519",
  keyPair: x25519KeyPair,
  checkShare: checkX25519Share,
  sharedSecret: x25519SharedSecret,
});
