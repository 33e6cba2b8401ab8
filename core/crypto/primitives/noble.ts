// nobleProvider: every primitive from the audited @noble/* libraries, so it runs where crypto.subtle does not.

import type { AeadId, CryptoProvider, HashId, KexGroupParams, KexId, SigId, SignatureScheme } from "./types.ts";
import { nobleAead } from "./_aead.ts";
import { nobleEcdsaP256 } from "./_ecdsa.ts";
import { nobleEd25519 } from "./_ed25519.ts";
import { nobleHash } from "./_hash.ts";
import { hybridX25519MlKem768 } from "./_hybrid.ts";
import { nobleP256 } from "./_p256.ts";
import { kexFrom, pick } from "./_select.ts";
import { defaultRandom } from "./_util.ts";
import { nobleX25519 } from "./_x25519.ts";

const AEADS = {
  "aes-128-gcm": nobleAead("aes-128-gcm"),
  "aes-256-gcm": nobleAead("aes-256-gcm"),
  "chacha20-poly1305": nobleAead("chacha20-poly1305"),
} as const;
const SIGNATURES = { "ed25519": nobleEd25519, "ecdsa-p256": nobleEcdsaP256 } as const;
const KEXES = { "x25519": nobleX25519, "p256": nobleP256, "x25519-mlkem768": hybridX25519MlKem768(nobleX25519) };

/**
 * The pure-JavaScript provider: SHA-2, HMAC, HKDF from @noble/hashes; AES-GCM and ChaCha20-Poly1305
 * from @noble/ciphers; X25519, P-256, Ed25519, ECDSA and FFDHE arithmetic from @noble/curves;
 * ML-KEM-768 from @noble/post-quantum. Works without `crypto.subtle` (a page served over plain http);
 * needs only `crypto.getRandomValues`.
 *
 * @example Sealing and opening a record
 * ```ts
 * import { nobleProvider, utf8 } from "./mod.ts";
 *
 * const aead = nobleProvider.aead("chacha20-poly1305");
 * const key = await aead.importKey(nobleProvider.random(aead.keyLength));
 * const nonce = new Uint8Array(12); // never reuse a nonce with the same key
 * const sealed = await key.seal(nonce, utf8("hello"), utf8("header"));
 * const opened = await key.open(nonce, sealed, utf8("header"));
 * console.log(new TextDecoder().decode(opened)); // hello
 * ```
 */
export const nobleProvider: CryptoProvider = Object.freeze({
  name: "noble",
  hash: (id: HashId) => nobleHash(id),
  aead: (id: AeadId) => pick(AEADS, id, "AEAD"),
  kex: (id: KexId, group?: KexGroupParams) => kexFrom(KEXES, id, group),
  signature: (id: SigId): SignatureScheme => pick(SIGNATURES, id, "signature scheme"),
  random: defaultRandom,
});
