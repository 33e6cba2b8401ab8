// Test-only helpers shared by the *_test.ts files here: the providers under test and a seeded RandomSource.

import { sha256 } from "@noble/hashes/sha2.js";
import type { AeadId, AeadKey, CryptoProvider, RandomSource } from "./types.ts";
import { nobleProvider } from "./noble.ts";
import { nobleAeadKey } from "./_aead.ts";
import { webCryptoProvider } from "./webcrypto.ts";

/** Every provider the shared suites run against (Hono style: one suite, every implementation). */
export const PROVIDERS: readonly CryptoProvider[] = [nobleProvider, await webCryptoProvider()];

/**
 * The noble provider with AEAD keys that also seal and open synchronously (`sealSync`/`openSync`), as the server's
 * node:crypto keys do: for the record layer's paths without an await.
 */
export const syncNobleProvider: CryptoProvider = withAeadKeys(nobleProvider, async (key, id, raw) => {
  const sync = await nobleAeadKey(id, raw);
  return { seal: key.seal, open: key.open, sealSync: sync.sealSync, openSync: sync.openSync };
});

/**
 * `provider` with every imported AEAD key passed through `wrap`: for tests that give keys other powers or faults.
 *
 * @param provider The provider whose keys are wrapped.
 * @param wrap Makes the key the record layer gets from the provider's key, its AEAD and its raw bytes.
 * @returns The provider with wrapped keys.
 */
export function withAeadKeys(
  provider: CryptoProvider,
  wrap: (key: AeadKey, id: AeadId, raw: Uint8Array) => AeadKey | Promise<AeadKey>,
): CryptoProvider {
  return {
    ...provider,
    aead(id) {
      const aead = provider.aead(id);
      return { ...aead, importKey: async (raw) => await wrap(await aead.importKey(raw), id, raw) };
    },
  };
}

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
