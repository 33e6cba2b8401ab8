// SHA-256/384 digests for the server's handshakes on node:crypto; HMAC and HKDF stay the provider's (noble).
//
// Why: a handshake hashes its transcript twice (the signature's input and the key schedule's context), 2.9 KB each
// with the default suite's ML-KEM shares; OpenSSL's SHA-256 through createHash takes 4 µs for that against noble's
// 15 µs (Deno 2.9.6, bench/README.md). For the small inputs of HMAC and HKDF (32-100 bytes) node:crypto costs more
// than noble (createHmac 9.8 µs against 4.6 µs, hkdfSync 8.5 µs per call), so those are left alone.

import { createHash } from "node:crypto";
import type { CryptoProvider, Hash, HashId } from "../core/crypto/primitives/types.ts";
import { assertBytes } from "../core/crypto/primitives/_util.ts";

/**
 * `hash` with its digest computed by node:crypto: the same bytes (FIPS 180-4), checked against noble in its test.
 *
 * @param hash The provider's hash, which keeps HMAC and HKDF.
 * @returns The hash with a native digest.
 */
export function withNodeDigest(hash: Hash): Hash {
  const id = hash.id;
  return Object.freeze({
    ...hash,
    digest(data: Uint8Array): Uint8Array {
      assertBytes(data, "data");
      // Copied out of the Buffer: its ArrayBuffer may be shared with others (Node's pool).
      return new Uint8Array(createHash(id).update(data).digest());
    },
  });
}

/**
 * `provider` with its SHA-256 and SHA-384 digests on node:crypto (see {@link withNodeDigest}); everything else is the
 * provider's own.
 *
 * @param provider The provider the server would use.
 * @returns The same provider with native digests.
 */
export function withNodeDigests(provider: CryptoProvider): CryptoProvider {
  const hashes: Record<HashId, Hash> = {
    sha256: withNodeDigest(provider.hash("sha256")),
    sha384: withNodeDigest(provider.hash("sha384")),
  };
  return Object.freeze({
    ...provider,
    name: `${provider.name}+node-digest`,
    hash: (id: HashId) => Object.hasOwn(hashes, id) ? hashes[id] : provider.hash(id),
  });
}
