// The established channel: batches outgoing frames into records and unpacks incoming records (PROTOCOL.md §9).

import { encodeFrame, FrameDecoder } from "../codec/frame.ts";
import { CodecError } from "../codec/error.ts";
import { joinBytes } from "../bytes/mod.ts";
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
  readonly #maxBody: number;
  readonly #maxFrameBytes: number;
  #pending: Uint8Array[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #scheduled = false;
  #corked = false;
  #closed = false;
  #onError: (error: unknown) => void;

  private constructor(
    suite: Suite,
    sealer: RecordSealer,
    opener: RecordOpener,
    write: (payload: Uint8Array) => void,
    maxFrameBytes: number,
    onError: (error: unknown) => void,
  ) {
    this.suite = suite;
    this.#sealer = sealer;
    this.#opener = opener;
    this.#write = write;
    this.#maxFrameBytes = maxFrameBytes;
    this.#maxBody = maxRecordBody(maxFrameBytes);
    this.#onError = onError;
  }

  /**
   * @param options `provider`, `suite`, both traffic secrets, record options,
   *   `maxFrameBytes`, `write` (sends one outer frame payload) and `onError`
   *   (a seal failed: the caller closes the connection).
   */
  static async create(options: {
    provider: CryptoProvider;
    suite: Suite;
    sendSecret: Uint8Array;
    receiveSecret: Uint8Array;
    records: RecordOptions;
    maxFrameBytes: number;
    write: (payload: Uint8Array) => void;
    onError: (error: unknown) => void;
  }): Promise<SecureChannel> {
    const { provider, suite } = options;
    const [sealer, opener] = await Promise.all([
      RecordSealer.create(provider, suite, options.sendSecret, options.records),
      RecordOpener.create(provider, suite, options.receiveSecret),
    ]);
    return new SecureChannel(suite, sealer, opener, options.write, options.maxFrameBytes, options.onError);
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
    this.#pending.push(encodeFrame(payload));
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
      queueMicrotask(() => {
        this.#scheduled = false;
        // The catch is on this flush, not the previous one: a failure reaches onError at once and
        // #flushing never rejects (flushed() and close() await it; nothing else would handle it).
        this.#flushing = this.#flushing.then(() => this.#flush()).catch((error) => this.#onError(error));
      });
    }
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
    if (type === InnerType.closeNotify) return { payloads: [], closeNotify: true };
    if (type === InnerType.keyUpdate) return { payloads: [], closeNotify: false };
    const decoder = new FrameDecoder({ maxFrameBytes: this.#maxFrameBytes });
    const payloads = decoder.push(body);
    if (decoder.bufferedBytes !== 0) {
      throw new CodecError("truncated", "Cannot decode record: it ends inside a frame", body.length);
    }
    return { payloads, closeNotify: false };
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      // Take frames up to one record's worth; a single frame always fits (maxRecordBody).
      let size = 0;
      let count = 0;
      while (count < this.#pending.length && size + this.#pending[count].length <= this.#maxBody) {
        size += this.#pending[count++].length;
      }
      const frames = this.#pending.splice(0, count);
      const body = frames.length === 1 ? frames[0] : joinBytes(frames);
      for (const record of await this.#sealer.seal(InnerType.data, body)) this.#write(record);
    }
  }

  async #guess(payload: Uint8Array): Promise<RecordError["kind"]> {
    if (await this.#sealer.sealedRecently(payload)) return "reflect";
    return (await this.#opener.classify(payload)) ?? "tamper";
  }
}
