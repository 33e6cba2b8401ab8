// Elliptic-curve Diffie-Hellman on @noble/curves as a KEM-shaped KeyExchange, once for every curve.

import type { KexId, KeyExchange, RandomSource } from "./types.ts";
import { promised, singleUse, wipe } from "./_util.ts";

/** What one curve supplies: key generation, the peer-share check and the raw shared secret. */
export interface NobleCurve {
  id: KexId;
  keyPair(random?: RandomSource): { secretKey: Uint8Array; publicKey: Uint8Array };
  /** Throws KexError for a share the protocol refuses (PROTOCOL.md §8.2). */
  checkShare(share: Uint8Array): void;
  /** The shared secret after the same checks; throws KexError. */
  sharedSecret(secretKey: Uint8Array, peerShare: Uint8Array): Uint8Array;
}

/**
 * Wraps a curve as a KeyExchange: the peer share is checked before any key is made, the client's `finish` works
 * once, and every ephemeral secret key is wiped as soon as the shared secret exists.
 *
 * @param curve The curve's operations.
 * @returns The key exchange.
 */
export function nobleEcdh(curve: NobleCurve): KeyExchange {
  return Object.freeze({
    id: curve.id,
    start(random?: RandomSource) {
      return promised(() => {
        const { secretKey, publicKey } = curve.keyPair(random);
        const finish = singleUse((serverShare) =>
          promised(() => {
            try {
              return curve.sharedSecret(secretKey, serverShare);
            } finally {
              wipe(secretKey);
            }
          })
        );
        return { share: publicKey, finish };
      });
    },
    respond(clientShare: Uint8Array, random?: RandomSource) {
      return promised(() => {
        curve.checkShare(clientShare);
        const { secretKey, publicKey } = curve.keyPair(random);
        try {
          return { share: publicKey, sharedSecret: curve.sharedSecret(secretKey, clientShare) };
        } finally {
          wipe(secretKey);
        }
      });
    },
  });
}
