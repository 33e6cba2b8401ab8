// Frames over a byte stream (PROTOCOL.md §2): the TCP framing of both roles, written once.

import { CodecError } from "../codec/error.ts";
import { encodeFrame, FrameDecoder } from "../codec/frame.ts";
import { asTransportError, type Duplex, TransportError } from "./duplex.ts";

/**
 * The least a byte stream offers to carry frames. A Deno TCP or TLS
 * connection offers it through a three-line adapter (see `cli/tcp.ts`), the
 * server's accepted `Socket` through its own; anything else with reads,
 * writes and a close can too.
 */
export interface ByteStream {
  /**
   * The next bytes, or `null` at the end of the stream. The chunk need only
   * stay valid until the next call (the framing copies what it keeps).
   * Rejects when the stream broke; a {@link TransportError} passes through
   * as it is.
   */
  read(): Promise<Uint8Array | null>;
  /** Sends all of `bytes`; a rejection means the stream is broken. Called one at a time. */
  write(bytes: Uint8Array): void | Promise<void>;
  /** Closes the stream; a pending `read()` may then resolve `null` or reject. */
  close(): void | Promise<void>;
}

/** Options of {@link FrameReader} and {@link framedStream}. */
export interface StreamFramingOptions {
  /** Largest frame payload accepted from the peer; checked as soon as a length prefix is read. */
  maxFrameBytes: number;
}

/**
 * Reads frame payloads from a stream of chunks: reassembles them from any
 * chunking and reports what is not a frame as a {@link TransportError}
 * (`frame_too_large` for a length over the limit, `lost` for a stream that
 * ends inside a frame, each with the `CodecError` as `cause`).
 *
 * @example
 * ```ts
 * import { FrameReader } from "./stream_framing.ts";
 * const chunks = [new Uint8Array([0, 0]), new Uint8Array([0, 1, 42])];
 * const reader = new FrameReader(() => Promise.resolve(chunks.shift() ?? null), { maxFrameBytes: 16 });
 * await reader.read(); // Uint8Array [42]
 * await reader.read(); // null
 * ```
 */
export class FrameReader {
  readonly #next: () => Promise<Uint8Array | null>;
  readonly #endIsClean: () => boolean;
  readonly #decoder: FrameDecoder;
  #ready: Uint8Array[] = [];
  #outcome: Promise<null> | undefined;
  /** The last read's promise, and how many reads are not yet done: a read waits for the one before it. */
  #lastRead: Promise<unknown> = Promise.resolve();
  #reads = 0;

  /**
   * @param next Reads the next chunk, or `null` at the end of the stream.
   * @param options The frame limit.
   * @param endIsClean Asked when the stream ends: true when this side closed it, so that a frame cut short by our
   *   own close is not reported as a loss.
   */
  constructor(
    next: () => Promise<Uint8Array | null>,
    options: StreamFramingOptions,
    endIsClean: () => boolean = () => false,
  ) {
    this.#next = next;
    this.#endIsClean = endIsClean;
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes });
  }

  /** The next payload; `null` at a clean end; rejects with {@link TransportError}. Calls are served in order. */
  read(): Promise<Uint8Array | null> {
    // Calls are served in order: a read waits for the one before it, if that one is not done (each caller handles
    // its own outcome). The usual caller reads one at a time, and then nothing is chained.
    const go = () => this.#readOne();
    const result = this.#reads++ === 0 ? go() : this.#lastRead.then(go, go);
    this.#lastRead = result;
    return result;
  }

  async #readOne(): Promise<Uint8Array | null> {
    try {
      while (true) {
        const payload = this.#ready.shift();
        if (payload) return payload;
        if (this.#outcome) return this.#outcome;
        let chunk: Uint8Array | null;
        try {
          chunk = await this.#next();
        } catch (error) {
          this.#outcome = Promise.reject(asTransportError("lost", "Connection lost", error));
          this.#outcome.catch(() => {}); // settled here, reported to every reader that asks
          continue;
        }
        if (chunk === null) {
          this.#outcome = this.#end();
          this.#outcome.catch(() => {});
          continue;
        }
        try {
          this.#ready = this.#decoder.push(chunk);
        } catch (error) {
          if (!(error instanceof CodecError)) throw error;
          this.#outcome = Promise.reject(fromCodec(error));
          this.#outcome.catch(() => {});
        }
      }
    } finally {
      this.#reads--;
    }
  }

  #end(): Promise<null> {
    if (this.#endIsClean()) return Promise.resolve(null);
    try {
      this.#decoder.end();
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      return Promise.reject(fromCodec(error));
    }
    return Promise.resolve(null);
  }
}

