// One accepted socket: reads into buffers sized by what arrives, writes through a bounded queue, closes once.

import { type OutboundBudget, OutboundQueue } from "./_outbound.ts";

/** Smallest and largest read buffer: an idle socket holds the smallest, a busy one grows to the largest. */
export const READ_BUFFER_MIN = 2 * 1024;
export const READ_BUFFER_MAX = 64 * 1024;

/** Reasons a socket closes itself with: the peer stopped reading, or writing to it failed. */
export const SOCKET_FAILURES: ReadonlySet<string> = new Set(["outbound_overflow", "write_failed"]);

/** How long `close()` waits for queued bytes to leave before cutting the socket. */
export const CLOSE_GRACE_MS = 1000;

/** What a socket needs besides the connection. */
export interface SocketOptions {
  /** Most bytes queued for this peer (`server.limits.outboundQueueBytes`). */
  outboundQueueBytes: number;
  /** The budget all sockets' queues share (`server.limits.outboundTotalBytes`). */
  budget?: OutboundBudget;
  /** Called once, right after the descriptor is closed. */
  onClosed?: () => void;
}

/**
 * An accepted `Deno.Conn` with the three things every transport needs done
 * the same way: reading without a large buffer per idle socket, writing
 * without unbounded memory for a peer that does not read, and closing exactly
 * once (the descriptor and whatever the owner holds for it are released
 * together).
 */
export class Socket {
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly #conn: Deno.Conn;
  readonly #queue: OutboundQueue;
  readonly #onClosed: (() => void) | undefined;
  #readSize = READ_BUFFER_MIN;
  /** The read buffer, of `#readSize` bytes once the first read has made it. */
  #buffer: Uint8Array | undefined;
  #closing: Promise<void> | undefined;
  #reason: string | undefined;
  #resolveClosed!: (reason: string) => void;
  /** Settles with the reason once the descriptor is closed. */
  readonly closed: Promise<string>;

