// The primitive layer's interface: one CryptoProvider, implemented by noble (pure JS) and by WebCrypto.

/** Hash functions the protocol uses (FIPS 180-4). */
export type HashId = "sha256" | "sha384";
/** AEAD ciphers: AES-GCM (NIST SP 800-38D) and ChaCha20-Poly1305 (RFC 8439). */
export type AeadId = "aes-256-gcm" | "chacha20-poly1305" | "aes-128-gcm";
/** Key exchanges: X25519 (RFC 7748), P-256 ECDH, X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem), FFDHE (RFC 7919). */
export type KexId = "x25519" | "p256" | "x25519-mlkem768" | "ffdhe";
/** Signature schemes: Ed25519 (RFC 8032) and ECDSA over P-256 with SHA-256 (FIPS 186-5). */
export type SigId = "ed25519" | "ecdsa-p256";
/** Returns `length` fresh random bytes; the default is `crypto.getRandomValues`. Tests pass a seeded one. */
export type RandomSource = (length: number) => Uint8Array;

/** A hash function with the HMAC (RFC 2104) and HKDF (RFC 5869) built on it. All synchronous. */
export interface Hash {
  /** Which hash this is. */
  readonly id: HashId;
  /** Digest size in bytes: 32 for SHA-256, 48 for SHA-384. */
  readonly outputLength: number;
  /** The hash of `data` (FIPS 180-4). */
  digest(data: Uint8Array): Uint8Array;
  /** HMAC (RFC 2104) of `data` under `key`. */
  hmac(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-Extract (RFC 5869 §2.2); an empty salt stands for `outputLength` zero bytes. */
  hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand (RFC 5869 §2.3); `length` must be at most 255 * `outputLength`. */
  hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

/** An AEAD key, imported once and used for many records. */
export interface AeadKey {
  /** Returns ciphertext || 16-byte tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Promise<Uint8Array>;
  /** Rejects with AeadError, same message for every failure. */
  open(nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Promise<Uint8Array>;
  /**
   * {@link seal} without a promise, where the implementation is synchronous anyway (node:crypto on the server): the
   * record layer then seals without an await per record. Same output as `seal`, after `headroom` bytes (default 0)
   * left for the caller's header, so that a record and its frame are one buffer; an implementation may ignore
   * `headroom` (the caller sees it from the length).
   */
  sealSync?(nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array, headroom?: number): Uint8Array;
  /** {@link open} without a promise; throws AeadError, same message for every failure. */
  openSync?(nonce: Uint8Array, ciphertext: Uint8Array, ad: Uint8Array): Uint8Array;
}

/** An AEAD algorithm: 12-byte nonces and 16-byte tags throughout. */
export interface Aead {
  /** Which AEAD this is. */
  readonly id: AeadId;
  /** Key size in bytes: 16 for AES-128-GCM, 32 otherwise. */
  readonly keyLength: number;
  /** Nonce size in bytes (RFC 5116 §5.1, RFC 8439 §2.8). */
  readonly nonceLength: 12;
  /** Tag size in bytes, appended to every ciphertext. */
  readonly tagLength: 16;
  /** Imports a raw key of `keyLength` bytes (copied); rejects with RangeError for another length. */
  importKey(key: Uint8Array): Promise<AeadKey>;
}

/** A finite-field Diffie-Hellman group (ffdhe only): see `FFDHE_GROUPS` and `ffdheGroup()`. */
export interface KexGroupParams {
  /** The prime modulus. */
  p: bigint;
  /** The generator. */
  g: bigint;
  /** A name for logs, e.g. `ffdhe3072`. */
  name: string;
}

/** KEM-shaped key exchange so DH and ML-KEM look alike. */
export interface KeyExchange {
  /** Which key exchange this is. */
  readonly id: KexId;
  /** Client side: fresh ephemeral key; `share` goes to the server; `finish(serverShare)` returns the shared secret or throws KexError on an invalid peer value. */
  start(random?: RandomSource): Promise<{ share: Uint8Array; finish(serverShare: Uint8Array): Promise<Uint8Array> }>;
  /** Server side: validates the client share, answers with its own share and the shared secret; throws KexError on an invalid client value. */
  respond(clientShare: Uint8Array, random?: RandomSource): Promise<{ share: Uint8Array; sharedSecret: Uint8Array }>;
}

/** A signature scheme with raw byte keys. */
export interface SignatureScheme {
  /** Which scheme this is. */
  readonly id: SigId;
  /** A new key pair; with `random`, derived from its bytes (deterministic tests). Synchronous. */
  generateKeyPair(random?: RandomSource): { secretKey: Uint8Array; publicKey: Uint8Array };
  /** A deterministic signature (RFC 8032 / RFC 6979) of `message`; 64 bytes. */
  sign(secretKey: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /** false for any invalid or non-canonical signature or key; never throws on bad input. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** Everything the handshake and record layer need, from one implementation. */
export interface CryptoProvider {
  /** For logs: which implementation, and what runs on WebCrypto. */
  readonly name: string;
  /** The hash `id`; throws TypeError for an unknown id. */
  hash(id: HashId): Hash;
  /** The AEAD `id`; throws TypeError for an unknown id. */
  aead(id: AeadId): Aead;
  /** The key exchange `id`; `group` is required for ffdhe and refused for the others (TypeError). */
  kex(id: KexId, group?: KexGroupParams): KeyExchange;
  /** The signature scheme `id`; throws TypeError for an unknown id. */
  signature(id: SigId): SignatureScheme;
  /** The platform CSPRNG (`crypto.getRandomValues`). */
  random: RandomSource;
}
