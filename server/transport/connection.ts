// The one interface every transport (TCP, WebSocket) gives the session handler.

import { CodecError } from "../../core/codec/error.ts";

/** Which transport a connection came in on. */
export type TransportKind = "tcp" | "ws";

/** Why and how a connection ended. */
export interface CloseInfo {
  /** Short reason, logged on disconnect: `peer_closed`, `bad_frame`, `outbound_overflow`, `server_shutdown`, … */
  reason: string;
}

/**
 * A client connection as the session handler sees it: a sequence of frame
 * payloads in, frame payloads out, whatever carries them (PROTOCOL.md §1).
 */
export interface Connection {
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
   * Frame payloads in arrival order. The iteration ends when the peer closes
   * cleanly and throws a {@link FrameError} on input that is not a valid frame.
   */
  frames(): AsyncIterable<Uint8Array>;
  /**
   * Queues one frame payload for sending. Never blocks: past the outbound
   * limit the connection is closed with reason `outbound_overflow` instead.
   * Does nothing once the connection is closing.
   */
  send(payload: Uint8Array): void;
  /**
   * Sends what is already queued (for at most a short grace period), then
   * closes. Idempotent: the first reason wins.
   *
   * @param reason Logged reason.
   * @param wsCode WebSocket close status, where the transport has one.
   */
  close(reason: string, wsCode?: number): Promise<void>;
  /** Settles once the connection is fully closed. */
  readonly closed: Promise<CloseInfo>;
}

/** Input that is not a valid frame for this transport (PROTOCOL.md §1-2). */
export class FrameError extends Error {
  override name = "FrameError";
  /** The protocol error code to send before closing. */
  readonly code: "bad_frame" | "frame_too_large";
  /** WebSocket close status that matches the code. */
  readonly wsCode: number;

  /**
   * @param code Protocol error code.
   * @param message What was wrong, sentence case.
   * @param options `cause`: the underlying {@link CodecError}, when there is one.
   */
  constructor(code: "bad_frame" | "frame_too_large", message: string, wsCode: number, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.wsCode = wsCode;
  }

  /**
   * Wraps a codec failure from the frame decoder.
   *
   * @param error The decoder's error.
   * @returns The frame error to report to the peer.
   */
  static fromCodec(error: CodecError): FrameError {
    return error.code === "too_large"
      ? new FrameError("frame_too_large", error.message, 1009, { cause: error })
      : new FrameError("bad_frame", error.message, 1002, { cause: error });
  }
}

let nextId = 1;

/** Allocates the next connection id. */
export function nextConnectionId(): number {
  return nextId++;
}
