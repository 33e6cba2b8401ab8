// The server presented another key than the one the client expected: the failure a client must explain with both keys.

import { HandshakeError } from "../crypto/errors.ts";
import type { HandshakeResult } from "../crypto/handshake_client.ts";

/**
 * The server's key is not the one the client expected (PROTOCOL.md §8.5): someone may be intercepting the connection,
 * or the server was given a new key. A `HandshakeError` of kind `key_changed` that carries both fingerprints, so a
 * screen can show them side by side.
 */
export class ServerKeyChangedError extends HandshakeError {
  override name = "ServerKeyChangedError";
  /** The fingerprint the client expected (pinned, or the one its page was served with). */
  readonly expected: string;
  /** The fingerprint the server presented. */
  readonly presented: string;

  /**
   * @param expected The fingerprint expected.
   * @param presented The fingerprint presented.
   * @param message Sentence case, no final period; by default names both fingerprints.
   */
  constructor(expected: string, presented: string, message?: string) {
    super("key_changed", message ?? `The server presented the key ${presented}, but ${expected} was expected`);
    this.expected = expected;
    this.presented = presented;
  }
}

/**
 * A handshake check (`ClientSecureOptions.verify`) that accepts only the server key with fingerprint `expected`.
 *
 * @param expected The fingerprint, e.g. the one the server wrote into the page.
 * @returns The check; it throws {@link ServerKeyChangedError} for any other key.
 *
 * @example
 * ```ts
 * import { pinFingerprint, ServerKeyChangedError } from "./key_changed.ts";
 * const verify = pinFingerprint("SHA256:abc");
 * try {
 *   verify({ fingerprint: "SHA256:xyz" } as Parameters<typeof verify>[0]);
 * } catch (error) {
 *   if (error instanceof ServerKeyChangedError) console.log(error.presented); // "SHA256:xyz"
 * }
 * ```
 */
export function pinFingerprint(expected: string): (result: HandshakeResult) => void {
  if (typeof expected !== "string" || expected === "") {
    throw new TypeError("Cannot pin a server key: the fingerprint is empty");
  }
  return (result) => {
    if (result.fingerprint !== expected) throw new ServerKeyChangedError(expected, result.fingerprint);
  };
}
