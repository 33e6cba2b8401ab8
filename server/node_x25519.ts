// X25519 for the server's handshakes on node:crypto: synchronous, one call per step instead of awaited WebCrypto calls.
//
// Why: WebCrypto's respond takes four calls in two awaited rounds, 252 µs of CPU per exchange on Deno 2.9.6;
// node:crypto's generateKeyPairSync + diffieHellman take 89 µs (bench/README.md). The shares are checked by the same
// functions as the noble and WebCrypto paths, so all three refuse the same inputs; with a RandomSource (the
// deterministic vectors) the exchange is noble's, as WebCrypto's is.

import { Buffer } from "node:buffer";
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto";
import { KexError } from "../core/crypto/primitives/errors.ts";
import type { KeyExchange, RandomSource } from "../core/crypto/primitives/types.ts";
import { checkX25519Secret, checkX25519Share, nobleX25519 } from "../core/crypto/primitives/_x25519.ts";

/** DER SubjectPublicKeyInfo of an X25519 key without its 32 bytes (RFC 8410 §4): the share follows. */
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]);

function share(publicKey: KeyObject): Uint8Array {
  const der = publicKey.export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(SPKI_PREFIX.length));
}

function derive(privateKey: KeyObject, peerShare: Uint8Array): Uint8Array {
  checkX25519Share(peerShare);
  const spki = Buffer.allocUnsafe(SPKI_PREFIX.length + peerShare.length);
  spki.set(SPKI_PREFIX, 0);
  spki.set(peerShare, SPKI_PREFIX.length);
  let secret: Uint8Array;
  try {
    secret = new Uint8Array(
      diffieHellman({ privateKey, publicKey: createPublicKey({ key: spki, format: "der", type: "spki" }) }),
    );
  } catch (error) {
    // Unreachable after checkX25519Share (a 32-byte string is always a u-coordinate); wrapped to keep one error type.
    throw new KexError("X25519 share is refused", { cause: error });
  }
  return checkX25519Secret(secret);
}

/** X25519 (RFC 7748) on node:crypto; with a RandomSource, noble's. */
export const nodeX25519: KeyExchange = Object.freeze(
  {
    id: "x25519",
    start(random?: RandomSource) {
      if (random !== undefined) return nobleX25519.start(random);
      // The private KeyObject never leaves OpenSSL's memory as bytes, so there is nothing to wipe.
      const { publicKey, privateKey } = generateKeyPairSync("x25519");
      let used = false;
      return Promise.resolve({
        share: share(publicKey),
        finish: (serverShare: Uint8Array) => {
          if (used) {
            return Promise.reject(new Error("Cannot finish a key exchange twice: its ephemeral secret is erased"));
          }
          used = true;
          return new Promise<Uint8Array>((resolve) => resolve(derive(privateKey, serverShare)));
        },
      });
    },
    respond(clientShare: Uint8Array, random?: RandomSource) {
      if (random !== undefined) return nobleX25519.respond(clientShare, random);
      return new Promise<{ share: Uint8Array; sharedSecret: Uint8Array }>((resolve) => {
        checkX25519Share(clientShare); // before generating anything
        const { publicKey, privateKey } = generateKeyPairSync("x25519");
        resolve({ share: share(publicKey), sharedSecret: derive(privateKey, clientShare) });
      });
    },
  } as const,
);