/**
 * A frame decoder's failure as a transport error.
 *
 * @param error From `FrameDecoder.push()` or `end()`.
 * @returns `frame_too_large` or `lost`, with `error` as the cause.
 */
function fromCodec(error: CodecError): TransportError {
  return error.code === "too_large"
    ? new TransportError("frame_too_large", error.message, { cause: error })
    : new TransportError("lost", `The connection ended inside a frame (${error.message})`, { cause: error });
}

/**
 * Carries frames over a byte stream as a {@link Duplex}: length-prefixed
 * payloads reassembled from any chunking (PROTOCOL.md §2). Writes are sent
 * one after another, never interleaved; a failed one is reported by the next
 * `read()` as `write_failed` and closes the stream. `close()` lets the writes
 * already made finish, then closes the stream.
 *
 * @param stream The byte stream; the duplex owns it from now on.
 * @param options The frame limit for what the peer sends.
 * @returns The duplex.
 *
 * @example
 * ```ts ignore
 * import { framedStream } from "./stream_framing.ts";
 * const duplex = framedStream(stream, { maxFrameBytes: 1 << 20 });
 * duplex.write(new Uint8Array([1, 2, 3]));
 * const answer = await duplex.read();
 * await duplex.close();
 * ```
 */
export function framedStream(stream: ByteStream, options: StreamFramingOptions): Duplex {
  return new FramedStream(stream, options);
}

class FramedStream implements Duplex {
  readonly #stream: ByteStream;
  readonly #reader: FrameReader;
  #writing: Promise<void> = Promise.resolve();
  #failure: TransportError | undefined;
  /** The end a reader was given, which every later read gets too. */
  #ended: { error?: Error } | undefined;
  #closing: Promise<void> | undefined;
  /** Resolves when this side closes, so a read blocked on the stream ends at once. */
  readonly #stopped: Promise<null>;
  #stop!: () => void;

  constructor(stream: ByteStream, options: StreamFramingOptions) {
    this.#stream = stream;
    this.#stopped = new Promise((resolve) => this.#stop = () => resolve(null));
    this.#reader = new FrameReader(
      () => Promise.race([stream.read(), this.#stopped]),
      options,
      () => this.#closing !== undefined,
    );
  }

  async read(): Promise<Uint8Array | null> {
    let payload: Uint8Array | null;
    try {
      payload = await this.#reader.read();
    } catch (error) {
      if (this.#closing && !this.#ended) {
        // This side closed first: what the stream did afterwards is no news to anyone.
        this.#ended = {};
        return null;
      }
      // A stream that broke under a write in flight fails that write too: wait for it, so that the failure names
      // the write (frame errors leave the stream intact and are reported at once).
      if (error instanceof TransportError && error.kind === "lost") await this.#writing;
      throw this.#settle(this.#failure ?? error as Error);
    }
    if (this.#ended) return this.#ended.error ? Promise.reject(this.#ended.error) : null;
    if (this.#failure) throw this.#settle(this.#failure);
    if (payload === null || this.#closing) {
      this.#ended = {};
      return null;
    }
    return payload;
  }

  /** Fixes the answer of every later read once one read has rejected with `error`. */
  #settle(error: Error): Error {
    this.#ended ??= { error };
    return this.#ended.error ?? error;
  }

  write(payload: Uint8Array): void {
    if (this.#closing || this.#failure) return;
    const frame = encodeFrame(payload);
    this.#writing = this.#writing.then(async () => {
      if (this.#failure) return;
      try {
        await this.#stream.write(frame);
      } catch (error) {
        this.#failure = asTransportError("write_failed", "Cannot send", error);
        this.#stop();
        await this.#stream.close();
      }
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stop();
      await this.#writing;
      await this.#stream.close();
    })();
    return this.#closing;
  }
}
