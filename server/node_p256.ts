// P-256 ECDH for the server's handshakes on node:crypto: synchronous, one call per step instead of awaited WebCrypto
// calls.
//
// Why: WebCrypto's respond (generateKey, importKey, then exportKey and deriveBits) costs 560 µs of CPU per exchange
// on Deno 2.9.6, most of it in exportKey (285 µs) and deriveBits (282 µs); node:crypto's generateKeyPairSync, the
// public key's DER export, createPublicKey and diffieHellman take about 480 µs (bench/README.md). The client's share
// is checked by noble's checkP256Share first, as on the noble and WebCrypto paths, so all three refuse the same
// inputs; with a RandomSource (the deterministic vectors) the exchange is noble's, as WebCrypto's is.

import { generateKeyPairSync } from "node:crypto";
import { fromHex } from "../core/bytes/hex.ts";
import type { KeyExchange } from "../core/crypto/primitives/types.ts";
import { checkP256Share, nobleP256, P256_SHARE_LENGTH } from "../core/crypto/primitives/_p256.ts";
import { nodeEcdh } from "./_node_ecdh.ts";

/** P-256 ECDH on node:crypto; with a RandomSource, noble's. SP 800-56A §5.7.1.2: the shared secret is x(P), 32 bytes. */
export const nodeP256: KeyExchange = nodeEcdh({
  id: "p256",
  // DER SubjectPublicKeyInfo of a P-256 key without its point (RFC 5480 §2: id-ecPublicKey, secp256r1, then a BIT
  // STRING of the 65-byte uncompressed point).
  spkiPrefix: fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200"),
  shareLength: P256_SHARE_LENGTH,
  generate: () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
  checkShare: checkP256Share,
  refused: "P-256 share is not on the curve",
  seeded: nobleP256,
});
