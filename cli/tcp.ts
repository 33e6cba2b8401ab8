// TCP client transport for the terminal client: length-prefixed frames on a socket (PROTOCOL.md §1-2).

import { CodecError } from "../core/codec/error.ts";
import { encodeFrame, FrameDecoder } from "../core/codec/frame.ts";
import { type PayloadTransport, TransportError, type TransportSink } from "../core/client/transport.ts";

/**
 * Connects to a Mimi server over TCP.
 *
 * @param hostname Server host.
 * @param port Server TCP port.
 * @param options `maxFrameBytes`: the largest frame accepted from the server; `tls`: wrap in TLS, trusting `caCerts` too.
 * @returns The open transport; rejects with {@link TransportError} when the server cannot be reached.
 */
export async function connectTcp(
  hostname: string,
  port: number,
  options: { maxFrameBytes?: number; tls?: { caCerts?: string[] } } = {},
): Promise<PayloadTransport> {
  let conn: Deno.Conn;
  try {
    if (options.tls) {
      const tls = await Deno.connectTls({ hostname, port, caCerts: options.tls.caCerts });
      await tls.handshake();
      conn = tls;
    } else {
      const tcp = await Deno.connect({ hostname, port, transport: "tcp" });
      tcp.setNoDelay(true);
      conn = tcp;
    }
  } catch (error) {
    throw new TransportError(`Cannot connect to ${hostname}:${port}: ${(error as Error).message}`, { cause: error });
  }
  return new TcpTransport(conn, options.maxFrameBytes);
}

class TcpTransport implements PayloadTransport {
  readonly #conn: Deno.Conn;
  readonly #decoder: FrameDecoder;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(conn: Deno.Conn, maxFrameBytes?: number) {
    this.#conn = conn;
    this.#decoder = new FrameDecoder({ maxFrameBytes });
  }

  start(sink: TransportSink): void {
    void this.#read(sink);
  }

  async #read(sink: TransportSink): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    let failure: Error | undefined;
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) {
          this.#decoder.end();
          break;
        }
        for (const payload of this.#decoder.push(buffer.subarray(0, n))) sink.payload(payload);
      }
    } catch (error) {
      if (error instanceof CodecError) failure = new TransportError(`Server sent a bad frame: ${error.message}`);
      else if (!this.#closed) failure = new TransportError(`Connection lost: ${(error as Error).message}`);
      // else: our own close() interrupted the read; that is a clean end.
    }
    this.close();
    sink.closed(failure);
  }

  send(payload: Uint8Array): void {
    if (this.#closed) return;
    const frame = encodeFrame(payload);
    // Writes are chained so frames never interleave; a failed write surfaces as a read error next.
    this.#writing = this.#writing.then(async () => {
      for (let done = 0; done < frame.length;) done += await this.#conn.write(frame.subarray(done));
    }).catch(() => this.close());
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch (error) {
      // The runtime may have closed it after a failed write already.
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }
}
