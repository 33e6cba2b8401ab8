// The crypto primitive layer: one CryptoProvider interface, a noble and a WebCrypto implementation.

/**
 * Every primitive comes from WebCrypto or the audited `@noble/*` libraries; this module composes
 * them (hybrid key exchange, peer-value validation) and gives them one interface.
 *
 * @example Agreeing on a hybrid post-quantum secret
 * ```ts
 * import { constantTimeEqual, detectProvider } from "./mod.ts";
 *
 * const provider = await detectProvider();
 * const kex = provider.kex("x25519-mlkem768");
 * const client = await kex.start(); // client share: 1184 + 32 bytes
 * const server = await kex.respond(client.share); // server share: 1088 + 32 bytes
 * const secret = await client.finish(server.share); // 32 + 32 bytes
 * if (!constantTimeEqual(secret, server.sharedSecret)) throw new Error("both sides must agree");
 * ```
 *
 * @module
 */

export type {
  Aead,
  AeadId,
  AeadKey,
  CryptoProvider,
  Hash,
  HashId,
  KexGroupParams,
  KexId,
  KeyExchange,
  RandomSource,
  SigId,
  SignatureScheme,
} from "./types.ts";
export { AEAD_ERROR_MESSAGE, AeadError, KexError } from "./errors.ts";
export { concatBytes, constantTimeEqual, fromHex, hex, utf8 } from "../../bytes/mod.ts";
export { FFDHE_EXPONENT_BITS, FFDHE_GROUPS, FFDHE_MAX_BITS, FFDHE_MIN_BITS, ffdheGroup } from "./ffdhe.ts";
export { nobleProvider } from "./noble.ts";
export { WEBCRYPTO_AEAD_MIN_BYTES, webCryptoProvider } from "./webcrypto.ts";
export type { NativePrimitives, WebCryptoProvider, WebCryptoSupport } from "./webcrypto.ts";
export { detectProvider, isSecureCryptoAvailable } from "./detect.ts";
