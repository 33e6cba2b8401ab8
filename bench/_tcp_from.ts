// A TCP client connection from a chosen local address, for the load generator: logins "from 100 addresses" on one
// machine. Deno.connect cannot bind a local address; node:net can (any 127.x.y.z is this machine's loopback on Linux).
//
// Why the bench needs it: the login throttle counts a login from its start until it succeeds, per address (PROTOCOL.md
// §10.7, a guesser learns the answer from the server's first reply), so more than 20 simultaneous logins from
// 127.0.0.1 are refused. The "100 simultaneous logins" are 100 users, each from their own address.

import net from "node:net";
import { asTransportError, type Duplex } from "../core/transport/duplex.ts";
import { type ByteStream, framedStream } from "../core/transport/stream_framing.ts";

/**
 * Connects to `host:port` from `localAddress`, framed as the TCP transport is (PROTOCOL.md §2).
 *
 * @param host The server's address.
 * @param port Its TCP port.
 * @param localAddress The address to connect from, e.g. "127.0.0.42".
 * @param maxFrameBytes Largest frame accepted from the server.
 * @returns The framed duplex; rejects with `connect_failed` when the connection fails.
 */
export async function connectTcpFrom(
  host: string,
  port: number,
  localAddress: string,
  maxFrameBytes: number,
): Promise<Duplex> {
  const socket = net.connect({ host, port, localAddress, noDelay: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
  } catch (error) {
    socket.destroy();
    throw asTransportError("connect_failed", `Cannot connect to ${host}:${port} from ${localAddress}`, error);
  }
  return framedStream(nodeSocketStream(socket), { maxFrameBytes });
}

/** A connected node:net socket as a pull-based {@link ByteStream}: chunks queue until read, the stream ends once. */
function nodeSocketStream(socket: net.Socket): ByteStream {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  socket.on("data", (chunk: Uint8Array) => {
    chunks.push(chunk);
    notify();
  });
  socket.on("end", () => {
    ended = true;
    notify();
  });
  socket.on("close", () => {
    ended = true;
    notify();
  });
  socket.on("error", (error: Error) => {
    failure = error;
    notify();
  });
  return {
    async read() {
      while (chunks.length === 0 && !ended && !failure) await new Promise<void>((resolve) => wake = resolve);
      const chunk = chunks.shift();
      if (chunk) return chunk;
      if (failure) throw asTransportError("lost", "The connection failed", failure);
      return null;
    },
    write(bytes) {
      return new Promise<void>((resolve, reject) => socket.write(bytes, (error) => error ? reject(error) : resolve()));
    },
    close() {
      socket.destroy();
    },
  };
}
