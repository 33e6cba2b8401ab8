// Server identity: the long-term signing keys and the fingerprint users compare and pin (PROTOCOL.md §8.5).

import { encodeValue, type Value } from "../codec/value.ts";
import { ALGORITHMS } from "./suites.ts";
import type { CryptoProvider, SigId } from "./primitives/types.ts";

/** The server's long-term key pairs, one per signature scheme it supports. */
export type ServerKeys = Partial<Record<SigId, { secretKey: Uint8Array; publicKey: Uint8Array }>>;

/** The public halves of {@link ServerKeys}, as sent in the ServerHello. */
export type IdentityKeys = Partial<Record<SigId, Uint8Array>>;

/**
 * The identity map exactly as it is encoded on the wire and hashed for the
 * fingerprint: keys in the order of `ALGORITHMS.sig`, absent schemes left out.
 *
 * @param keys Public keys.
 * @returns A value ready for `encodeValue`.
 */
export function identityValue(keys: IdentityKeys): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const sig of ALGORITHMS.sig) {
    const key = keys[sig];
    if (key) out[sig] = key;
  }
  return out;
}

/**
 * The server's fingerprint: `SHA256:` and the unpadded base64 of SHA-256 over
 * the encoded identity map, the form SSH users know.
 *
 * @param provider Supplies SHA-256.
 * @param keys The server's public keys.
 * @returns E.g. `SHA256:2Xv9…` (50 characters).
 *
 * @example
 * ```ts
 * import { fingerprint } from "./identity.ts";
 * import { nobleProvider } from "./primitives/noble.ts";
 * fingerprint(nobleProvider, { ed25519: new Uint8Array(32) }); // "SHA256:…"
 * ```
 */
export function fingerprint(provider: CryptoProvider, keys: IdentityKeys): string {
  const digest = provider.hash("sha256").digest(encodeValue(identityValue(keys)));
  return "SHA256:" + btoa(String.fromCharCode(...digest)).replace(/=+$/, "");
}

/**
 * The public keys of a set of key pairs.
 *
 * @param keys Key pairs.
 * @returns Their public halves.
 */
export function publicKeys(keys: ServerKeys): IdentityKeys {
  const out: IdentityKeys = {};
  for (const sig of ALGORITHMS.sig) {
    const pair = keys[sig];
    if (pair) out[sig] = pair.publicKey;
  }
  return out;
}
