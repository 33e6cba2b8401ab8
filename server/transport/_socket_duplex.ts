// A Node.js Duplex over our Socket, so node:http and ws parse HTTP and WebSocket on sockets that we accept and admit.

import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import { joinBytes } from "../../core/bytes/mod.ts";
import type { Socket } from "./socket.ts";

/**
 * Presents an accepted {@link Socket} as the `net.Socket`-like stream that
 * `node:http` and `ws` expect. Their own listeners would accept sockets
 * themselves, outside admission control, and stop accepting for good after
 * one EMFILE; feeding them our sockets keeps every descriptor counted and the
 * accept loop ours.
 *
 * Writes go straight into the socket's bounded queue (the callback is called
 * at once), so Node's own write buffer never grows: the queue's limits decide
 * what a slow reader may cost.
 */
export class SocketDuplex extends Duplex {
  readonly socket: Socket;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily: string;
  #pumping = false;

  /** @param socket The accepted socket; this stream owns it from now on. */
  constructor(socket: Socket) {
    super({ allowHalfOpen: false });
    this.socket = socket;
    this.remoteAddress = socket.remoteHost;
    this.remotePort = socket.remotePort;
    this.remoteFamily = socket.remoteHost.includes(":") ? "IPv6" : "IPv4";
    // A socket closed from our side (a deadline, shutdown, eviction) ends the stream for its Node users too.
    void socket.closed.then(() => this.destroy());
  }

  override _read(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    void this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      while (true) {
        // The view is the socket's read buffer, valid until the next read: Buffer.from copies it for the consumer. Not
        // read(), which copies as well but is one more suspended async call per idle socket (held for its lifetime).
        const view = await this.socket.readView();
        if (view === null) break;
        // push() returning false asks us to stop; _read() is called when the consumer wants more.
        if (!this.push(Buffer.from(view))) {
          this.#pumping = false;
          return;
        }
      }
      this.push(null);
    } catch (error) {
      this.destroy(error as Error);
    }
  }

  override _write(chunk: Uint8Array, _encoding: string, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk);
    callback();
  }

  override _writev(chunks: { chunk: Uint8Array }[], callback: (error?: Error | null) => void): void {
    this.socket.write(joinBytes(chunks.map((c) => c.chunk)));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Ending the write side is the end of this connection: HTTP/1.1 and WebSocket never half-close.
    void this.socket.close("ended").then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    // What is queued may still leave within the grace period (a response written just before destroy()).
    void this.socket.close(error ? "stream_error" : "destroyed").then(() => callback(error), () => callback(error));
  }

  // net.Socket methods node:http and ws call. Deadlines are the server's own (server/deadlines.ts), Nagle is off for
  // every accepted socket, and keep-alive probes are not used: these are deliberately no-ops.
  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }

  address(): { address: string; port: number; family: string } {
    return { address: this.remoteAddress, port: this.remotePort, family: this.remoteFamily };
  }
}
