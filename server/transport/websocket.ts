// WebSocket transport: one binary message carries one frame (PROTOCOL.md §1), adapted to Connection.

import type { Buffer } from "node:buffer";
// @ts-types="@types/ws"
import type { WebSocket } from "ws";
import { CodecError } from "../../core/codec/error.ts";
import { encodeFrame, FrameDecoder } from "../../core/codec/frame.ts";
import { type CloseInfo, type Connection, FrameError, nextConnectionId } from "./connection.ts";
import { CLOSE_GRACE_MS, type Socket, SOCKET_FAILURES, waitAtMost } from "./socket.ts";
import { formatAddress } from "./tcp.ts";

/** After the peer closed, how long the owner has to call close() before the connection settles by itself. */
const PEER_CLOSE_SETTLE_MS = 5000;

/** Inbound bytes waiting for the session before the socket is paused, and the level at which it resumes. */
const INBOUND_PAUSE_BYTES = 2 * 1024 * 1024;
const INBOUND_RESUME_BYTES = 256 * 1024;

type Inbound = { payload: Uint8Array } | { error: FrameError } | { end: true };

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
  readonly #decoder: FrameDecoder;
  #inbound: Inbound[] = [];
  #inboundBytes = 0;
  #paused = false;
  #wake: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #reason: string | undefined;
  #resolveClosed!: (info: CloseInfo) => void;

  constructor(ws: WebSocket, socket: Socket, maxFrameBytes: number) {
    this.#ws = ws;
    this.#decoder = new FrameDecoder({ maxFrameBytes });
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
    ws.on("close", () => this.#enqueue({ end: true }));
    ws.on("error", (error: Error & { code?: string }) => {
      // ws has already answered a broken WebSocket frame with a close status (1002, 1009) and is closing: the
      // stream ends here, and the owner's close() only finishes the job.
      this.#reason ??= error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? "frame_too_large" : "bad_websocket_frame";
      this.#enqueue({ end: true });
    });
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      this.#enqueue({ error: new FrameError("bad_frame", "WebSocket text messages are not accepted", 1003) });
      return;
    }
    let payloads: Uint8Array[];
    try {
      payloads = this.#decoder.push(data);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this.#enqueue({ error: FrameError.fromCodec(error) });
      return;
    }
    if (payloads.length !== 1 || this.#decoder.bufferedBytes !== 0) {
      this.#enqueue({
        error: new FrameError("bad_frame", "A WebSocket message must carry exactly one whole frame", 1002),
      });
      return;
    }
    this.#inboundBytes += payloads[0].length;
    // Messages arrive faster than the session may handle them: stop reading the socket until it catches up.
    if (this.#inboundBytes > INBOUND_PAUSE_BYTES && !this.#paused) {
      this.#paused = true;
      this.#ws.pause();
    }
    this.#enqueue({ payload: payloads[0] });
  }

  #enqueue(item: Inbound): void {
    this.#inbound.push(item);
    this.#wake?.();
  }

  async *frames(): AsyncIterable<Uint8Array> {
    while (true) {
      const item = this.#inbound.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => this.#wake = resolve);
        this.#wake = undefined;
        continue;
      }
      if ("end" in item) return;
      if ("error" in item) {
        this.#inbound = [];
        throw item.error;
      }
      this.#inboundBytes -= item.payload.length;
      if (this.#paused && this.#inboundBytes < INBOUND_RESUME_BYTES) {
        this.#paused = false;
        this.#ws.resume();
      }
      yield item.payload;
    }
  }

  send(payload: Uint8Array): void {
    if (this.#closing || this.#ws.readyState !== this.#ws.OPEN) return;
    // ws writes into the socket's bounded queue: a peer that does not read is dropped there.
    this.#ws.send(encodeFrame(payload));
  }

  close(reason: string, wsCode = 1000): Promise<void> {
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
      this.#enqueue({ end: true });
      // A socket the transport itself gave up on (a peer that stopped reading) says more than the owner's reason.
      const failure = this.#socket.reason;
      this.#resolveClosed({ reason: failure && SOCKET_FAILURES.has(failure) ? failure : this.#reason });
    })();
    return this.#closing;
  }
}
