// AES-GCM keys that send large records to WebCrypto and small ones to noble, whichever is faster.

import { AeadError } from "./errors.ts";
import type { Aead, AeadId, AeadKey } from "./types.ts";
import { assertBytes, bufferSource, promised } from "./_util.ts";
import { aeadSpec, checkAeadArgs, nobleAeadKey, NONCE_LENGTH, TAG_LENGTH } from "./_aead.ts";

/**
 * Records (plaintext bytes) below this size are sealed and opened by noble synchronously; from this size up, by
 * WebCrypto. It is 0: every record goes to WebCrypto, through the `CryptoKey` imported once per direction and key
 * (PROTOCOL.md §9), whose key schedule the platform keeps. noble's `gcm()` takes the key with each nonce, so it
 * expands the AES key and builds its GHASH table again for every record: on Deno 2.9.6 a 64-byte seal cost 28 µs of
 * CPU on noble against 8 µs on WebCrypto, 200 bytes 22 against 9 µs (CPU time from `process.cpuUsage()`, which an
 * awaited call's wall time hides; bench/aead_bench.ts times wall clock). It was 256, set from wall-clock timings.
 * A provider without WebCrypto (no secure context) stays on noble for every size.
 */
export const WEBCRYPTO_AEAD_MIN_BYTES = 0;

/** AES-GCM over `subtle` for records of at least `minBytes` and over noble below. */
export function webCryptoAesGcm(subtle: SubtleCrypto, id: AeadId, minBytes = WEBCRYPTO_AEAD_MIN_BYTES): Aead {
  const { keyLength } = aeadSpec(id);
  if (id === "chacha20-poly1305") throw new TypeError("WebCrypto has no ChaCha20-Poly1305");
  return Object.freeze(
    {
      id,
      keyLength,
      nonceLength: NONCE_LENGTH,
      tagLength: TAG_LENGTH,
      async importKey(key: Uint8Array): Promise<AeadKey> {
        // Also checks the key's type and length. Records below minBytes (none by default) are sealed by noble.
        const sync = minBytes > 0 ? await nobleAeadKey(id, key) : undefined;
        if (!sync) assertBytes(key, "key", keyLength);
        const cryptoKey = await subtle.importKey("raw", bufferSource(key), "AES-GCM", false, ["encrypt", "decrypt"]);
        const params = (nonce: Uint8Array, ad: Uint8Array): AesGcmParams => ({
          name: "AES-GCM",
          iv: bufferSource(nonce),
          additionalData: bufferSource(ad),
          tagLength: TAG_LENGTH * 8,
        });
        return {
          seal(nonce, plaintext, ad) {
            return promised(() => checkAeadArgs(nonce, plaintext, ad, "plaintext")).then(async () => {
              if (plaintext.length < minBytes) return sync!.sealSync(nonce, plaintext, ad);
              return new Uint8Array(await subtle.encrypt(params(nonce, ad), cryptoKey, bufferSource(plaintext)));
            });
          },
          open(nonce, ciphertext, ad) {
            return promised(() => checkAeadArgs(nonce, ciphertext, ad, "ciphertext")).then(async () => {
              // Shorter than a tag: no AEAD output at all, refused like any record that fails to open.
              if (ciphertext.length < TAG_LENGTH) throw new AeadError();
              if (ciphertext.length - TAG_LENGTH < minBytes) return sync!.openSync(nonce, ciphertext, ad);
              try {
                return new Uint8Array(await subtle.decrypt(params(nonce, ad), cryptoKey, bufferSource(ciphertext)));
              } catch {
                // OperationError is WebCrypto's only answer for a bad tag; AeadError carries no detail either way.
                throw new AeadError();
              }
            });
          },
        };
      },
    } as const,
  );
}
