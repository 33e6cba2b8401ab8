// The one transport shape of both roles: a pull duplex of frame payloads, and the typed error a broken one reports.

/**
 * Frame payloads in and out (PROTOCOL.md §1-2), whatever carries them: a TCP
 * stream, WebSocket messages, or the secure channel over either. The reader
 * pulls, so a handshake reads as straight-line code and a slow consumer is
 * never flooded by callbacks.
 *
 * The contract every adapter keeps (and `runDuplexSuite` checks):
 * - `read()` resolves the next payload in arrival order; `null` once the peer
 *   ended the stream cleanly or this side called `close()`; and rejects with a
 *   {@link TransportError} once the stream broke. After `null` or a rejection,
 *   every later call answers the same way. Calls made at once are answered in
 *   call order.
 * - `write()` never blocks and never throws for a broken connection: what went
 *   wrong surfaces through `read()` (`write_failed`). It throws only for a
 *   programmer error (a payload over the sender's own limit). Ignored once
 *   closing.
 * - `close()` ends the duplex: a pending `read()` resolves `null`, payloads
 *   written before it are sent first where the transport can, and it resolves
 *   once the transport is closed. Idempotent. A `read()` that rejected does not
 *   close the duplex: the owner still calls `close()` (it may want to send a
 *   last word first, as the server's alert after a bad frame).
 *
 * @example Reading until the end
 * ```ts
 * import type { Duplex } from "./duplex.ts";
 * async function drain(duplex: Duplex): Promise<number> {
 *   let count = 0;
 *   while (await duplex.read() !== null) count++;
 *   return count;
 * }
 * ```
 */
export interface Duplex {
  /** The next frame payload, or `null` at a clean end; rejects with {@link TransportError}. */
  read(): Promise<Uint8Array | null>;
  /** Sends one frame payload; never blocks. */
  write(payload: Uint8Array): void;
  /**
   * Optional: sends a frame already encoded as `encodeFrame(payload)` makes it (the 4-byte big-endian length, then
   * the payload), for a writer that built it so; saves the transport its copy. Same effect as `write(payload)`.
   */
  writeFrame?(frame: Uint8Array): void;
  /** Closes; resolves once closed. */
  close(): Promise<void>;
}

/**
 * Why a transport failed; callers branch on it (retry, tell the user, log).
 *
 * - `connect_failed`: the connection could not be opened.
 * - `closed`: the connection ended cleanly where more was expected (a request still waiting for its answer), or is
 *   closed already.
 * - `lost`: the connection ended without a clean end: a reset, a WebSocket closed without its closing handshake, a
 *   stream that stopped inside a frame, a secure channel without its close notice.
 * - `bad_frame`: the peer sent bytes that are not frames (a WebSocket text message, a message that is not exactly
 *   one frame, an HTTP answer on the TCP port).
 * - `frame_too_large`: the peer announced a frame over this side's limit.
 * - `write_failed`: sending failed (the socket refused the bytes, a record could not be sealed).
 * - `bad_message`: well-framed input that breaks the protocol above the frames (a record that fails to open, an
 *   envelope that does not decode, an answer of the wrong shape).
 */
export type TransportErrorKind =
  | "connect_failed"
  | "closed"
  | "lost"
  | "bad_frame"
  | "frame_too_large"
  | "write_failed"
  | "bad_message";

/**
 * A transport failed, or the peer sent what no frame or message can be.
 * `kind` says which; `cause` carries the underlying error when there is one.
 * Its message is safe to show and log.
 *
 * @example Telling a lost connection from a misbehaving peer
 * ```ts
 * import { TransportError } from "./duplex.ts";
 * const error = new TransportError("lost", "Connection lost (1006)");
 * error.kind === "lost"; // true: worth a retry, unlike "bad_frame"
 * ```
 */
export class TransportError extends Error {
  override name = "TransportError";
  /** Which way the transport failed. */
  readonly kind: TransportErrorKind;

  /**
   * @param kind Which way the transport failed.
   * @param message Sentence case, no final period.
   * @param options `cause`: the underlying error.
   */
  constructor(kind: TransportErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

/**
 * Wraps whatever a runtime threw while reading or writing into a {@link TransportError}, keeping one that already is.
 *
 * @param kind The kind to give a foreign error.
 * @param what What failed, e.g. `Connection lost`; the foreign error's message follows it.
 * @param error What was thrown.
 * @returns The error to report.
 */
export function asTransportError(kind: TransportErrorKind, what: string, error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new TransportError(kind, detail ? `${what}: ${detail}` : what, { cause: error });
}
