// Typed failures of the secure channel, for callers that branch on them (logs, UI, retries).

/** Why a handshake failed (PROTOCOL.md §7). */
export type HandshakeFailure =
  /** A handshake message could not be parsed or broke a rule of §7. */
  | "malformed"
  /** The peer speaks another protocol version. */
  | "unsupported_version"
  /** Nothing in common in one category of the suite. */
  | "no_common_suite"
  /** A key share failed validation (low-order point, off the curve, out of range). */
  | "bad_share"
  /** The server's signature does not verify: the handshake was altered in transit. */
  | "bad_signature"
  /** The server chose something the client did not offer. */
  | "downgrade"
  /** The client's Finished MAC does not match: the handshake was altered in transit. */
  | "bad_finished"
  /** The server's key is not the one the client pinned or was given. */
  | "key_changed"
  /** The handshake did not complete in time. */
  | "timeout"
  /** A message arrived where another was expected. */
  | "unexpected_message"
  /** The peer sent an alert and closed. */
  | "alert"
  /** The peer closed the connection before sending its first handshake message. */
  | "closed"
  /** The client left after the server's hello, without its Finished (a downgrade or a man in the middle may). */
  | "abandoned"
  /** This side's policy refused the peer before the key exchange (the server's rationing, PROTOCOL.md §8.1). */
  | "refused";

/** The handshake failed; `kind` says why. Its message is safe to show and log (it holds no key material). */
export class HandshakeError extends Error {
  override name = "HandshakeError";
  readonly kind: HandshakeFailure;

  /**
   * @param kind Why it failed.
   * @param message Sentence case, no final period.
   * @param options `cause`, when wrapping another error.
   */
  constructor(kind: HandshakeFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

/**
 * What a record that failed to open most likely was (PROTOCOL.md §9.4). Only
 * for the local log: the peer is told nothing, whatever the kind.
 */
export type RecordFailure = "tamper" | "replay" | "reorder" | "reflect" | "malformed" | "truncated";

/** A record failed to open or broke a rule of §9; the connection must close. */
export class RecordError extends Error {
  override name = "RecordError";
  readonly kind: RecordFailure;

  /**
   * @param kind The likely cause, for logs.
   * @param message Sentence case, no final period.
   */
  constructor(kind: RecordFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}
