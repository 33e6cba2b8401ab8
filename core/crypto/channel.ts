// The established channel: batches outgoing frames into records and unpacks incoming records (PROTOCOL.md §9).

import { splitFrames, writeFrameLength } from "../codec/frame.ts";
import type { RecordError } from "./errors.ts";
import { InnerType, RECORD_OVERHEAD, RecordOpener, type RecordOptions, RecordSealer } from "./record.ts";
import type { CryptoProvider } from "./primitives/types.ts";
import type { Suite } from "./suites.ts";

/** Largest record content: one frame of the largest allowed payload with its length prefix. */
export function maxRecordBody(maxFrameBytes: number): number {
  return maxFrameBytes + 4;
}

/**
 * Largest outer frame payload a receiver must accept: a full record with
 * padding, and never less than what a handshake needs (hybrid shares, FFDHE
 * groups).
 *
 * @param maxFrameBytes The configured limit on envelopes.
 * @param padding The configured padding block.
 */
export function maxOuterPayload(maxFrameBytes: number, padding: number): number {
  return Math.max(maxRecordBody(maxFrameBytes), 16 * 1024) + RECORD_OVERHEAD + Math.max(padding, 1);
}

/** What one incoming record carried. */
export interface Received {
  /** Inner frame payloads (envelopes), in order. */
  payloads: Uint8Array[];
  /** The peer ended the channel cleanly; nothing follows. */
  closeNotify: boolean;
}

/**
 * One established secure channel. Outgoing frames queued in the same tick
 * leave in one record (one seal, one write); records over the size limit are
 * split at frame boundaries.
 */
export class SecureChannel {
  readonly suite: Suite;
  readonly #sealer: RecordSealer;
  readonly #opener: RecordOpener;
  readonly #write: (payload: Uint8Array) => void;
  readonly #writeFrame: ((frame: Uint8Array) => void) | undefined;
  readonly #maxBody: number;
  readonly #maxFrameBytes: number;
  /** Envelopes queued for the next record, and their size framed (each with its 4-byte length). */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #flushing: Promise<void> = Promise.resolve();
  /** Flushes chained on {@link #flushing} and not yet done: while any is, later records follow it on the chain. */
  #asyncFlushes = 0;
  #scheduled = false;
  #corked = false;
  #closed = false;
  #onError: (error: unknown) => void;

  private constructor(
    suite: Suite,
    sealer: RecordSealer,
    opener: RecordOpener,
    write: (payload: Uint8Array) => void,
    writeFrame: ((frame: Uint8Array) => void) | undefined,
    maxFrameBytes: number,
    onError: (error: unknown) => void,
  ) {
    this.suite = suite;
    this.#sealer = sealer;
    this.#opener = opener;
    this.#write = write;
    this.#writeFrame = writeFrame;
    this.#maxFrameBytes = maxFrameBytes;
    this.#maxBody = maxRecordBody(maxFrameBytes);
    this.#onError = onError;
  }

  /**
   * @param options `provider`, `suite`, both traffic secrets, record options,
   *   `maxFrameBytes`, `write` (sends one outer frame payload), optionally `writeFrame` (sends it already framed,
   *   as `encodeFrame()` would: records sealed at once are then built in one buffer with their frame), and
   *   `onError` (a seal failed: the caller closes the connection).
   */
  static async create(options: {
    provider: CryptoProvider;
    suite: Suite;
    sendSecret: Uint8Array;
    receiveSecret: Uint8Array;
    records: RecordOptions;
    maxFrameBytes: number;
    write: (payload: Uint8Array) => void;
    writeFrame?: (frame: Uint8Array) => void;
    onError: (error: unknown) => void;
  }): Promise<SecureChannel> {
    const { provider, suite } = options;
    const [sealer, opener] = await Promise.all([
      RecordSealer.create(provider, suite, options.sendSecret, options.records),
      RecordOpener.create(provider, suite, options.receiveSecret),
    ]);
    return new SecureChannel(
      suite,
      sealer,
      opener,
      options.write,
      options.writeFrame,
      options.maxFrameBytes,
      options.onError,
    );
  }

