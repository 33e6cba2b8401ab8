// The standard WebSocket as a Duplex, one frame per binary message (PROTOCOL.md §1); the same code in browsers and Deno.

import { DEFAULT_MAX_FRAME_BYTES } from "../codec/frame.ts";
import { asTransportError, type Duplex, TransportError } from "./duplex.ts";
import { frameOfMessage, messageOfFrame } from "./message_framing.ts";
import { PayloadQueue } from "./payload_queue.ts";

/**
 * Close statuses this side sends. A script may send only 1000 and 3000-4999
 * (WHATWG WebSockets, `close()`: anything else throws `InvalidAccessError`),
 * so a peer that broke the framing gets 4000 plus the status RFC 6455 §7.4.1
 * has for it (PROTOCOL.md §6).
 */
export const WEBSOCKET_CLOSE = {
  /** A clean end. */
  normal: 1000,
  /** The peer sent a message that is not exactly one frame. */
  badFrame: 4002,
  /** The peer sent a text message. */
  textMessage: 4003,
  /** The peer sent a frame over this side's limit. */
  frameTooLarge: 4009,
} as const;

/** Options of {@link connectWebSocket} and {@link webSocketDuplex}. */
export interface WebSocketDuplexOptions {
  /**
   * Largest frame payload accepted from the peer. A client of the secure channel passes the outer limit its
   * settings call for (`clientFrameLimit`).
   * @default {1048576} the protocol's default limit (PROTOCOL.md §2)
   */
  maxFrameBytes?: number;
}

/**
 * Opens a WebSocket and presents it as a {@link Duplex}.
 *
 * @param url The endpoint, e.g. `ws://127.0.0.1:8080/ws`.
 * @param options The frame limit.
 * @returns The duplex once open; rejects with {@link TransportError} `connect_failed`.
 *
 * @example
 * ```ts ignore
 * import { connectWebSocket } from "./websocket_client.ts";
 * const duplex = await connectWebSocket("ws://127.0.0.1:8080/ws", { maxFrameBytes: 1 << 20 });
 * ```
 */
export function connectWebSocket(url: string, options: WebSocketDuplexOptions = {}): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      // A malformed URL or a forbidden scheme: the constructor throws a SyntaxError.
      return reject(asTransportError("connect_failed", `Cannot connect to ${url}`, error));
    }
    socket.binaryType = "arraybuffer";
    // An error before the socket opens is always followed by a close event, which reports it.
    socket.onerror = () => {};
    socket.onclose = (event) =>
      reject(new TransportError("connect_failed", `Cannot connect to ${url} (WebSocket status ${event.code})`));
    // The duplex takes the handlers over in the same task as the open event, before any message can be dispatched.
    socket.onopen = () => resolve(webSocketDuplex(socket, options));
  });
}

/**
 * Presents an open WebSocket (a client's, or a server's after an upgrade)
 * as a {@link Duplex}. Every binary message must carry exactly one frame;
 * anything else ends the duplex: `read()` rejects with a
 * {@link TransportError} and the socket is closed with a status of
 * {@link WEBSOCKET_CLOSE}. No handler ever throws.
 *
 * @param socket An open WebSocket; the duplex owns it and its handlers from now on.
 * @param options The frame limit.
 * @returns The duplex.
 */
export function webSocketDuplex(socket: WebSocket, options: WebSocketDuplexOptions = {}): Duplex {
  return new WebSocketDuplex(socket, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
}

class WebSocketDuplex implements Duplex {
  readonly #socket: WebSocket;
  readonly #maxFrameBytes: number;
  readonly #queue = new PayloadQueue();
  readonly #closed: Promise<void>;
  #closing = false;

  constructor(socket: WebSocket, maxFrameBytes: number) {
    this.#socket = socket;
    this.#maxFrameBytes = maxFrameBytes;
    socket.binaryType = "arraybuffer";
    let resolveClosed!: () => void;
    this.#closed = new Promise((resolve) => resolveClosed = resolve);
    socket.onopen = null;
    // Always followed by a close event, which says how the connection ended.
    socket.onerror = () => {};
    socket.onmessage = (event: MessageEvent) => this.#receive(event.data);
    socket.onclose = (event: CloseEvent) => {
      if (event.wasClean && event.code === WEBSOCKET_CLOSE.normal) this.#queue.end();
      else {
        const reason = event.reason ? `: ${event.reason}` : "";
        // An abnormal end has status 1006 in browsers and 0 in Deno: neither came from the peer.
        const message = event.wasClean
          ? `The peer closed the WebSocket with status ${event.code}${reason}`
          : "Connection lost: the WebSocket ended without a closing handshake";
        this.#queue.fail(new TransportError("lost", message));
      }
      resolveClosed();
    };
    if (socket.readyState === WebSocket.CLOSED) {
      this.#queue.fail(new TransportError("closed", "The WebSocket was closed before it could be used"));
      resolveClosed();
    }
  }

  #receive(data: unknown): void {
    if (this.#queue.ended) return;
    let payload: Uint8Array;
    try {
      payload = frameOfMessage(data as string | ArrayBuffer, this.#maxFrameBytes);
    } catch (error) {
      // Thrown out of a message handler, an error would be lost in a browser and end the process in Deno: the
      // reader hears it instead, and the peer gets a status a script may send.
      const failure = asTransportError("bad_frame", "The peer sent a message that is not a frame", error);
      const code = typeof data === "string"
        ? WEBSOCKET_CLOSE.textMessage
        : failure.kind === "frame_too_large"
        ? WEBSOCKET_CLOSE.frameTooLarge
        : WEBSOCKET_CLOSE.badFrame;
      this.#queue.fail(failure);
      this.#socket.close(code);
      return;
    }
    this.#queue.push(payload);
  }

  read(): Promise<Uint8Array | null> {
    return this.#queue.read();
  }

  write(payload: Uint8Array): void {
    if (this.#closing || this.#queue.ended || this.#socket.readyState !== WebSocket.OPEN) return;
    const message = messageOfFrame(payload);
    try {
      this.#socket.send(message);
    } catch (error) {
      // send() throws only in the CONNECTING state, which an open socket has left; should a runtime differ, the
      // reader is told and the socket closed, rather than the writer's caller taking an exception it cannot place.
      this.#queue.fail(asTransportError("write_failed", "Cannot send on the WebSocket", error));
      this.#socket.close(WEBSOCKET_CLOSE.normal);
    }
  }

  close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#queue.close();
      const state = this.#socket.readyState;
      // Messages sent before leave first: the close frame queues behind them (RFC 6455 §5.5.1).
      if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) this.#socket.close(WEBSOCKET_CLOSE.normal);
    }
    return this.#closed;
  }
}
