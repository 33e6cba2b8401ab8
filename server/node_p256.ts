// P-256 ECDH for the server's handshakes on node:crypto: synchronous, one call per step instead of awaited WebCrypto
// calls.
//
// Why: WebCrypto's respond (generateKey, importKey, then exportKey and deriveBits) costs 560 µs of CPU per exchange
// on Deno 2.9.6, most of it in exportKey (285 µs) and deriveBits (282 µs); node:crypto's generateKeyPairSync, the
// public key's DER export, createPublicKey and diffieHellman take about 480 µs (bench/README.md). The client's share
// is checked by noble's checkP256Share first, as on the noble and WebCrypto paths, so all three refuse the same
// inputs; with a RandomSource (the deterministic vectors) the exchange is noble's, as WebCrypto's is.

import { Buffer } from "node:buffer";
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto";
import { fromHex } from "../core/bytes/hex.ts";
import { KexError } from "../core/crypto/primitives/errors.ts";
import type { KeyExchange, RandomSource } from "../core/crypto/primitives/types.ts";
import { checkP256Share, nobleP256, P256_SHARE_LENGTH } from "../core/crypto/primitives/_p256.ts";
import { promised, singleUse } from "../core/crypto/primitives/_util.ts";

/**
 * DER SubjectPublicKeyInfo of a P-256 key without its point (RFC 5480 §2: id-ecPublicKey, secp256r1, then a BIT
 * STRING of the 65-byte uncompressed point): the share follows.
 */
const SPKI_PREFIX = fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

function share(publicKey: KeyObject): Uint8Array {
  const der = publicKey.export({ format: "der", type: "spki" });
  if (der.length !== SPKI_PREFIX.length + P256_SHARE_LENGTH) {
    // node:crypto exports an uncompressed point for a key it generated; anything else is a platform change.
    throw new Error(`Unexpected P-256 public key encoding from node:crypto (${der.length} bytes)`);
  }
  return new Uint8Array(der.subarray(SPKI_PREFIX.length));
}

function derive(privateKey: KeyObject, peerShare: Uint8Array): Uint8Array {
  checkP256Share(peerShare);
  const spki = Buffer.allocUnsafe(SPKI_PREFIX.length + peerShare.length);
  spki.set(SPKI_PREFIX, 0);
  spki.set(peerShare, SPKI_PREFIX.length);
  try {
    // SP 800-56A §5.7.1.2: the shared secret is x(P), 32 bytes, which is what diffieHellman returns for EC keys.
    return new Uint8Array(
      diffieHellman({ privateKey, publicKey: createPublicKey({ key: spki, format: "der", type: "spki" }) }),
    );
  } catch (error) {
    // Unreachable after checkP256Share (an on-curve point); wrapped to keep one error type.
    throw new KexError("P-256 share is not on the curve", { cause: error });
  }
}

/** P-256 ECDH on node:crypto; with a RandomSource, noble's. */
export const nodeP256: KeyExchange = Object.freeze(
  {
    id: "p256",
    start(random?: RandomSource) {
      if (random !== undefined) return nobleP256.start(random);
      return promised(() => {
        // The private KeyObject never leaves the platform's memory as bytes, so there is nothing to wipe.
        const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
        return {
          share: share(publicKey),
          finish: singleUse((serverShare) => promised(() => derive(privateKey, serverShare))),
        };
      });
    },
    respond(clientShare: Uint8Array, random?: RandomSource) {
      if (random !== undefined) return nobleP256.respond(clientShare, random);
      return promised(() => {
        checkP256Share(clientShare); // before generating anything
        const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
        return { share: share(publicKey), sharedSecret: derive(privateKey, clientShare) };
      });
    },
  } as const,
);
