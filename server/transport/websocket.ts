// WebSocket transport: one binary message carries one frame (PROTOCOL.md §1), through the shared message framing.

import type { Buffer } from "node:buffer";
// @ts-types="@types/ws"
import type { WebSocket } from "ws";
import { TransportError } from "../../core/transport/duplex.ts";
import { frameOfMessage, messageOfFrame } from "../../core/transport/message_framing.ts";
import { PayloadQueue } from "../../core/transport/payload_queue.ts";
import { type CloseInfo, type Connection, FrameError, nextConnectionId } from "./connection.ts";
import { CLOSE_GRACE_MS, type Socket, SOCKET_FAILURES, waitAtMost } from "./socket.ts";
import { formatAddress } from "./tcp.ts";

/** After the peer closed, how long the owner has to call close() before the connection settles by itself. */
const PEER_CLOSE_SETTLE_MS = 5000;

/** Inbound bytes waiting for the session before the socket is paused, and the level at which it resumes. */
const INBOUND_PAUSE_BYTES = 2 * 1024 * 1024;
const INBOUND_RESUME_BYTES = 256 * 1024;

/**
 * Adapts an upgraded `ws` WebSocket to a {@link Connection}.
 *
 * @param ws The WebSocket, right after the upgrade.
 * @param socket The accepted socket under it; its closing is the connection's end.
 * @param maxFrameBytes The largest frame payload accepted.
 * @returns The connection.
 */
export function webSocketConnection(ws: WebSocket, socket: Socket, maxFrameBytes: number): Connection {
  return new WebSocketConnection(ws, socket, maxFrameBytes);
}

class WebSocketConnection implements Connection {
  readonly id = nextConnectionId();
  readonly transport = "ws" as const;
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly closed: Promise<CloseInfo>;
  readonly #ws: WebSocket;
  readonly #socket: Socket;
  readonly #maxFrameBytes: number;
  readonly #inbound = new PayloadQueue();
  #paused = false;
  #closing: Promise<void> | undefined;
  #reason: string | undefined;
  #resolveClosed!: (info: CloseInfo) => void;

  constructor(ws: WebSocket, socket: Socket, maxFrameBytes: number) {
    this.#ws = ws;
    this.#maxFrameBytes = maxFrameBytes;
    this.#socket = socket;
    this.remoteHost = socket.remoteHost;
    this.remoteAddress = formatAddress(socket.remoteHost, socket.remotePort);
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    void socket.closed.then(() => {
      // The peer closed (ws answers its close frame and ends the socket itself). The owner calls close() next with
      // the reason it knows better (a secure layer tells a clean end from a cut-off one); should it never do so,
      // settle anyway, so that the connection is not counted as open for ever.
      if (!this.#closing) setTimeout(() => void this.close("peer_closed"), PEER_CLOSE_SETTLE_MS);
    });
    ws.binaryType = "nodebuffer";
    ws.on("message", (data: Buffer, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on("close", () => this.#inbound.end());
    ws.on("error", (error: Error & { code?: string }) => {
      // ws has already answered a broken WebSocket frame with a close status (1002, 1009) and is closing: the
      // stream ends here, and the owner's close() only finishes the job.
      this.#reason ??= error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? "frame_too_large" : "bad_websocket_frame";
      this.#inbound.end();
    });
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    let payload: Uint8Array;
    try {
      payload = frameOfMessage(isBinary ? data : data.toString("utf8"), this.#maxFrameBytes);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      // RFC 6455 §7.4.1: 1003 for a type of data this end cannot accept.
      this.#inbound.fail(FrameError.fromTransport(error, isBinary ? 1002 : 1003));
      return;
    }
    this.#inbound.push(payload);
    // Messages arrive faster than the session may handle them: stop reading the socket until it catches up.
    if (this.#inbound.bufferedBytes > INBOUND_PAUSE_BYTES && !this.#paused) {
      this.#paused = true;
      this.#ws.pause();
    }
  }

  read(): Promise<Uint8Array | null> {
    // Not an async function: an idle connection's pending read would hold a suspended call for its lifetime. The
    // socket is paused only once more than INBOUND_PAUSE_BYTES wait, so a read that finds it running has nothing to
    // resume, and a read made while it is paused takes the payload that was queued and resumes below the low mark.
    const payload = this.#inbound.read();
    return this.#paused ? payload.then((p) => this.#resumeIfDrained(p)) : payload;
  }

  #resumeIfDrained(payload: Uint8Array | null): Uint8Array | null {
    if (this.#paused && this.#inbound.bufferedBytes < INBOUND_RESUME_BYTES) {
      this.#paused = false;
      this.#ws.resume();
    }
    return payload;
  }

  write(payload: Uint8Array): void {
    if (this.#closing || this.#ws.readyState !== this.#ws.OPEN) return;
    // ws writes into the socket's bounded queue: a peer that does not read is dropped there.
    this.#ws.send(messageOfFrame(payload));
  }

  writeFrame(frame: Uint8Array): void {
    if (this.#closing || this.#ws.readyState !== this.#ws.OPEN) return;
    // One frame per message (PROTOCOL.md §1): the frame is the message.
    this.#ws.send(frame);
  }

  close(reason = "closed", wsCode = 1000): Promise<void> {
    this.#closing ??= (async () => {
      this.#reason ??= reason;
      if (this.#ws.readyState === this.#ws.OPEN) {
        // Queued frames leave before the close frame: both go through the same socket queue, in order.
        this.#ws.close(wsCode, reason.slice(0, 120));
      }
      // RFC 6455 §7.1.1: the server closes the TCP connection once the peer has answered the close frame. A
      // peer that never answers must not hold the descriptor: after the grace period the socket is cut.
      await waitAtMost(this.#socket.closed, CLOSE_GRACE_MS);
      if (!this.#socket.closing) this.#ws.terminate();
      await this.#socket.close(this.#reason, 0);
      this.#inbound.end();
      // A socket the transport itself gave up on (a peer that stopped reading) says more than the owner's reason.
      const failure = this.#socket.reason;
      this.#resolveClosed({ reason: failure && SOCKET_FAILURES.has(failure) ? failure : this.#reason });
    })();
    return this.#closing;
  }
}
