// AES-GCM for the server's records on node:crypto (OpenSSL): synchronous, with the key imported once per direction.
//
// Why not the core providers on the server: noble's gcm() takes the key with every nonce, so it expands the AES key
// and builds its GHASH table again for each record (28 µs of CPU for a 64-byte record on Deno 2.9.6), and an awaited
// WebCrypto call per record is cheap alone (8 µs) but costs far more when a room's fan-out has a thousand seals in
// flight at once (bench/README.md, "record layer"). OpenSSL's AES-GCM with a KeyObject made once is neither. The core
// stays isomorphic: this lives in server/, and the wire format is the same AES-GCM (RFC 5116), checked against noble.

import { createCipheriv, createDecipheriv } from "node:crypto";
import { AeadError } from "../core/crypto/primitives/errors.ts";
import type { Aead, AeadId, AeadKey, CryptoProvider } from "../core/crypto/primitives/types.ts";

const TAG_LENGTH = 16;
/** Mimi's AES-GCM ids are also OpenSSL's cipher names. */
type GcmId = "aes-128-gcm" | "aes-256-gcm";
const NONCE_LENGTH = 12;

function check(nonce: Uint8Array, data: Uint8Array, ad: Uint8Array): void {
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_LENGTH) {
    throw new TypeError(`Nonce must be ${NONCE_LENGTH} bytes`);
  }
  if (!(data instanceof Uint8Array) || !(ad instanceof Uint8Array)) throw new TypeError("Data and AD must be bytes");
}

function seal(
  algorithm: GcmId,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ad: Uint8Array,
  headroom = 0,
) {
  check(nonce, plaintext, ad);
  const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(ad);
  const head = cipher.update(plaintext);
  // GCM is a stream mode: update() returns every byte and final() none, so the usual case is one copy, not three.
  const tail = cipher.final();
  const out = new Uint8Array(headroom + head.length + tail.length + TAG_LENGTH);
  out.set(head, headroom);
  if (tail.length > 0) out.set(tail, headroom + head.length);
  out.set(cipher.getAuthTag(), headroom + head.length + tail.length);
  return out;
}

function open(algorithm: GcmId, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array) {
  check(nonce, ciphertext, ad);
  if (ciphertext.length < TAG_LENGTH) throw new AeadError();
  const body = ciphertext.subarray(0, ciphertext.length - TAG_LENGTH);
  try {
    const decipher = createDecipheriv(algorithm, key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(ad);
    // SP 800-38D §7.2: OpenSSL checks the tag in final(), and the plaintext is returned only if it matched.
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_LENGTH));
    const head = decipher.update(body);
    const tail = decipher.final();
    if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  } catch {
    // Deliberately dropped: OpenSSL's message says which check failed; AeadError must not (PROTOCOL.md §9.4).
    throw new AeadError();
  }
}

/**
 * AES-GCM on node:crypto for `id` (`aes-128-gcm` or `aes-256-gcm`).
 *
 * @param id The AEAD.
 * @returns An {@link Aead} whose keys seal and open synchronously: `sealSync`/`openSync`, and `seal`/`open` whose
 *   promises are already settled.
 */
export function nodeAesGcm(id: GcmId): Aead {
  const keyLength = id === "aes-128-gcm" ? 16 : 32;
  const algorithm = id;
  return Object.freeze(
    {
      id,
      keyLength,
      nonceLength: NONCE_LENGTH,
      tagLength: TAG_LENGTH,
      importKey(raw: Uint8Array): Promise<AeadKey> {
        if (!(raw instanceof Uint8Array) || raw.length !== keyLength) {
          return Promise.reject(new RangeError(`Key must be ${keyLength} bytes`));
        }
        // The key's own copy, as raw bytes rather than a KeyObject: Deno's node:crypto exports a KeyObject's bytes
        // again for every cipher made from it (0.8 µs of CPU per record). Either way the bytes live in this process.
        const key = Uint8Array.from(raw);
        return Promise.resolve({
          seal: (nonce, plaintext, ad) => new Promise((resolve) => resolve(seal(algorithm, key, nonce, plaintext, ad))),
          open: (nonce, ciphertext, ad) =>
            new Promise((resolve) => resolve(open(algorithm, key, nonce, ciphertext, ad))),
          // The record layer seals and opens through these when present: no promise and no await per record.
          sealSync: (nonce, plaintext, ad, headroom) => seal(algorithm, key, nonce, plaintext, ad, headroom),
          openSync: (nonce, ciphertext, ad) => open(algorithm, key, nonce, ciphertext, ad),
        });
      },
    } as const,
  );
}

/**
 * `provider` with its AES-GCM replaced by {@link nodeAesGcm}; everything else (ChaCha20-Poly1305, key exchanges,
 * signatures, hashes) is the provider's own.
 *
 * @param provider The provider the server would use (from `detectProvider()`).
 * @returns The same provider for the server's records.
 */
export function withNodeAesGcm(provider: CryptoProvider): CryptoProvider {
  const aeads: Partial<Record<AeadId, Aead>> = {
    "aes-128-gcm": nodeAesGcm("aes-128-gcm"),
    "aes-256-gcm": nodeAesGcm("aes-256-gcm"),
  };
  return Object.freeze({
    ...provider,
    name: `${provider.name}+node-aes-gcm`,
    aead: (id: AeadId) => aeads[id] ?? provider.aead(id),
  });
}
