// TCP client transport for the terminal client: a Deno connection as a byte stream, framed by the shared framing.

import { asTransportError, type Duplex, TransportError } from "../core/transport/duplex.ts";
import { type ByteStream, framedStream } from "../core/transport/stream_framing.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../core/codec/frame.ts";

/** Options of {@link connectTcp}. */
export interface TcpOptions {
  /**
   * Largest frame payload accepted from the server; a client of the secure channel passes `clientFrameLimit()`.
   * @default {1048576} the protocol's default limit (PROTOCOL.md §2)
   */
  maxFrameBytes?: number;
  /** Wrap the connection in TLS, trusting `caCerts` besides the system's roots. */
  tls?: { caCerts?: string[] };
}

/**
 * Connects to a Mimi server over TCP.
 *
 * @param hostname Server host.
 * @param port Server TCP port.
 * @param options The frame limit, and TLS.
 * @returns The open duplex; rejects with {@link TransportError} `connect_failed` when the server cannot be reached.
 *   A server that answers in HTTP (its web port) makes `read()` reject with a `bad_frame` that says so and names
 *   the setting; a failed write makes it reject with `write_failed`.
 */
export async function connectTcp(hostname: string, port: number, options: TcpOptions = {}): Promise<Duplex> {
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
    throw asTransportError("connect_failed", `Cannot connect to ${hostname}:${port}`, error);
  }
  const address = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  return framedStream(webPortCheck(connStream(conn), address), {
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
  });
}

/**
 * A Deno connection as the shared framing's {@link ByteStream}: reads into one reused buffer, writes all of what it
 * is given, closes once.
 *
 * @param conn A connected TCP or TLS connection.
 * @returns The byte stream.
 */
export function connStream(conn: Deno.Conn): ByteStream {
  const buffer = new Uint8Array(64 * 1024);
  let closed = false;
  return {
    async read() {
      try {
        const n = await conn.read(buffer);
        return n === null ? null : buffer.subarray(0, n);
      } catch (error) {
        // Our own close() interrupts a pending read: that is this side's end, not a failure.
        if (closed) return null;
        throw error;
      }
    },
    async write(bytes) {
      // Conn.write may take only part of the bytes.
      for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch (error) {
        // The runtime may have closed it after a failed write already.
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
    },
  };
}

/**
 * "HTTP", the start of every HTTP/1.x answer. As a frame's u32 length prefix (PROTOCOL.md §2) it would claim
 * 1213486160 bytes, far above the largest `server.limits.maxFrameBytes` (64 MiB), so a server whose first four bytes
 * are these is not speaking Mimi.
 */
const HTTP = [0x48, 0x54, 0x54, 0x50];

/**
 * Passes the stream through, except that a server whose first four bytes are "HTTP" fails the read with one line
 * for a client pointed at the web port: what the framing would say ("length 1213486160 exceeds limit") does not tell
 * the user what to change. The bytes are checked before the framing sees them, which it does only once it has four.
 */
function webPortCheck(stream: ByteStream, address: string): ByteStream {
  const head: number[] = [];
  return {
    ...stream,
    async read() {
      const chunk = await stream.read();
      if (chunk === null || head.length >= HTTP.length) return chunk;
      head.push(...chunk.subarray(0, HTTP.length - head.length));
      if (head.length === HTTP.length && HTTP.every((byte, i) => head[i] === byte)) {
        throw new TransportError(
          "bad_frame",
          `${address} answered in HTTP: that is the server's web port. Terminal clients connect to its TCP port ` +
            `(the server prints it at start as "TCP clients"; 8111 by default): set --client.tcpPort or ` +
            `client.tcpPort in config.json`,
        );
      }
      return chunk;
    },
  };
}