  /**
   * @param conn The accepted connection.
   * @param options Queue limits and the close callback.
   */
  constructor(conn: Deno.Conn, options: SocketOptions) {
    this.#conn = conn;
    this.#onClosed = options.onClosed;
    const remote = conn.remoteAddr as Deno.NetAddr;
    this.remoteHost = remote.hostname;
    this.remotePort = remote.port;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    this.#queue = new OutboundQueue(
      (bytes) => this.#writeAll(bytes),
      options.outboundQueueBytes,
      () => void this.close("outbound_overflow", 0),
      () => void this.close("write_failed", 0),
      options.budget,
    );
  }

  /** Whether `close()` has been called (or the socket closed itself after a failed write). */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** The reason the socket was closed with, once closing. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** Bytes queued and not yet written. */
  get queuedBytes(): number {
    return this.#queue.queuedBytes;
  }

  /**
   * Reads the next chunk of the socket: a fresh buffer the caller may keep.
   *
   * @returns The chunk; `null` at the peer's end of stream, a reset, or our own close.
   */
  async read(): Promise<Uint8Array | null> {
    const view = await this.readView();
    return view === null ? null : view.slice();
  }

  /**
   * Reads the next chunk of the socket into the socket's read buffer: the view is valid until the next read, for a
   * reader that copies what it keeps (the frame reader). The buffer doubles after a read that filled it and falls
   * back to {@link READ_BUFFER_MIN} after a read that used less than half, so an idle socket holds 2 KiB while a bulk
   * transfer reads 64 KiB at a time. Kept from one read to the next: a fresh 2 KiB per read cost more than the copy
   * of what arrived (profiled on the echo path).
   *
   * @returns A view of the chunk; `null` at the peer's end of stream, a reset, or our own close.
   */
  async readView(): Promise<Uint8Array | null> {
    if (this.#closing) return null;
    let buffer = this.#buffer;
    if (buffer === undefined || buffer.length !== this.#readSize) {
      buffer = this.#buffer = new Uint8Array(this.#readSize);
    }
    let n: number | null;
    try {
      n = await this.#conn.read(buffer);
    } catch (error) {
      // Our own close() or a reset by the peer ends the stream; either way there is nothing more to read.
      if (this.#closing || isConnectionGone(error)) return null;
      throw error;
    }
    if (n === null) return null;
    if (n === buffer.length) this.#readSize = Math.min(READ_BUFFER_MAX, this.#readSize * 2);
    else if (n < buffer.length / 2) this.#readSize = READ_BUFFER_MIN;
    return buffer.subarray(0, n);
  }

  /**
   * The chunks of {@link read} as an iterable, for the readers that want one (an async generator costs a little more
   * per chunk than calling `read()`: the record path calls it).
   *
   * @returns The chunks; ends at the peer's end of stream, a reset, or our own close.
   */
  async *chunks(): AsyncIterable<Uint8Array> {
    while (true) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  /**
   * Queues bytes for the peer; never blocks. Past the queue's limit the socket
   * is closed (`outbound_overflow`) instead. Ignored once closing.
   *
   * @param bytes Bytes to send; must not be modified afterwards.
   */
  write(bytes: Uint8Array): void {
    if (this.#closing) return;
    this.#queue.push(bytes);
  }

  /**
   * Sends what is queued (for at most `graceMs`), then closes the descriptor.
   * Idempotent: the first reason wins, and every call resolves when it is closed.
   *
   * @param reason Why, for the owner's log.
   * @param graceMs How long queued bytes may take to leave; 0 cuts at once.
   */
  close(reason: string, graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.#closing ??= (async () => {
      this.#reason = reason;
      if (graceMs > 0) await waitAtMost(this.#queue.drained(), graceMs);
      this.#queue.stop();
      try {
        this.#conn.close();
      } catch (error) {
        // Already closed by the runtime after a failed write: the goal is reached.
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
      this.#onClosed?.();
      this.#resolveClosed(reason);
    })();
    return this.#closing;
  }

  /**
   * Refuses the peer politely: sends `bytes`, stops writing, reads and drops
   * what the peer already sent (closing with unread data would reset the
   * connection and could destroy the answer before the peer reads it), and
   * closes, all within `graceMs`.
   *
   * @param reason Why, for the owner's log.
   * @param bytes The refusal (an alert, or an HTTP response).
   * @param graceMs The most time the refusal may hold the descriptor.
   */
  refuse(reason: string, bytes: Uint8Array, graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (this.#closing) return this.#closing;
    this.write(bytes);
    const started = Date.now();
    const drain = (async () => {
      await waitAtMost(this.#queue.drained(), graceMs);
      try {
        await this.#conn.closeWrite();
      } catch (error) {
        // The peer may have gone already; the socket is closed below either way.
        if (!isConnectionGone(error) && !(error instanceof Deno.errors.NotConnected)) throw error;
      }
      let dropped = 0;
      for await (const chunk of this.chunks()) {
        dropped += chunk.length;
        if (dropped > 64 * 1024) break;
      }
    })();
    return (async () => {
      await waitAtMost(drain, Math.max(0, graceMs - (Date.now() - started)));
      await this.close(reason, 0);
    })();
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    // Conn.write may take only part of the bytes.
    for (let done = 0; done < bytes.length;) done += await this.#conn.write(bytes.subarray(done));
  }
}

/** Whether `error` means the peer is gone (reset, closed), as opposed to a bug. */
export function isConnectionGone(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.Interrupted || error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted || error instanceof Deno.errors.UnexpectedEof;
}

/** Waits for `promise` at most `ms` milliseconds; never rejects. */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    // A failure here is the writer's to report; waiting only needs it to be over.
    promise.catch(() => {}),
    new Promise((resolve) => timer = setTimeout(resolve, ms)),
  ]);
  clearTimeout(timer);
}
