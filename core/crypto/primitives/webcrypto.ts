// webCryptoProvider: the platform's WebCrypto for what it does correctly, noble for the rest.

import type {
  AeadId,
  CryptoProvider,
  HashId,
  KexGroupParams,
  KexId,
  KeyExchange,
  SigId,
  SignatureScheme,
} from "./types.ts";
import { nobleAead } from "./_aead.ts";
import { nobleHash } from "./_hash.ts";
import { hybridX25519MlKem768 } from "./_hybrid.ts";
import { defaultRandom } from "./_util.ts";
import { webCryptoAesGcm } from "./_webcrypto_aead.ts";
import { webCryptoMlKem768 } from "./_webcrypto_mlkem.ts";
import { webCryptoP256, webCryptoX25519 } from "./_webcrypto_kex.ts";
import { NO_WEBCRYPTO, probeWebCrypto, type WebCryptoSupport } from "./_webcrypto_probe.ts";
import { webCryptoEcdsaP256, webCryptoEd25519 } from "./_webcrypto_sign.ts";
import { nobleX25519 } from "./_x25519.ts";
import { nobleP256 } from "./_p256.ts";
import { kexFrom, pick } from "./_select.ts";

export { WEBCRYPTO_AEAD_MIN_BYTES } from "./_webcrypto_aead.ts";
export type { WebCryptoSupport } from "./_webcrypto_probe.ts";

/** A provider that also says which algorithms run on WebCrypto. */
export interface WebCryptoProvider extends CryptoProvider {
  /** The probe's findings: `true` where WebCrypto is used. */
  readonly webCrypto: WebCryptoSupport;
}

/**
 * Faster implementations the caller's runtime has (the server's `node:crypto`), used instead of WebCrypto's. Each
 * must refuse the same inputs as the noble path; the caller checks it against noble in its own tests.
 */
export interface NativePrimitives {
  /** X25519 (RFC 7748), also under X25519MLKEM768. */
  readonly x25519?: KeyExchange;
  /** P-256 ECDH. */
  readonly p256?: KeyExchange;
  /** Ed25519 signing (RFC 8032); verification stays WebCrypto's or noble's. */
  readonly ed25519Sign?: SignatureScheme["sign"];
}

/**
 * Builds a provider over `subtle` (default: `globalThis.crypto.subtle`). At creation it runs a
 * known-answer probe for AES-GCM, X25519, Ed25519, ECDSA P-256 and ECDH P-256 and uses WebCrypto for
 * each algorithm that passes; everything else is noble, as are, always:
 * - the hashes, HMAC and HKDF (synchronous, and small inputs, where WebCrypto's promise costs more);
 * - ChaCha20-Poly1305 and FFDHE (not in WebCrypto), and ML-KEM-768's key generation and decapsulation (the
 *   client's half; its encapsulation, the server's half, runs on WebCrypto where the probe finds ML-KEM-768);
 * - key generation whenever a `RandomSource` is passed to `start`, `respond` or `generateKeyPair`
 *   (WebCrypto cannot take a seed), and `generateKeyPair` always (the interface is synchronous).
 *
 * Peer shares, public keys and signatures go through noble's checks before WebCrypto sees them, so
 * both paths refuse the same inputs with the same errors.
 *
 * @param subtle The SubtleCrypto to use; without one every algorithm is noble.
 * @param native Faster primitives to use instead of WebCrypto's (none by default).
 * @returns The provider; its `webCrypto` field lists what the probe found.
 *
 * @example Using WebCrypto where the runtime has it
 * ```ts
 * import { constantTimeEqual, webCryptoProvider } from "./mod.ts";
 *
 * const provider = await webCryptoProvider();
 * console.log(provider.webCrypto.x25519); // true in Deno and current browsers
 * const kex = provider.kex("x25519");
 * const client = await kex.start();
 * const server = await kex.respond(client.share);
 * const secret = await client.finish(server.share);
 * if (!constantTimeEqual(secret, server.sharedSecret)) throw new Error("both sides must agree");
 * ```
 */
export async function webCryptoProvider(
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle,
  native: NativePrimitives = {},
): Promise<WebCryptoProvider> {
  const support = subtle === undefined ? NO_WEBCRYPTO : await probeWebCrypto(subtle);
  if (subtle === undefined) {
    // Loaded only here (a runtime without WebCrypto), so that a bundle for browsers keeps it in a chunk of its own.
    const { nobleProvider } = await import("./noble.ts");
    return Object.freeze({ ...nobleProvider, name: "webcrypto()", webCrypto: support });
  }
  const gcm = (id: AeadId) => support.aesGcm ? webCryptoAesGcm(subtle, id) : nobleAead(id);
  const aeads = {
    "aes-128-gcm": gcm("aes-128-gcm"),
    "aes-256-gcm": gcm("aes-256-gcm"),
    "chacha20-poly1305": nobleAead("chacha20-poly1305"),
  };
  const x25519 = native.x25519 ?? (support.x25519 ? webCryptoX25519(subtle) : nobleX25519);
  const kexes = {
    "x25519": x25519,
    "p256": native.p256 ?? (support.ecdhP256 ? webCryptoP256(subtle) : nobleP256),
    "x25519-mlkem768": hybridX25519MlKem768(x25519, support.mlKem768 ? webCryptoMlKem768(subtle) : undefined),
  };
  const signatures = {
    "ed25519": withSign(webCryptoEd25519(subtle, support.ed25519, support.ed25519), native.ed25519Sign),
    "ecdsa-p256": webCryptoEcdsaP256(subtle, support.ecdsaP256Sign, support.ecdsaP256Verify),
  };
  const used = Object.entries(support).filter(([, on]) => on).map(([name]) => name);
  const nativeUsed = Object.keys(native).filter((name) => native[name as keyof NativePrimitives] !== undefined);
  return Object.freeze({
    name: `webcrypto(${used.join(",")})${nativeUsed.length > 0 ? `+native(${nativeUsed.join(",")})` : ""}`,
    webCrypto: support,
    hash: (id: HashId) => nobleHash(id),
    aead: (id: AeadId) => pick(aeads, id, "AEAD"),
    kex: (id: KexId, group?: KexGroupParams) => kexFrom(kexes, id, group),
    signature: (id: SigId) => pick(signatures, id, "signature scheme"),
    random: defaultRandom,
  });
}

function withSign(scheme: SignatureScheme, sign: SignatureScheme["sign"] | undefined): SignatureScheme {
  return sign === undefined ? scheme : Object.freeze({ ...scheme, sign });
}
