// The record layer: sealing and opening encrypted records with counters, padding and key updates (PROTOCOL.md §9).

import { writeFrameLength } from "../codec/frame.ts";
import { RecordError } from "./errors.ts";
import { ContentType } from "./handshake_messages.ts";
import { nextTrafficSecret, trafficKey } from "./key_schedule.ts";
import { AeadError } from "./primitives/errors.ts";
import type { Aead, AeadKey, CryptoProvider, Hash } from "./primitives/types.ts";
import type { Suite } from "./suites.ts";

/** Inner content types (PROTOCOL.md §9.2). */
export const InnerType = { data: 0x01, keyUpdate: 0x02, closeNotify: 0x03 } as const;

function innerName(type: number): string {
  return type === InnerType.keyUpdate ? "key_update" : type === InnerType.closeNotify ? "close_notify" : "data";
}

/** Bytes a record adds around its content: content type, inner type, length, tag. */
export const RECORD_OVERHEAD = 1 + 1 + 4 + 16;

/**
 * Record content given as envelopes, each to go in as a frame (4-byte length, then the payload): the first `count`
 * of `payloads`, `length` bytes framed. The record is then built without a separate copy of its content.
 */
export interface FramedContent {
  readonly payloads: readonly Uint8Array[];
  readonly count: number;
  readonly length: number;
}

/** Limits of one direction's keys and the padding applied (PROTOCOL.md §9.3). */
export interface RecordOptions {
  /** Pad the inner plaintext to a multiple of this many bytes; 0 or 1 pads nothing. */
  padding: number;
  /** Send a key update after this many records under one key. */
  rekeyAfterRecords: number;
  /** …or after this many plaintext bytes under one key, whichever comes first. */
  rekeyAfterBytes: number;
}

/** One direction's current key: AEAD key, IV, sequence number and usage. */
class Epoch {
  /**
   * A plain number, not a BigInt: BigInt arithmetic allocated on every record (profiled on the echo path). The count
   * stays far below 2^53, since a key update comes after at most `crypto.rekeyAfterRecords` (at most 2^32) records.
   */
  seq = 0;
  records = 0;
  bytes = 0;

  /**
   * The nonce and associated data of the synchronous paths, rewritten for every record: a synchronous AEAD has
   * consumed them when it returns, and two small buffers per record cost more than the rest of the bookkeeping
   * (profiled). The asynchronous paths make fresh ones, which stay untouched while a seal or open is in flight.
   */
  readonly syncNonce: Uint8Array;
  readonly syncAd = new Uint8Array(13);

  constructor(readonly secret: Uint8Array, readonly key: AeadKey, readonly iv: Uint8Array) {
    this.syncNonce = new Uint8Array(iv.length);
  }

  /** RFC 8446 §5.3: the 64-bit sequence number, left-padded to the IV length, XORed with the IV. */
  nonce(seq: number, into: Uint8Array = new Uint8Array(this.iv.length)): Uint8Array {
    const nonce = into;
    nonce.set(this.iv);
    const end = nonce.length;
    const low = seq >>> 0;
    const high = seq > 0xffff_ffff ? Math.floor(seq / 0x1_0000_0000) >>> 0 : 0;
    nonce[end - 1] ^= low & 0xff;
    nonce[end - 2] ^= (low >>> 8) & 0xff;
    nonce[end - 3] ^= (low >>> 16) & 0xff;
    nonce[end - 4] ^= low >>> 24;
    nonce[end - 5] ^= high & 0xff;
    nonce[end - 6] ^= (high >>> 8) & 0xff;
    nonce[end - 7] ^= (high >>> 16) & 0xff;
    nonce[end - 8] ^= high >>> 24;
    return nonce;
  }

  /** Whether `payload` opens under this key at `seq`; used only to classify a failure. */
  async opensAt(payload: Uint8Array, seq: number): Promise<boolean> {
    if (seq < 0) return false;
    const ciphertext = payload.subarray(1);
    try {
      await this.key.open(this.nonce(seq), ciphertext, associatedData(seq, ciphertext.length));
      return true;
    } catch (error) {
      // Any failure means "not this one"; only an unexpected error is rethrown.
      if (error instanceof AeadError) return false;
      throw error;
    }
  }
}

