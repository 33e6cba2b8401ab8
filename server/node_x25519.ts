// X25519 for the server's handshakes on node:crypto: synchronous, one call per step instead of awaited WebCrypto calls.
//
// Why: WebCrypto's respond takes four calls in two awaited rounds, 252 µs of CPU per exchange on Deno 2.9.6;
// node:crypto's generateKeyPairSync + diffieHellman take 89 µs (bench/README.md). The shares are checked by the same
// functions as the noble and WebCrypto paths, so all three refuse the same inputs; with a RandomSource (the
// deterministic vectors) the exchange is noble's, as WebCrypto's is.

import { generateKeyPairSync } from "node:crypto";
import type { KeyExchange } from "../core/crypto/primitives/types.ts";
import { checkX25519Secret, checkX25519Share, nobleX25519 } from "../core/crypto/primitives/_x25519.ts";
import { nodeEcdh } from "./_node_ecdh.ts";

/** X25519 (RFC 7748) on node:crypto; with a RandomSource, noble's. */
export const nodeX25519: KeyExchange = nodeEcdh({
  id: "x25519",
  // DER SubjectPublicKeyInfo of an X25519 key without its 32 bytes (RFC 8410 §4).
  spkiPrefix: Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]),
  shareLength: 32,
  generate: () => generateKeyPairSync("x25519"),
  checkShare: checkX25519Share,
  checkSecret: checkX25519Secret,
  // A 32-byte string is always a u-coordinate: node:crypto refusing one would be a platform change.
  refused: "X25519 share is refused",
  seeded: nobleX25519,
});
