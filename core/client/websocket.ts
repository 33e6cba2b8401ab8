// WebSocket client transport: one binary message per frame (PROTOCOL.md §1). Runs in browsers and in the Deno runtime.

import { CodecError } from "../codec/error.ts";
import { encodeFrame, FrameDecoder } from "../codec/frame.ts";
import { type PayloadTransport, TransportError, type TransportSink } from "./transport.ts";

/**
 * Opens a WebSocket to a Mimi server.
 *
 * @param url The endpoint, e.g. `ws://127.0.0.1:8080/ws`.
 * @param options `maxFrameBytes`: the largest frame accepted from the server.
 * @returns The open transport; rejects with {@link TransportError} if the connection fails.
 *
 * @example
 * ```ts
 * import { connectWebSocket } from "./websocket.ts";
 * import { MimiClient } from "./client.ts";
 * const client = new MimiClient(await connectWebSocket("ws://127.0.0.1:8080/ws"));
 * console.log(await client.echo("你好"));
 * client.close();
 * ```
 */
export function connectWebSocket(url: string, options: { maxFrameBytes?: number } = {}): Promise<PayloadTransport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    socket.onopen = () => resolve(new WebSocketTransport(socket, options.maxFrameBytes));
    socket.onerror = () => reject(new TransportError(`Cannot connect to ${url}`));
  });
}

class WebSocketTransport implements PayloadTransport {
  readonly #socket: WebSocket;
  readonly #decoder: FrameDecoder;

  constructor(socket: WebSocket, maxFrameBytes?: number) {
    this.#socket = socket;
    this.#decoder = new FrameDecoder({ maxFrameBytes });
  }

  start(sink: TransportSink): void {
    let failed: Error | undefined;
    const fail = (error: Error) => {
      failed ??= error;
      this.#socket.close(1002);
    };
    this.#socket.onerror = () => failed ??= new TransportError("WebSocket failed");
    this.#socket.onclose = (event) => {
      sink.closed(failed ?? (event.wasClean ? undefined : new TransportError(`Connection lost (${event.code})`)));
    };
    this.#socket.onmessage = (event) => {
      if (typeof event.data === "string") return fail(new TransportError("Server sent a text message"));
      let payloads: Uint8Array[];
      try {
        payloads = this.#decoder.push(new Uint8Array(event.data as ArrayBuffer));
      } catch (error) {
        if (!(error instanceof CodecError)) throw error;
        return fail(new TransportError(`Server sent a bad frame: ${error.message}`, { cause: error }));
      }
      if (payloads.length !== 1 || this.#decoder.bufferedBytes !== 0) {
        return fail(new TransportError("Server sent a message that is not exactly one frame"));
      }
      sink.payload(payloads[0]);
    };
  }

  send(payload: Uint8Array): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(encodeFrame(payload));
  }

  close(): void {
    this.#socket.close(1000);
  }
}
