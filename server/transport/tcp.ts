// TCP transport: length-prefixed frames on a raw socket (PROTOCOL.md §1-2), adapted to Connection.

import { CodecError } from "../../core/codec/error.ts";
import { encodeFrame, FrameDecoder } from "../../core/codec/frame.ts";
import { type CloseInfo, type Connection, FrameError, nextConnectionId } from "./connection.ts";
import { OutboundQueue } from "./_outbound.ts";

/** Limits a transport enforces on each connection. */
export interface TransportLimits {
  maxFrameBytes: number;
  outboundQueueBytes: number;
}

/** A running TCP listener. */
export interface TcpListener {
  readonly addr: Deno.NetAddr;
  /** Stops accepting; existing connections are left to their owner. */
  close(): void;
  /** Settles when the accept loop has ended. */
  readonly done: Promise<void>;
}

/** How long `close()` waits for queued bytes to leave before cutting the socket. */
const CLOSE_GRACE_MS = 1000;

/**
 * Listens for TCP clients and hands each one over as a {@link Connection}.
 *
 * @param options Address to bind, per-connection limits, and PEM `tls` to wrap every connection in TLS.
 * @param onConnection Called for every accepted socket.
 * @param onAcceptError Called when accepting fails (for example when out of file descriptors); the loop goes on.
 * @returns The listener.
 */
export function listenTcp(
  options: { hostname: string; port: number; tls?: { cert: string; key: string } } & TransportLimits,
  onConnection: (connection: Connection) => void,
  onAcceptError: (error: unknown) => void,
): TcpListener {
  const listener: Deno.Listener<Deno.Conn<Deno.NetAddr>> = options.tls
    ? Deno.listenTls({ hostname: options.hostname, port: options.port, ...options.tls })
    : Deno.listen({ hostname: options.hostname, port: options.port, transport: "tcp" });
  let closing = false;
  const done = (async () => {
    while (!closing) {
      let conn: Deno.Conn<Deno.NetAddr>;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) return;
        onAcceptError(error);
        // Back off so a persistent failure (EMFILE) does not spin the CPU.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      // Without TCP_NODELAY a frame written in two parts stalls ~40 ms per round trip (Nagle + delayed ACK).
      // Deno's TLS connections do not expose the option.
      if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
      onConnection(new TcpConnection(conn, options));
    }
  })();
  return {
    addr: listener.addr as Deno.NetAddr,
    close() {
      closing = true;
      listener.close();
    },
    done,
  };
}

class TcpConnection implements Connection {
  readonly id = nextConnectionId();
  readonly transport = "tcp" as const;
  readonly remoteAddress: string;
  readonly remoteHost: string;
  readonly closed: Promise<CloseInfo>;
  readonly #conn: Deno.Conn<Deno.NetAddr>;
  readonly #limits: TransportLimits;
  readonly #queue: OutboundQueue;
  #closing: Promise<void> | undefined;
  #resolveClosed!: (info: CloseInfo) => void;

  constructor(conn: Deno.Conn<Deno.NetAddr>, limits: TransportLimits) {
    this.#conn = conn;
    this.#limits = limits;
    const remote = conn.remoteAddr;
    this.remoteHost = remote.hostname;
    this.remoteAddress = formatAddress(remote.hostname, remote.port);
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    this.#queue = new OutboundQueue(
      (bytes) => writeAll(conn, bytes),
      limits.outboundQueueBytes,
      () => void this.close("outbound_overflow"),
      () => void this.close("write_failed"),
    );
  }

  async *frames(): AsyncIterable<Uint8Array> {
    const decoder = new FrameDecoder({ maxFrameBytes: this.#limits.maxFrameBytes });
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await this.#conn.read(buffer);
      } catch (error) {
        // Our own close() or a reset by the peer ends the stream; either way there is nothing more to read.
        if (this.#closing || isConnectionGone(error)) return;
        throw error;
      }
      if (n === null) break;
      let payloads: Uint8Array[];
      try {
        // The decoder copies what it keeps, so the read buffer can be reused.
        payloads = decoder.push(buffer.subarray(0, n));
      } catch (error) {
        if (error instanceof CodecError) throw FrameError.fromCodec(error);
        throw error;
      }
      yield* payloads;
    }
    try {
      decoder.end();
    } catch (error) {
      if (error instanceof CodecError) throw FrameError.fromCodec(error);
      throw error;
    }
  }

  send(payload: Uint8Array): void {
    if (this.#closing) return;
    this.#queue.push(encodeFrame(payload));
  }

  close(reason: string): Promise<void> {
    this.#closing ??= (async () => {
      if (reason === "outbound_overflow" || reason === "write_failed") {
        this.#queue.stop();
      } else {
        await withTimeout(this.#queue.drained(), CLOSE_GRACE_MS);
        this.#queue.stop();
      }
      try {
        this.#conn.close();
      } catch (error) {
        // Already closed by the runtime after a failed write: the goal is reached.
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
      this.#resolveClosed({ reason });
    })();
    return this.#closing;
  }
}

/** Formats `host:port`, bracketing IPv6 literals. */
export function formatAddress(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/** Writes all of `bytes`; `Conn.write` may take only part of them. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

function isConnectionGone(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.Interrupted || error instanceof Deno.errors.BrokenPipe;
}

/** Waits for `promise` at most `ms` milliseconds; never rejects. */
export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    // A failure here is the writer's to report; waiting only needs it to be over.
    promise.catch(() => {}),
    new Promise((resolve) => timer = setTimeout(resolve, ms)),
  ]);
  clearTimeout(timer);
}