/** Whether `bytes` from `start` on are all zero (the padding). */
function allZero(bytes: Uint8Array, start: number): boolean {
  for (let i = start; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Associated data: content type, sequence number (64-bit big-endian) and ciphertext length (PROTOCOL.md §9.1). */
function associatedData(seq: number, ciphertextLength: number, into: Uint8Array = new Uint8Array(13)): Uint8Array {
  // Written byte by byte: a DataView per record cost more than the rest of this function (profiled).
  const ad = into;
  ad[0] = ContentType.record;
  put32(ad, 1, seq > 0xffff_ffff ? Math.floor(seq / 0x1_0000_0000) : 0);
  put32(ad, 5, seq >>> 0);
  put32(ad, 9, ciphertextLength);
  return ad;
}

/** Writes `value` (below 2^32) at `at`, big-endian. */
function put32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

async function openEpoch(aead: Aead, hash: Hash, secret: Uint8Array): Promise<Epoch> {
  const { key, iv } = trafficKey(hash, secret, aead.keyLength);
  const epoch = new Epoch(secret, await aead.importKey(key), iv);
  key.fill(0);
  return epoch;
}

/** Seals records in one direction. Calls are serialised internally, so sequence numbers follow call order. */
export class RecordSealer {
  #epoch: Epoch;
  #queue: Promise<unknown> = Promise.resolve();
  /** Calls of {@link seal} not yet done: {@link sealSync} waits its turn behind them (it declines). */
  #inFlight = 0;
  readonly #aead: Aead;
  readonly #hash: Hash;
  readonly #options: RecordOptions;

  private constructor(epoch: Epoch, aead: Aead, hash: Hash, options: RecordOptions) {
    this.#epoch = epoch;
    this.#aead = aead;
    this.#hash = hash;
    this.#options = options;
  }

  /**
   * @param provider Supplies the AEAD and hash of `suite`.
   * @param suite The negotiated suite.
   * @param secret This direction's traffic secret (epoch 0).
   * @param options Padding and key-update limits.
   */
  static async create(provider: CryptoProvider, suite: Suite, secret: Uint8Array, options: RecordOptions) {
    const aead = provider.aead(suite.aead);
    const hash = provider.hash(suite.hash);
    return new RecordSealer(await openEpoch(aead, hash, secret), aead, hash, options);
  }

  /**
   * Seals one record; when this key has reached its limits a key-update
   * record follows and later records use the next key.
   *
   * @param type Inner type.
   * @param body Record content: for data, one or more whole frames.
   * @returns One or two frame payloads to send, in order.
   */
  seal(type: number, body: Uint8Array | FramedContent): Promise<Uint8Array[]> {
    this.#inFlight++;
    const result = this.#queue.then(async () => {
      try {
        const out = [await this.#sealOne(type, body)];
        const e = this.#epoch;
        if (
          type !== InnerType.closeNotify &&
          (e.records >= this.#options.rekeyAfterRecords || e.bytes >= this.#options.rekeyAfterBytes)
        ) {
          out.push(await this.#sealOne(InnerType.keyUpdate, new Uint8Array(0)));
          this.#epoch = await openEpoch(this.#aead, this.#hash, nextTrafficSecret(this.#hash, e.secret));
        }
        return out;
      } finally {
        this.#inFlight--;
      }
    });
    this.#queue = result.catch(() => {}); // the caller gets the error; the queue only keeps order
    return result;
  }

  /**
   * {@link seal} without a promise, when it can be done at once: the key seals synchronously (node:crypto on the
   * server), no call of `seal` is still in progress (sequence numbers follow call order), and this record does not
   * bring the key to its limits (a key update derives a new key, which is asynchronous: `seal` does that).
   *
   * @param type Inner type.
   * @param body Record content: bytes, or envelopes to frame.
   * @param headroom Bytes to leave free before the payload, for the caller's header (a frame's length).
   * @returns `headroom` free bytes then the frame payload to send, or `undefined`: then call {@link seal} instead.
   */
  sealSync(type: number, body: Uint8Array | FramedContent, headroom = 0): Uint8Array | undefined {
    const epoch = this.#epoch;
    const sealSync = epoch.key.sealSync;
    if (sealSync === undefined || this.#inFlight > 0) return undefined;
    if (
      type !== InnerType.closeNotify &&
      (epoch.records + 1 >= this.#options.rekeyAfterRecords ||
        epoch.bytes + body.length >= this.#options.rekeyAfterBytes)
    ) return undefined;
    const inner = this.#inner(type, body);
    const seq = epoch.seq++;
    const nonce = epoch.nonce(seq, epoch.syncNonce);
    const ad = associatedData(seq, inner.length + 16, epoch.syncAd);
    let out = sealSync.call(epoch.key, nonce, inner, ad, headroom + 1);
    if (out.length === inner.length + 16) {
      // A key that ignores headroom: one copy after all.
      const sealed = out;
      out = new Uint8Array(headroom + 1 + sealed.length);
      out.set(sealed, headroom + 1);
    }
    out[headroom] = ContentType.record;
    this.#count(epoch, body);
    return out;
  }

  /**
   * Whether `payload` is one of the last records this sealer produced: a
   * peer that received our own record back (reflection). Only for
   * classifying a failure (PROTOCOL.md §9.4).
   *
   * @param payload The record that failed to open.
   * @param window How many recent sequence numbers to try.
   */
  async sealedRecently(payload: Uint8Array, window = 16): Promise<boolean> {
    const epoch = this.#epoch;
    for (let d = 1; d <= window; d++) {
      if (await epoch.opensAt(payload, epoch.seq - d)) return true;
    }
    return false;
  }

  async #sealOne(type: number, body: Uint8Array | FramedContent): Promise<Uint8Array> {
    const epoch = this.#epoch;
    const inner = this.#inner(type, body);
    const seq = epoch.seq++;
    const sealed = await epoch.key.seal(epoch.nonce(seq), inner, associatedData(seq, inner.length + 16));
    return this.#sealed(epoch, body, sealed);
  }

  /** The inner plaintext: type, length, content, padding (PROTOCOL.md §9.2). */
  #inner(type: number, body: Uint8Array | FramedContent): Uint8Array {
    const unpadded = 5 + body.length;
    const block = this.#options.padding > 1 ? this.#options.padding : 1;
    const inner = new Uint8Array(block > 1 ? Math.ceil(unpadded / block) * block : unpadded);
    inner[0] = type;
    put32(inner, 1, body.length);
    if (body instanceof Uint8Array) {
      inner.set(body, 5);
      return inner;
    }
    let at = 5;
    for (let i = 0; i < body.count; i++) {
      const payload = body.payloads[i];
      writeFrameLength(inner, at, payload.length);
      inner.set(payload, at + 4);
      at += 4 + payload.length;
    }
    return inner;
  }

  /** Counts a sealed record against its key; its sequence number is taken already. */
  #count(epoch: Epoch, body: { length: number }): void {
    epoch.records++;
    epoch.bytes += body.length;
  }

  /** Counts a sealed record against its key (its sequence number is taken already) and prefixes the content type. */
  #sealed(epoch: Epoch, body: { length: number }, sealed: Uint8Array): Uint8Array {
    this.#count(epoch, body);
    const payload = new Uint8Array(1 + sealed.length);
    payload[0] = ContentType.record;
    payload.set(sealed, 1);
    return payload;
  }
}

/** Opens records in one direction, in order; any failure is final. */
export class RecordOpener {
  #epoch: Epoch;
  #failed: RecordError | undefined;
  /** The next key being derived after a key update: records wait for it (and fail if it failed). */
  #rekeying: Promise<void> | undefined;
  readonly #aead: Aead;
  readonly #hash: Hash;

  private constructor(epoch: Epoch, aead: Aead, hash: Hash) {
    this.#epoch = epoch;
    this.#aead = aead;
    this.#hash = hash;
  }

  /**
   * @param provider Supplies the AEAD and hash of `suite`.
   * @param suite The negotiated suite.
   * @param secret The peer's traffic secret (epoch 0).
   */
  static async create(provider: CryptoProvider, suite: Suite, secret: Uint8Array): Promise<RecordOpener> {
    const aead = provider.aead(suite.aead);
    const hash = provider.hash(suite.hash);
    return new RecordOpener(await openEpoch(aead, hash, secret), aead, hash);
  }

  /**
   * Opens the next record. A key update is applied here and returned so the caller can log it.
   *
   * @param payload A frame payload starting with the record content type.
   * @param guess On failure, tells what the record most likely was, for the local log only.
   * @returns Inner type and content; throws {@link RecordError}.
   */
  async open(
    payload: Uint8Array,
    guess?: (payload: Uint8Array) => Promise<RecordError["kind"]>,
  ): Promise<{ type: number; body: Uint8Array }> {
    if (this.#rekeying) await this.#rekeying;
    if (this.#failed) throw this.#failed;
    this.#checkOuter(payload);
    const epoch = this.#epoch;
    const seq = epoch.seq;
    const ciphertext = payload.subarray(1);
    let inner: Uint8Array;
    try {
      inner = await epoch.key.open(epoch.nonce(seq), ciphertext, associatedData(seq, ciphertext.length));
    } catch (error) {
      if (!(error instanceof AeadError)) throw error;
      const kind = guess ? await guess(payload) : "tamper";
      throw this.#fail(new RecordError(kind, `Record ${seq} failed to open (${kind})`, { cause: error }));
    }
    const opened = this.#opened(epoch, inner);
    if (this.#rekeying) await this.#rekeying;
    return opened;
  }

  /**
   * {@link open} without a promise, when it can be done at once: the key opens synchronously (node:crypto on the
   * server) and no key update is being applied. A record that does not open is left to `open`, which classifies
   * the failure (asynchronously) and fails the same way. After a key update the next key is derived in the
   * background; the next call returns `undefined` until it is ready.
   *
   * @param payload A frame payload starting with the record content type.
   * @returns Inner type and content, or `undefined`: then call {@link open} with the same payload. Throws
   *   {@link RecordError} for a record that opened but is malformed, or once a record has failed.
   */
  openSync(payload: Uint8Array): { type: number; body: Uint8Array } | undefined {
    if (this.#failed) throw this.#failed;
    const epoch = this.#epoch;
    const openSync = epoch.key.openSync;
    if (openSync === undefined || this.#rekeying) return undefined;
    this.#checkOuter(payload);
    const seq = epoch.seq;
    const ciphertext = payload.subarray(1);
    let inner: Uint8Array;
    try {
      const nonce = epoch.nonce(seq, epoch.syncNonce);
      inner = openSync.call(epoch.key, nonce, ciphertext, associatedData(seq, ciphertext.length, epoch.syncAd));
    } catch (error) {
      if (error instanceof AeadError) return undefined; // open() tries again and says what it most likely was
      throw error;
    }
    return this.#opened(epoch, inner);
  }

  #checkOuter(payload: Uint8Array): void {
    if (payload.length < 1 + 16 + 5 || payload[0] !== ContentType.record) {
      throw this.#fail(new RecordError("malformed", "Expected a record"));
    }
  }

  /** Checks an opened record's inner plaintext and moves to the next sequence number; starts a key update's key. */
  #opened(epoch: Epoch, inner: Uint8Array): { type: number; body: Uint8Array } {
    epoch.seq++;
    const type = inner[0];
    const length = inner.length < 5 ? 0 : ((inner[1] << 24) | (inner[2] << 16) | (inner[3] << 8) | inner[4]) >>> 0;
    if (inner.length < 5 || length > inner.length - 5 || !allZero(inner, 5 + length)) {
      throw this.#fail(new RecordError("malformed", "Record content is malformed"));
    }
    if (type !== InnerType.data && type !== InnerType.keyUpdate && type !== InnerType.closeNotify) {
      throw this.#fail(new RecordError("malformed", `Unknown inner type ${type}`));
    }
    // §9.2: key_update and close_notify are empty, and a data record carries at least one frame. Anything else is
    // a broken or hostile peer, not a message to act on.
    if (type !== InnerType.data && length !== 0) {
      throw this.#fail(new RecordError("malformed", `A ${innerName(type)} record must be empty, got ${length} bytes`));
    }
    if (type === InnerType.data && length === 0) {
      throw this.#fail(new RecordError("malformed", "A data record must carry at least one frame"));
    }
    if (type === InnerType.keyUpdate) {
      const rekeying = openEpoch(this.#aead, this.#hash, nextTrafficSecret(this.#hash, epoch.secret)).then(
        (next) => {
          this.#epoch = next;
          this.#rekeying = undefined;
        },
      );
      // Reported by whichever open() awaits it; a failure stays, so every later call fails with it too.
      rekeying.catch(() => {});
      this.#rekeying = rekeying;
    }
    return { type, body: inner.subarray(5, 5 + length) };
  }

  /**
   * Would this record open under our key at a nearby sequence number? Only
   * for classifying a failure: a hit behind means a replay, ahead a drop or
   * reorder (PROTOCOL.md §9.4).
   *
   * @param payload The record that failed.
   * @param window How many sequence numbers to try each way.
   * @returns `replay`, `reorder`, or `undefined`.
   */
  async classify(payload: Uint8Array, window = 8): Promise<"replay" | "reorder" | undefined> {
    const epoch = this.#epoch;
    for (let d = 1; d <= window; d++) {
      if (await epoch.opensAt(payload, epoch.seq - d)) return "replay";
      if (await epoch.opensAt(payload, epoch.seq + d)) return "reorder";
    }
    return undefined;
  }

  #fail(error: RecordError): RecordError {
    this.#failed = error;
    return error;
  }
}
