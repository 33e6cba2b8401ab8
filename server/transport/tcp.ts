// TCP transport: length-prefixed frames on an accepted socket (PROTOCOL.md §1-2), through the shared framing.

import { CodecError } from "../../core/codec/error.ts";
import { encodeFrame } from "../../core/codec/frame.ts";
import { TransportError } from "../../core/transport/duplex.ts";
import { FrameReader } from "../../core/transport/stream_framing.ts";
import { type CloseInfo, type Connection, FrameError, nextConnectionId } from "./connection.ts";
import { plainHttpResponse } from "./plain_response.ts";
import type { Socket } from "./socket.ts";

/** An HTTP request line: a browser or `curl` pointed at the TCP port. */
const HTTP_REQUEST = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE) /;

/**
 * Serves one accepted TCP socket as a {@link Connection}.
 *
 * @param socket The accepted socket.
 * @param options `maxFrameBytes`, and `webHint`: what to tell a browser that came to this port by mistake.
 * @returns The connection.
 */
export function tcpConnection(socket: Socket, options: { maxFrameBytes: number; webHint: string }): Connection {
  return new TcpConnection(socket, options);
}

class TcpConnection implements Connection {
  readonly id = nextConnectionId();
  readonly transport = "tcp" as const;
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly closed: Promise<CloseInfo>;
  readonly #socket: Socket;
  readonly #frames: FrameReader;

  constructor(socket: Socket, options: { maxFrameBytes: number; webHint: string }) {
    this.#socket = socket;
    this.remoteHost = socket.remoteHost;
    this.remoteAddress = formatAddress(socket.remoteHost, socket.remotePort);
    this.closed = socket.closed.then((reason) => ({ reason }));
    const first = async (): Promise<Uint8Array | null> => {
      const chunk = await socket.readView();
      next = () => socket.readView();
      // Read as a frame length, "GET " is over a gigabyte: answer in the browser's language instead.
      if (chunk !== null && HTTP_REQUEST.test(String.fromCharCode(...chunk.subarray(0, 8)))) {
        await socket.refuse("http_on_tcp_port", httpNotHere(options.webHint));
        return null;
      }
      return chunk;
    };
    // After the first chunk, the socket's own read: no wrapper per chunk. Views of the socket's buffer: the frame
    // reader copies what it keeps before it reads again.
    let next: () => Promise<Uint8Array | null> = first;
    // A stream cut short by our own close (a deadline, shutdown, a refusal) is not the peer's truncated frame.
    this.#frames = new FrameReader(() => next(), { maxFrameBytes: options.maxFrameBytes }, () => socket.closing);
  }

  async read(): Promise<Uint8Array | null> {
    try {
      return await this.#frames.read();
    } catch (error) {
      if (error instanceof TransportError && error.cause instanceof CodecError) throw FrameError.fromCodec(error.cause);
      throw error;
    }
  }

  write(payload: Uint8Array): void {
    this.#socket.write(encodeFrame(payload));
  }

  writeFrame(frame: Uint8Array): void {
    this.#socket.write(frame);
  }

  async close(reason = "closed"): Promise<void> {
    await this.#socket.close(reason);
  }
}

function httpNotHere(webHint: string): Uint8Array {
  return plainHttpResponse(400, `This is Mimi's TCP port for terminal clients (mimi client). ${webHint}`);
}

/** Formats `host:port`, bracketing IPv6 literals. */
export function formatAddress(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/** Writes all of `bytes`; `Conn.write` may take only part of them. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}
