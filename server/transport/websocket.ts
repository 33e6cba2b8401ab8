// WebSocket transport: one binary message carries one frame (PROTOCOL.md §1), adapted to Connection.

import { CodecError } from "../../core/codec/error.ts";
import { encodeFrame, FrameDecoder } from "../../core/codec/frame.ts";
import { type CloseInfo, type Connection, FrameError, nextConnectionId } from "./connection.ts";
import { formatAddress, type TransportLimits, withTimeout } from "./tcp.ts";

/** How long `close()` waits for buffered messages to leave, and then for the closing handshake. */
const CLOSE_GRACE_MS = 1000;

/** After the peer closed, how long the owner has to call close() before the connection settles by itself. */
const PEER_CLOSE_SETTLE_MS = 5000;

type Inbound = { payload: Uint8Array } | { error: FrameError } | { end: true };

/**
 * Upgrades an HTTP request to a WebSocket {@link Connection}.
 *
 * @param request The upgrade request (`GET /ws` with `Upgrade: websocket`).
 * @param remote The peer address from `Deno.serve`.
 * @param limits Per-connection limits.
 * @returns The response to return from the HTTP handler, and the connection.
 */
export function upgradeWebSocket(
  request: Request,
  remote: Deno.NetAddr,
  limits: TransportLimits,
): { response: Response; connection: Connection } {
  const { socket, response } = Deno.upgradeWebSocket(request);
  return { response, connection: new WebSocketConnection(socket, remote, limits) };
}

class WebSocketConnection implements Connection {
  readonly id = nextConnectionId();
  readonly transport = "ws" as const;
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly closed: Promise<CloseInfo>;
  readonly #socket: WebSocket;
  readonly #limits: TransportLimits;
  readonly #decoder: FrameDecoder;
  #inbound: Inbound[] = [];
  #inboundBytes = 0;
  #wake: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  #reason = "peer_closed";
  #resolveClosed!: (info: CloseInfo) => void;
  #socketClosed: Promise<void>;
  /** Frames sent before the upgrade completed; a server-side socket cannot send until then. */
  #early: Uint8Array[] | undefined = [];

  constructor(socket: WebSocket, remote: Deno.NetAddr, limits: TransportLimits) {
    this.#socket = socket;
    this.#limits = limits;
    this.#decoder = new FrameDecoder({ maxFrameBytes: limits.maxFrameBytes });
    this.remoteHost = remote.hostname;
    this.remoteAddress = formatAddress(remote.hostname, remote.port);
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onopen = () => {
      const early = this.#early ?? [];
      this.#early = undefined;
      for (const frame of early) this.#socket.send(frame);
    };
    this.#socketClosed = new Promise((resolve) => {
      socket.onclose = () => {
        this.#enqueue({ end: true });
        resolve();
        // A close started by the peer ends the inbound stream; the owner then calls close() with the reason it
        // knows better (a secure layer tells a clean end from a cut-off one). Should no owner ever do so, settle
        // anyway, so the connection is not counted as open for ever.
        if (!this.#closing) {
          setTimeout(() => void this.close(this.#reason), PEER_CLOSE_SETTLE_MS);
        }
      };
    });
    // An error is always followed by a close event, which does the work.
    socket.onerror = () => this.#reason = "socket_error";
  }

  #onMessage(data: unknown): void {
    if (typeof data === "string") {
      this.#enqueue({ error: new FrameError("bad_frame", "WebSocket text messages are not accepted", 1003) });
      return;
    }
    const bytes = new Uint8Array(data as ArrayBuffer);
    let payloads: Uint8Array[];
    try {
      payloads = this.#decoder.push(bytes);
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
    // Messages are pushed at us faster than the session may handle them: bound what waits.
    this.#inboundBytes += payloads[0].length;
    if (this.#inboundBytes > this.#limits.outboundQueueBytes) {
      void this.close("inbound_overflow", 1008);
      return;
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
      yield item.payload;
    }
  }

  send(payload: Uint8Array): void {
    if (this.#closing) return;
    if (this.#early) {
      this.#early.push(encodeFrame(payload));
      return;
    }
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(encodeFrame(payload));
    // bufferedAmount grows while the peer does not read; it is the WebSocket's outbound queue.
    if (this.#socket.bufferedAmount > this.#limits.outboundQueueBytes) void this.close("outbound_overflow", 1008);
  }

  close(reason: string, wsCode = 1000): Promise<void> {
    this.#closing ??= (async () => {
      this.#reason = reason;
      if (this.#early) await withTimeout(this.#opened(), CLOSE_GRACE_MS);
      if (reason !== "outbound_overflow") await withTimeout(this.#bufferDrained(), CLOSE_GRACE_MS);
      if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) {
        this.#socket.close(wsCode, reason.slice(0, 120));
      }
      await withTimeout(this.#socketClosed, CLOSE_GRACE_MS);
      this.#enqueue({ end: true });
      this.#resolveClosed({ reason });
    })();
    return this.#closing;
  }

  async #opened(): Promise<void> {
    while (this.#socket.readyState === WebSocket.CONNECTING) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async #bufferDrained(): Promise<void> {
    while (this.#socket.bufferedAmount > 0 && this.#socket.readyState === WebSocket.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
