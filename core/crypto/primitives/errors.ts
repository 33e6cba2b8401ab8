// The two errors the primitive layer throws for bad peer input: AeadError and KexError.

/** The one message every AEAD failure carries, whatever check failed. */
export const AEAD_ERROR_MESSAGE = "Decryption failed";

/**
 * An AEAD record failed to open: wrong tag, wrong key, nonce or associated data, or a truncated ciphertext.
 *
 * The message is always {@linkcode AEAD_ERROR_MESSAGE} and no `cause` is attached, so neither a
 * caller nor a log can tell which check failed (a padding/tag oracle stays closed).
 *
 * @example Catching a failed open
 * ```ts
 * import { AeadError, nobleProvider } from "./mod.ts";
 *
 * const key = await nobleProvider.aead("aes-256-gcm").importKey(new Uint8Array(32));
 * try {
 *   await key.open(new Uint8Array(12), new Uint8Array(20), new Uint8Array());
 *   throw new Error("a forged record must not open");
 * } catch (error) {
 *   if (!(error instanceof AeadError)) throw error;
 *   console.log(error.message); // Decryption failed
 * }
 * ```
 */
export class AeadError extends Error {
  /** Creates the error; it takes no argument so that no detail can leak into it. */
  constructor() {
    super(AEAD_ERROR_MESSAGE);
    this.name = "AeadError";
  }
}

/**
 * A key-exchange peer value is invalid: wrong length, low-order point, point off the curve,
 * out-of-range FFDHE value or a malformed ML-KEM key.
 *
 * Unlike {@linkcode AeadError} the message is precise (for logs): a key share is public,
 * so saying what is wrong with it reveals nothing secret.
 *
 * @example Rejecting an all-zero X25519 share
 * ```ts
 * import { KexError, nobleProvider } from "./mod.ts";
 *
 * try {
 *   await nobleProvider.kex("x25519").respond(new Uint8Array(32));
 *   throw new Error("an all-zero share must be refused");
 * } catch (error) {
 *   if (!(error instanceof KexError)) throw error;
 *   console.log(error.message); // X25519 share is a low-order point
 * }
 * ```
 */
export class KexError extends Error {
  /**
   * Creates a key-exchange error.
   *
   * @param message Sentence-case description without a final period.
   * @param options Standard error options, e.g. the library error as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KexError";
  }
}
