// AES-GCM (NIST SP 800-38D) and ChaCha20-Poly1305 (RFC 8439) from @noble/ciphers, behind the Aead interface.
//
// The ciphers are imported when a key is first imported, not with this file: a browser with WebCrypto seals AES-GCM
// there and needs noble's code only for a negotiated ChaCha20-Poly1305, so the sign-in page does not carry it
// (issue 10's weight). Importing a key is asynchronous anyway.

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

const gcm = (): Promise<CipherFactory> => import("@noble/ciphers/aes.js").then((module) => module.gcm);
const chacha = (): Promise<CipherFactory> =>
  import("@noble/ciphers/chacha.js").then((module) => module.chacha20poly1305);

const CIPHERS: Record<AeadId, { keyLength: number; load: () => Promise<CipherFactory> }> = {
  "aes-128-gcm": { keyLength: 16, load: gcm },
  "aes-256-gcm": { keyLength: 32, load: gcm },
  "chacha20-poly1305": { keyLength: 32, load: chacha },
};

/** Returns key length and the loader of the noble cipher for `id`; throws a TypeError for an unknown id. */
export function aeadSpec(id: AeadId): { keyLength: number; load: () => Promise<CipherFactory> } {
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

/**
 * Imports a key for the noble cipher `id`; the key bytes are copied so later changes by the caller do not apply.
 * The key's type and length are checked before anything is loaded: a wrong key throws at once.
 */
export function nobleAeadKey(id: AeadId, key: Uint8Array): Promise<SyncAeadKey> {
  const { keyLength, load } = aeadSpec(id);
  assertBytes(key, "key", keyLength);
  const ownKey = key.slice();
  return load().then((factory) => syncKey(factory, ownKey));
}

function syncKey(factory: CipherFactory, ownKey: Uint8Array): SyncAeadKey {
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
      // Async, so a synchronous argument error becomes a rejection, as an async API should; promised() does the same
      // for seal and open.
      async importKey(key: Uint8Array): Promise<AeadKey> {
        const sync = await nobleAeadKey(id, key);
        return {
          seal: (nonce, plaintext, ad) => promised(() => sync.sealSync(nonce, plaintext, ad)),
          open: (nonce, ciphertext, ad) => promised(() => sync.openSync(nonce, ciphertext, ad)),
        } satisfies AeadKey;
      },
    } as const,
  );
}
