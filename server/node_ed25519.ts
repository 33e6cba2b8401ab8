// Ed25519 signing for the server's handshakes on node:crypto, with the identity key imported once.
//
// Why: WebCrypto imports the PKCS #8 key and signs in two awaited calls, 96 µs of CPU per signature on Deno 2.9.6;
// node:crypto's sign() with a KeyObject made once takes 18 µs (bench/README.md). Ed25519 is deterministic (RFC 8032
// §5.1.6), so the signatures are byte for byte those of noble and WebCrypto.

import { Buffer } from "node:buffer";
import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import { constantTimeEqual } from "../core/bytes/mod.ts";
import { checkEd25519SignArgs } from "../core/crypto/primitives/_ed25519.ts";
import { ED25519_PKCS8_PREFIX } from "../core/crypto/primitives/_webcrypto_probe.ts";
import type { SignatureScheme } from "../core/crypto/primitives/types.ts";

/**
 * An Ed25519 `sign` on node:crypto. It keeps the KeyObject of the last key it signed with (the server signs with its
 * one identity key), checked against the key's bytes on every call.
 *
 * @returns A function with the contract of {@link SignatureScheme.sign}.
 */
export function nodeEd25519Sign(): SignatureScheme["sign"] {
  let last: { secret: Uint8Array; key: KeyObject } | undefined;
  const keyFor = (secretKey: Uint8Array): KeyObject => {
    if (last !== undefined && constantTimeEqual(last.secret, secretKey)) return last.key;
    const pkcs8 = Buffer.alloc(ED25519_PKCS8_PREFIX.length + secretKey.length);
    pkcs8.set(ED25519_PKCS8_PREFIX, 0);
    pkcs8.set(secretKey, ED25519_PKCS8_PREFIX.length);
    const key = createPrivateKey({
      key: pkcs8,
      format: "der",
      type: "pkcs8",
    });
    pkcs8.fill(0);
    last = { secret: secretKey.slice(), key };
    return key;
  };
  return (secretKey, message) =>
    new Promise((resolve) => {
      checkEd25519SignArgs(secretKey, message);
      resolve(new Uint8Array(sign(null, message, keyFor(secretKey))));
    });
}
