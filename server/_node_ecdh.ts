// One elliptic-curve Diffie-Hellman on node:crypto, shaped by its curve: the server's X25519 and P-256 (node_x25519.ts,
// node_p256.ts). Synchronous, one call per step; with a RandomSource (the deterministic vectors) the noble exchange.

import { Buffer } from "node:buffer";
import { createPublicKey, diffieHellman, type KeyObject } from "node:crypto";
import { KexError } from "../core/crypto/primitives/errors.ts";
import type { KexId, KeyExchange, RandomSource } from "../core/crypto/primitives/types.ts";
import { promised, singleUse } from "../core/crypto/primitives/_util.ts";

/** What differs between curves. */
export interface NodeCurve {
  id: KexId;
  /** DER SubjectPublicKeyInfo of a public key without its share: the share follows. */
  spkiPrefix: Uint8Array;
  /** The share's length in bytes. */
  shareLength: number;
  /** A fresh key pair (`generateKeyPairSync`). */
  generate(): { publicKey: KeyObject; privateKey: KeyObject };
  /** Throws a KexError for a share the noble and WebCrypto paths refuse too; run before any work. */
  checkShare(share: Uint8Array): void;
  /** Checks the shared secret (X25519: not all zero); returns it. */
  checkSecret?(secret: Uint8Array): Uint8Array;
  /** The KexError message for a share node:crypto refuses after `checkShare` passed it. */
  refused: string;
  /** The exchange used with a RandomSource. */
  seeded: KeyExchange;
}

/**
 * The key exchange of `curve` on node:crypto.
 *
 * @param curve The curve's encoding, checks and fallback.
 * @returns The exchange; its private keys are KeyObjects that never leave the platform's memory as bytes, so there
 *   is nothing to wipe.
 */
export function nodeEcdh(curve: NodeCurve): KeyExchange {
  const { spkiPrefix, shareLength } = curve;
  const share = (publicKey: KeyObject): Uint8Array => {
    const der = publicKey.export({ format: "der", type: "spki" });
    if (der.length !== spkiPrefix.length + shareLength) {
      // node:crypto exports the same encoding for every key it generated; anything else is a platform change.
      throw new Error(`Unexpected ${curve.id} public key encoding from node:crypto (${der.length} bytes)`);
    }
    return new Uint8Array(der.subarray(spkiPrefix.length));
  };
  const derive = (privateKey: KeyObject, peerShare: Uint8Array): Uint8Array => {
    curve.checkShare(peerShare);
    const spki = Buffer.allocUnsafe(spkiPrefix.length + peerShare.length);
    spki.set(spkiPrefix, 0);
    spki.set(peerShare, spkiPrefix.length);
    let secret: Uint8Array;
    try {
      secret = new Uint8Array(
        diffieHellman({ privateKey, publicKey: createPublicKey({ key: spki, format: "der", type: "spki" }) }),
      );
    } catch (error) {
      // Unreachable after checkShare; wrapped to keep one error type.
      throw new KexError(curve.refused, { cause: error });
    }
    return curve.checkSecret ? curve.checkSecret(secret) : secret;
  };
  return Object.freeze({
    id: curve.id,
    start(random?: RandomSource) {
      if (random !== undefined) return curve.seeded.start(random);
      return promised(() => {
        const { publicKey, privateKey } = curve.generate();
        return {
          share: share(publicKey),
          finish: singleUse((serverShare) => promised(() => derive(privateKey, serverShare))),
        };
      });
    },
    respond(clientShare: Uint8Array, random?: RandomSource) {
      if (random !== undefined) return curve.seeded.respond(clientShare, random);
      return promised(() => {
        curve.checkShare(clientShare); // before generating anything
        const { publicKey, privateKey } = curve.generate();
        return { share: share(publicKey), sharedSecret: derive(privateKey, clientShare) };
      });
    },
  });
}