  /**
   * Queues one frame payload (an envelope); it leaves with everything else queued in this tick.
   *
   * @param payload Envelope bytes.
   */
  send(payload: Uint8Array): void {
    if (this.#closed) return;
    if (payload.length > this.#maxFrameBytes) {
      throw new RangeError(`Cannot send a frame of ${payload.length} bytes: the limit is ${this.#maxFrameBytes}`);
    }
    this.#pending.push(payload);
    this.#pendingBytes += 4 + payload.length;
    if (!this.#corked) this.#schedule();
  }

  /**
   * Holds outgoing frames until {@link uncork}: a receiver answering the
   * requests of one incoming record sends all answers in one record, even
   * when the answers are computed across several ticks.
   */
  cork(): void {
    this.#corked = true;
  }

  /** Sends what was held since {@link cork}, in one record where it fits. */
  uncork(): void {
    this.#corked = false;
    if (this.#pending.length > 0) this.#schedule();
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      // A microtask later: everything sent in this synchronous run joins one record.
      queueMicrotask(this.#flushSoon);
    }
  }

  readonly #flushSoon = (): void => {
    this.#scheduled = false;
    // Sealed at once where the key allows it and no earlier flush is still on its way (records leave in order).
    if (this.#asyncFlushes === 0) {
      try {
        if (this.#flushSync()) return;
      } catch (error) {
        this.#onError(error);
        return;
      }
    }
    this.#asyncFlushes++;
    // The catch is on this flush, not the previous one: a failure reaches onError at once and
    // #flushing never rejects (flushed() and close() await it; nothing else would handle it).
    this.#flushing = this.#flushing.then(() => this.#flush()).catch((error) => this.#onError(error)).finally(() => {
      this.#asyncFlushes--;
    });
  };

  /** Seals and writes what is pending without awaiting; false when the sealer cannot (then {@link #flush} does). */
  #flushSync(): boolean {
    while (this.#pending.length > 0) {
      // The envelopes go straight into the record's plaintext, framed there.
      const [count, length] = this.#nextCount();
      const body = { payloads: this.#pending, count, length };
      const writeFrame = this.#writeFrame;
      const record = this.#sealer.sealSync(InnerType.data, body, writeFrame ? 4 : 0);
      if (record === undefined) return false;
      this.#take(count, length);
      if (writeFrame) {
        // The record was sealed after four free bytes: its frame's length goes there, and the transport sends it as
        // it is.
        writeFrameLength(record, 0, record.length - 4);
        writeFrame(record);
      } else {
        this.#write(record);
      }
    }
    return true;
  }

  /** How many pending frames the next record holds, and their framed size: up to one record's worth. */
  #nextCount(): [number, number] {
    const pending = this.#pending;
    if (this.#pendingBytes <= this.#maxBody) return [pending.length, this.#pendingBytes];
    let size = 0;
    let count = 0;
    // A single frame always fits (maxRecordBody).
    while (count < pending.length && size + 4 + pending[count].length <= this.#maxBody) {
      size += 4 + pending[count++].length;
    }
    return [count, size];
  }

  /** Drops the first `count` pending frames, `bytes` framed, once they are sealed. */
  #take(count: number, bytes: number): void {
    if (count === this.#pending.length) this.#pending = [];
    else this.#pending.splice(0, count);
    this.#pendingBytes -= bytes;
  }

  /** Resolves once everything queued so far has been sealed and written. */
  async flushed(): Promise<void> {
    while (this.#scheduled) await Promise.resolve();
    await this.#flushing;
  }

  /** Flushes, then sends close_notify; nothing is sent afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.uncork();
    await this.flushed();
    this.#closed = true;
    try {
      for (const record of await this.#sealer.seal(InnerType.closeNotify, new Uint8Array(0))) this.#write(record);
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * Opens one incoming record.
   *
   * @param payload An outer frame payload.
   * @returns The frames it carried; throws {@link RecordError} (close without a word) or
   *   `CodecError` (the content is not whole frames: answer `bad_frame` or `frame_too_large`).
   */
  async receive(payload: Uint8Array): Promise<Received> {
    const { type, body } = await this.#opener.open(payload, (p) => this.#guess(p));
    return this.#received(type, body);
  }

  /**
   * {@link receive} without a promise, where the record opens synchronously (node:crypto on the server).
   *
   * @param payload An outer frame payload.
   * @returns The frames it carried, or `undefined`: then call {@link receive} with the same payload. Throws as
   *   `receive` rejects, for a record that opened but is malformed.
   */
  receiveSync(payload: Uint8Array): Received | undefined {
    const opened = this.#opener.openSync(payload);
    return opened === undefined ? undefined : this.#received(opened.type, opened.body);
  }

  #received(type: number, body: Uint8Array): Received {
    if (type === InnerType.closeNotify) return { payloads: [], closeNotify: true };
    if (type === InnerType.keyUpdate) return { payloads: [], closeNotify: false };
    return { payloads: splitFrames(body, this.#maxFrameBytes), closeNotify: false };
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      // The envelopes are framed into the record's plaintext by the sealer; it keeps its own list of them, since
      // more may be queued here while it waits.
      const [count, length] = this.#nextCount();
      const body = { payloads: this.#pending.slice(0, count), count, length };
      this.#take(count, length);
      for (const record of await this.#sealer.seal(InnerType.data, body)) this.#write(record);
    }
  }

  async #guess(payload: Uint8Array): Promise<RecordError["kind"]> {
    if (await this.#sealer.sealedRecently(payload)) return "reflect";
    return (await this.#opener.classify(payload)) ?? "tamper";
  }
}
