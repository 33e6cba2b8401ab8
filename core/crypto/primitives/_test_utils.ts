// Test-only helpers shared by the *_test.ts files here: the providers under test and a seeded RandomSource.

import { sha256 } from "@noble/hashes/sha2.js";
import type { CryptoProvider, RandomSource } from "./types.ts";
import { nobleProvider } from "./noble.ts";
import { nobleAeadKey } from "./_aead.ts";
import { webCryptoProvider } from "./webcrypto.ts";

/** Every provider the shared suites run against (Hono style: one suite, every implementation). */
export const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, await webCryptoProvider()];

/**
 * The noble provider with AEAD keys that also seal and open synchronously (`sealSync`/`openSync`), as the server's
 * node:crypto keys do: for the record layer's paths without an await.
 */
export const syncNobleProvider: CryptoProvider = {
  ...nobleProvider,
  aead(id) {
    const aead = nobleProvider.aead(id);
    return {
      ...aead,
      async importKey(raw) {
        const [key, sync] = await Promise.all([aead.importKey(raw), nobleAeadKey(id, raw)]);
        return { seal: key.seal, open: key.open, sealSync: sync.sealSync, openSync: sync.openSync };
      },
    };
  },
};

/** A deterministic RandomSource: SHA-256 in counter mode over `seed`, so transcripts repeat exactly. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      const block = sha256(new TextEncoder().encode(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    }
    return out;
  };
}

/** A copy of `bytes` with bit `bit` of byte `index` flipped. */
export function flip(bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[index] ^= 1 << bit;
  return out;
}
