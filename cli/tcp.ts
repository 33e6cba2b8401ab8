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
 * @returns The open transport; rejects with {@link TransportError} when the server cannot be reached. A server that
 *   answers in HTTP (its web port) ends the transport with a {@link TransportError} that says so and names the setting.
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
  return new TcpTransport(
    conn,
    `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    options.maxFrameBytes,
  );
}

/**
 * "HTTP", the start of every HTTP/1.x answer. As a frame's u32 length prefix (PROTOCOL.md §2) it would claim
 * 1213486160 bytes, far above the largest `server.limits.maxFrameBytes` (64 MiB), so a server whose first four bytes
 * are these is not speaking Mimi.
 */
const HTTP = [0x48, 0x54, 0x54, 0x50];

/**
 * The one line for a client pointed at the web port: what the decoder would say ("bad frame … length 1213486160")
 * does not tell the user what to change.
 */
function webPortMessage(address: string): string {
  return `${address} answered in HTTP: that is the server's web port. Terminal clients connect to its TCP port ` +
    `(the server prints it at start as "TCP clients"; 8111 by default): set --client.tcpPort or client.tcpPort ` +
    `in config.json`;
}

class TcpTransport implements PayloadTransport {
  readonly #conn: Deno.Conn;
  readonly #address: string;
  readonly #decoder: FrameDecoder;
  /** The first bytes the server sent, kept until there are enough to tell an HTTP answer apart. */
  #head: number[] = [];
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(conn: Deno.Conn, address: string, maxFrameBytes?: number) {
    this.#conn = conn;
    this.#address = address;
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
        const chunk = buffer.subarray(0, n);
        // Checked before the decoder sees the bytes, which it would reject as an oversized frame.
        if (this.#head.length < HTTP.length) {
          this.#head.push(...chunk.subarray(0, HTTP.length - this.#head.length));
          if (this.#head.length === HTTP.length && HTTP.every((byte, i) => this.#head[i] === byte)) {
            failure = new TransportError(webPortMessage(this.#address));
            break;
          }
        }
        for (const payload of this.#decoder.push(chunk)) sink.payload(payload);
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
