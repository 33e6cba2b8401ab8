// The one interface every transport (TCP, WebSocket) gives the session handler.

import { CodecError } from "../../core/codec/error.ts";
import { type Duplex, TransportError } from "../../core/transport/duplex.ts";

/** Which transport a connection came in on. */
export type TransportKind = "tcp" | "ws";

/** Why and how a connection ended. */
export interface CloseInfo {
  /** Short reason, logged on disconnect: `peer_closed`, `bad_frame`, `outbound_overflow`, `server_shutdown`, … */
  reason: string;
}

/**
 * A client connection as the session handler sees it: the pull {@link Duplex}
 * of frame payloads that every transport (and the secure channel over it)
 * offers, with what the server needs besides (PROTOCOL.md §1).
 */
export interface Connection extends Duplex {
  /** Unique per server process, for logs. */
  readonly id: number;
  readonly transport: TransportKind;
  /** The peer's address as `host:port`. */
  readonly remoteAddress: string;
  /** The peer's host alone, the key for per-address limits. */
  readonly remoteHost: string;
  /**
   * The secure channel's exporter secret once the handshake is done (PROTOCOL.md §7.4): a value unique to this
   * connection that logins bind to. Undefined on a bare transport connection.
   */
  readonly channelBinding?: Uint8Array;
  /**
   * The next frame payload in arrival order; `null` when the peer closed cleanly or the connection is closing.
   * Rejects with a {@link FrameError} on input that is not a valid frame, and with another `TransportError` when the
   * peer went away in a way worth telling apart (a secure channel cut off).
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Queues one frame payload for sending. Never blocks: past the outbound
   * limit the connection is closed with reason `outbound_overflow` instead.
   * Does nothing once the connection is closing.
   */
  write(payload: Uint8Array): void;
  /**
   * Sends what is already queued (for at most a short grace period), then
   * closes. Idempotent: the first reason wins.
   *
   * @param reason Logged reason; `closed` when none is given.
   * @param wsCode WebSocket close status, where the transport has one.
   */
  close(reason?: string, wsCode?: number): Promise<void>;
  /** Settles once the connection is fully closed. */
  readonly closed: Promise<CloseInfo>;
}

/** Input that is not a valid frame for this transport (PROTOCOL.md §1-2): a {@link TransportError} the server answers. */
export class FrameError extends TransportError {
  override name = "FrameError";
  /** The protocol error code to send before closing. */
  readonly code: "bad_frame" | "frame_too_large";
  /** WebSocket close status that matches the code. */
  readonly wsCode: number;

  /**
   * @param code Protocol error code.
   * @param message What was wrong, sentence case.
   * @param wsCode WebSocket close status for it.
   * @param options `cause`: the underlying {@link CodecError}, when there is one.
   */
  constructor(code: "bad_frame" | "frame_too_large", message: string, wsCode: number, options?: ErrorOptions) {
    super(code, message, options);
    this.code = code;
    this.wsCode = wsCode;
  }

  /**
   * Wraps a codec failure from a frame decoder.
   *
   * @param error The decoder's error.
   * @returns The frame error to report to the peer.
   */
  static fromCodec(error: CodecError): FrameError {
    return error.code === "too_large"
      ? new FrameError("frame_too_large", error.message, 1009, { cause: error })
      : new FrameError("bad_frame", error.message, 1002, { cause: error });
  }

  /**
   * The server's answer to what the shared framing reported: a codec failure keeps its own words (a length over the
   * limit, a stream that ends inside a frame), the rest is a `bad_frame`.
   *
   * @param error From `FrameReader` or `frameOfMessage()`.
   * @param wsCode The WebSocket status for a `bad_frame` (1003 for a text message).
   * @returns The frame error to report to the peer.
   */
  static fromTransport(error: TransportError, wsCode = 1002): FrameError {
    if (error instanceof FrameError) return error;
    if (error.cause instanceof CodecError) return FrameError.fromCodec(error.cause);
    return error.kind === "frame_too_large"
      ? new FrameError("frame_too_large", error.message, 1009, { cause: error })
      : new FrameError("bad_frame", error.message, wsCode, { cause: error });
  }
}

let nextId = 1;

/** Allocates the next connection id. */
export function nextConnectionId(): number {
  return nextId++;
}
