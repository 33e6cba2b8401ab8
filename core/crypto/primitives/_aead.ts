// AES-GCM (NIST SP 800-38D) and ChaCha20-Poly1305 (RFC 8439) from @noble/ciphers, behind the Aead interface.

import { gcm } from "@noble/ciphers/aes.js";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { AeadError } from "./errors.ts";
import type { Aead, AeadId, AeadKey } from "./types.ts";
import { assertBytes, promised } from "./_util.ts";

/** Nonce and tag sizes shared by every AEAD here (RFC 5116 §5.1-5.3, RFC 8439 §2.8). */
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;

type CipherFactory = (key: Uint8Array, nonce: Uint8Array, ad: Uint8Array) => {
  encrypt(plaintext: Uint8Array): Uint8Array;
  decrypt(ciphertext: Uint8Array): Uint8Array;
};

const CIPHERS: Record<AeadId, { keyLength: number; factory: CipherFactory }> = {
  "aes-128-gcm": { keyLength: 16, factory: gcm },
  "aes-256-gcm": { keyLength: 32, factory: gcm },
  "chacha20-poly1305": { keyLength: 32, factory: chacha20poly1305 },
};

/** Returns key length and noble cipher for `id`; throws a TypeError for an unknown id. */
export function aeadSpec(id: AeadId): { keyLength: number; factory: CipherFactory } {
  const spec = Object.hasOwn(CIPHERS, id) ? CIPHERS[id] : undefined;
  if (spec === undefined) throw new TypeError(`Unknown AEAD: ${String(id)}`);
  return spec;
}

/** Checks the arguments of seal/open: programmer errors, so TypeError/RangeError rather than AeadError. */
export function checkAeadArgs(nonce: Uint8Array, data: Uint8Array, ad: Uint8Array, dataName: string): void {
  assertBytes(nonce, "nonce", NONCE_LENGTH);
  assertBytes(data, dataName);
  assertBytes(ad, "ad");
}

/** A synchronous noble AEAD key: the building block of both providers. */
export interface SyncAeadKey {
  sealSync(nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array;
  openSync(nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array;
}

/** Imports a key for the noble cipher `id`; the key bytes are copied so later changes by the caller do not apply. */
export function nobleAeadKey(id: AeadId, key: Uint8Array): SyncAeadKey {
  const { keyLength, factory } = aeadSpec(id);
  assertBytes(key, "key", keyLength);
  const ownKey = key.slice();
  return {
    sealSync(nonce, plaintext, ad) {
      checkAeadArgs(nonce, plaintext, ad, "plaintext");
      return factory(ownKey, nonce, ad).encrypt(plaintext);
    },
    openSync(nonce, ciphertext, ad) {
      checkAeadArgs(nonce, ciphertext, ad, "ciphertext");
      if (ciphertext.length < TAG_LENGTH) throw new AeadError();
      try {
        // RFC 8439 §2.8 / SP 800-38D §7.2: noble checks the tag (in constant time) before decrypting.
        return factory(ownKey, nonce, ad).decrypt(ciphertext);
      } catch {
        // Deliberately dropped: the library's message says which check failed; AeadError must not.
        throw new AeadError();
      }
    },
  };
}

/** The noble Aead for `id`. */
export function nobleAead(id: AeadId): Aead {
  const { keyLength } = aeadSpec(id);
  return Object.freeze(
    {
      id,
      keyLength,
      nonceLength: NONCE_LENGTH,
      tagLength: TAG_LENGTH,
      // promised() turns a synchronous argument error into a rejection, as an async API should.
      importKey(key: Uint8Array): Promise<AeadKey> {
        return promised(() => {
          const sync = nobleAeadKey(id, key);
          return {
            seal: (nonce, plaintext, ad) => promised(() => sync.sealSync(nonce, plaintext, ad)),
            open: (nonce, ciphertext, ad) => promised(() => sync.openSync(nonce, ciphertext, ad)),
          } satisfies AeadKey;
        });
      },
    } as const,
  );
}
