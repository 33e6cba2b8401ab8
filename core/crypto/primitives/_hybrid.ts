// X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem §3): ML-KEM-768 (FIPS 203, @noble/post-quantum) beside X25519.

import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { KexError } from "./errors.ts";
import type { KeyExchange, RandomSource } from "./types.ts";
import { draw, singleUse, wipe } from "./_util.ts";
import { checkX25519Share, X25519_LENGTH } from "./_x25519.ts";
import type { Encapsulated, MlKemEncapsulate } from "./_webcrypto_mlkem.ts";
import { concatBytes } from "../../bytes/mod.ts";

/** FIPS 203 Table 3, ML-KEM-768: encapsulation key 1184 bytes, ciphertext 1088, shared secret 32. */
export const MLKEM768_EK_LENGTH = 1184;
export const MLKEM768_CT_LENGTH = 1088;
const MLKEM_SEED_LENGTH = 64; // d || z, FIPS 203 Algorithm 19
const MLKEM_MSG_LENGTH = 32; // m, FIPS 203 Algorithm 20

/** draft-ietf-tls-ecdhe-mlkem §3: client share = ML-KEM ek || X25519 share. */
export const HYBRID_CLIENT_SHARE_LENGTH = MLKEM768_EK_LENGTH + X25519_LENGTH;
/** draft-ietf-tls-ecdhe-mlkem §3: server share = ML-KEM ciphertext || X25519 share. */
export const HYBRID_SERVER_SHARE_LENGTH = MLKEM768_CT_LENGTH + X25519_LENGTH;

/**
 * Builds X25519MLKEM768 over a given X25519 exchange (noble's or WebCrypto's). The ML-KEM part runs on noble,
 * except the server's encapsulation when `encapsulate` is given (WebCrypto's, 3.4x faster than noble) and no
 * RandomSource is: WebCrypto cannot take the randomness the deterministic vectors fix.
 *
 * With a RandomSource, the client draws the 64-byte ML-KEM seed then the X25519 secret; the server
 * draws the 32-byte encapsulation randomness then its X25519 secret.
 *
 * draft-ietf-tls-ecdhe-mlkem §3: for X25519MLKEM768 the ML-KEM part comes FIRST in both shares and in
 * the shared secret (unlike SecP256r1MLKEM768), so the secret is ML-KEM ss (32) || X25519 ss (32).
 */
export function hybridX25519MlKem768(x25519: KeyExchange, encapsulate?: MlKemEncapsulate): KeyExchange {
  return Object.freeze(
    {
      id: "x25519-mlkem768",
      async start(random?: RandomSource) {
        const seed = random ? draw(random, MLKEM_SEED_LENGTH) : undefined;
        const { publicKey, secretKey } = ml_kem768.keygen(seed);
        wipe(seed);
        const classical = await x25519.start(random).catch((error) => {
          wipe(secretKey); // no finish() will run to wipe it; the error itself goes on unchanged
          throw error;
        });
        const finish = singleUse(async (serverShare) => {
          try {
            if (!(serverShare instanceof Uint8Array)) throw new TypeError("X25519MLKEM768 share must be a Uint8Array");
            if (serverShare.length !== HYBRID_SERVER_SHARE_LENGTH) {
              throw new KexError(
                `X25519MLKEM768 server share must be ${HYBRID_SERVER_SHARE_LENGTH} bytes, got ${serverShare.length}`,
              );
            }
            // Validate the X25519 half first: finish() then wipes its secret whether it succeeds or not.
            const classicalSecret = await classical.finish(serverShare.subarray(MLKEM768_CT_LENGTH));
            // FIPS 203 §6.3: a wrong ciphertext yields an unrelated "implicit rejection" secret, never an error.
            const pqSecret = ml_kem768.decapsulate(serverShare.subarray(0, MLKEM768_CT_LENGTH), secretKey);
            const secret = concatBytes(pqSecret, classicalSecret);
            wipe(pqSecret, classicalSecret);
            return secret;
          } finally {
            wipe(secretKey);
          }
        });
        const share = concatBytes(publicKey, classical.share);
        return { share, finish };
      },
      async respond(clientShare: Uint8Array, random?: RandomSource) {
        if (!(clientShare instanceof Uint8Array)) throw new TypeError("X25519MLKEM768 share must be a Uint8Array");
        if (clientShare.length !== HYBRID_CLIENT_SHARE_LENGTH) {
          throw new KexError(
            `X25519MLKEM768 client share must be ${HYBRID_CLIENT_SHARE_LENGTH} bytes, got ${clientShare.length}`,
          );
        }
        const encapsulationKey = clientShare.subarray(0, MLKEM768_EK_LENGTH);
        const classicalShare = clientShare.subarray(MLKEM768_EK_LENGTH);
        // Both halves are checked before any secret is made: the cheap X25519 check first.
        checkX25519Share(classicalShare);
        const msg = random ? draw(random, MLKEM_MSG_LENGTH) : undefined;
        let encapsulated: Encapsulated;
        try {
          // FIPS 203 §7.2: noble's encapsulate runs the encapsulation-key modulus check
          // (ByteEncode12(ByteDecode12(ek)) == ek) and throws when a coefficient is >= q; WebCrypto's refuses such a
          // key too (the length is checked above, so that is what a refusal means).
          encapsulated = encapsulate && !random
            ? await encapsulate(encapsulationKey)
            : ml_kem768.encapsulate(encapsulationKey, msg);
        } catch (error) {
          throw new KexError("ML-KEM-768 encapsulation key fails the modulus check (FIPS 203 §7.2)", { cause: error });
        } finally {
          wipe(msg);
        }
        try {
          const classical = await x25519.respond(classicalShare, random);
          const sharedSecret = concatBytes(encapsulated.sharedSecret, classical.sharedSecret);
          wipe(classical.sharedSecret);
          return { share: concatBytes(encapsulated.cipherText, classical.share), sharedSecret };
        } finally {
          wipe(encapsulated.sharedSecret);
        }
      },
    } as const,
  );
}
