// Framing: u32 length prefix + payload, and a streaming decoder that reassembles any chunking (PROTOCOL.md §2).

import { CodecError } from "./error.ts";
import { U32_MAX } from "./_writer.ts";

/** The receiver's default payload limit (PROTOCOL.md §2). */
export const DEFAULT_MAX_FRAME_BYTES = 1_048_576;

const PREFIX_BYTES = 4;
/** A split payload's buffer starts at least this big, then doubles up to its length. */
const MIN_PAYLOAD_BUFFER = 4096;

/**
 * Frames a payload: a u32 big-endian length, then the payload.
 *
 * @param payload The bytes to frame, usually from `encodeEnvelope`.
 * @returns A new buffer of `4 + payload.length` bytes.
 * @throws {TypeError} If `payload` is not a `Uint8Array`.
 * @throws {RangeError} If the payload is longer than 2^32-1 bytes.
 *
 * @example Framing three bytes
 * ```ts
 * import { encodeFrame } from "./mod.ts";
 *
 * encodeFrame(new Uint8Array([1, 2, 3])); // Uint8Array [0, 0, 0, 3, 1, 2, 3]
 * ```
 */
export function encodeFrame(payload: Uint8Array): Uint8Array<ArrayBuffer> {
  if (!(payload instanceof Uint8Array)) {
    throw new TypeError("Cannot encode frame: payload is not a Uint8Array");
  }
  const length = payload.length;
  if (length > U32_MAX) {
    throw new RangeError(
      `Cannot encode frame: payload length ${length} exceeds ${U32_MAX}`,
    );
  }
  const frame = new Uint8Array(PREFIX_BYTES + length);
  writeFrameLength(frame, 0, length);
  frame.set(payload, PREFIX_BYTES);
  return frame;
}

/**
 * Writes a frame's u32 big-endian length prefix at `at` (PROTOCOL.md §2), for code that builds frames in place.
 *
 * @param bytes Where the frame is built.
 * @param at Offset of the prefix.
 * @param length The payload's length, at most 2^32-1.
 */
export function writeFrameLength(bytes: Uint8Array, at: number, length: number): void {
  bytes[at] = length >>> 24;
  bytes[at + 1] = (length >>> 16) & 0xff;
  bytes[at + 2] = (length >>> 8) & 0xff;
  bytes[at + 3] = length & 0xff;
}

/**
 * Reads a frame's u32 big-endian length prefix at `at`; the caller checks that four bytes are there.
 *
 * @param bytes The framed bytes.
 * @param at Offset of the prefix.
 * @returns The payload's length.
 */
export function readFrameLength(bytes: Uint8Array, at: number): number {
  return bytes[at] * 0x100_0000 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
}

/**
 * Splits bytes that hold whole frames and nothing else (a record's content, PROTOCOL.md §9.2) into their payloads,
 * as views of `bytes`: nothing is copied, so `bytes` must not change while they are used.
 *
 * @param bytes Whole frames, back to back.
 * @param maxFrameBytes The receiver's payload limit.
 * @returns The payloads, in order.
 * @throws {CodecError} `too_large` for a length over `maxFrameBytes` (as {@linkcode FrameDecoder} reports it), or
 *   `truncated` when the bytes end inside a frame.
 *
 * @example Two frames
 * ```ts
 * import { splitFrames } from "./frame.ts";
 *
 * splitFrames(new Uint8Array([0, 0, 0, 1, 7, 0, 0, 0, 0]), 16); // [Uint8Array [7], Uint8Array []]
 * ```
 */
export function splitFrames(bytes: Uint8Array, maxFrameBytes: number): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  const end = bytes.length;
  let at = 0;
  while (end - at >= PREFIX_BYTES) {
    const length = readFrameLength(bytes, at);
    if (length > maxFrameBytes) {
      throw new CodecError(
        "too_large",
        `Cannot decode frame: length ${length} exceeds limit ${maxFrameBytes} at offset ${at}`,
        at,
      );
    }
    if (length > end - at - PREFIX_BYTES) break;
    payloads.push(bytes.subarray(at + PREFIX_BYTES, at + PREFIX_BYTES + length));
    at += PREFIX_BYTES + length;
  }
  if (at !== end) throw new CodecError("truncated", "Cannot decode frames: the bytes end inside a frame", end);
  return payloads;
}

/** Options for {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * Largest payload accepted, in bytes; an integer from 0 to 2^32-1.
   * @default {1048576}
   */
  maxFrameBytes?: number;
}

/**
 * Reassembles frames from a byte stream cut into arbitrary chunks
 * (PROTOCOL.md §2), e.g. the reads of a TCP connection.
 *
 * Frames that lie wholly in one chunk are copied out of it together, once;
 * a payload split across chunks is gathered in a buffer that grows as its
 * bytes arrive, so memory follows what the peer actually sent rather than
 * what its length prefix claims. A length over the limit is rejected as soon
 * as its four bytes are read, before any of the payload is buffered.
 *
 * Payloads never alias the chunks, so callers may reuse their read buffers.
 * Payloads returned by one `push()` may be views of one shared buffer: read
 * them through their `byteOffset` and `length` (as every decoder here does)
 * and do not transfer or detach their `buffer`.
 *
 * Errors are fatal: after `push()` or `end()` throws, the decoder is
 * unusable and every later call throws the same `CodecError`. Payloads
 * completed earlier in the chunk that caused the error are not returned;
 * the connection is to be closed anyway (PROTOCOL.md §6).
 *
 * @example Reassembling two frames from uneven chunks
 * ```ts
 * import { FrameDecoder } from "./mod.ts";
 *
 * const decoder = new FrameDecoder();
 * decoder.push(new Uint8Array([0, 0])); // []
 * decoder.push(new Uint8Array([0, 1, 0xaa, 0, 0, 0, 2, 0xbb])); // [Uint8Array [0xaa]]
 * decoder.bufferedBytes; // 5: a length prefix and one payload byte
 * decoder.push(new Uint8Array([0xcc])); // [Uint8Array [0xbb, 0xcc]]
 * decoder.end(); // the stream ended between frames: no error
 * ```
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #prefix = new Uint8Array(PREFIX_BYTES);
  #prefixFilled = 0;
  /** Payload length of the current frame, or -1 while its prefix is read. */
  #length = -1;
  #payload: Uint8Array | null = null;
  #payloadFilled = 0;
  /** Stream offset of the current frame's length prefix. */
  #frameStart = 0;
  /** Stream bytes consumed before the current chunk. */
  #consumed = 0;
  #error: CodecError | undefined;

  /**
   * Creates a decoder for one stream.
   *
   * @param options `maxFrameBytes`, the receiver's payload limit.
   * @throws {RangeError} If `maxFrameBytes` is not an integer from 0 to 2^32-1.
   */
  constructor(options?: FrameDecoderOptions) {
    const max = options?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(max) || max < 0 || max > U32_MAX) {
      throw new RangeError(
        `Cannot create frame decoder: maxFrameBytes must be an integer from 0 to ${U32_MAX}, got ${max}`,
      );
    }
    this.#maxFrameBytes = max;
  }

  /**
   * Stream bytes received but not yet returned: those of the incomplete frame
   * at the end of the stream so far, its length prefix included. `end()`
   * throws exactly when this is not 0.
   */
  get bufferedBytes(): number {
    return this.#length < 0 ? this.#prefixFilled : PREFIX_BYTES + this.#payloadFilled;
  }

  /**
   * Feeds the next chunk of the stream.
   *
   * @param chunk The next bytes; not kept after the call returns.
   * @returns The payloads completed by this chunk, in stream order (often
   * none, sometimes several).
   * @throws {CodecError} `too_large` as soon as a length prefix over
   * `maxFrameBytes` is read, with the stream offset of that prefix; or the
   * error of an earlier failed call.
   * @throws {TypeError} If `chunk` is not a `Uint8Array`.
   *
   * @example Feeding one frame
   * ```ts
   * import { FrameDecoder } from "./mod.ts";
   *
   * new FrameDecoder().push(new Uint8Array([0, 0, 0, 1, 0x2a])); // [Uint8Array [0x2a]]
   * ```
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#error !== undefined) throw this.#error;
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError("Cannot decode frame: chunk is not a Uint8Array");
    }
    const payloads: Uint8Array[] = [];
    const end = chunk.length;
    // Frames that lie wholly in this chunk form one run, copied at the end
    // in one piece: one allocation per push instead of one per frame.
    const run: number[] = [];
    let i = 0;
    while (i < end) {
      if (this.#length < 0) {
        let length: number;
        if (this.#prefixFilled === 0 && end - i >= PREFIX_BYTES) {
          this.#frameStart = this.#consumed + i;
          length = readFrameLength(chunk, i);
          i += PREFIX_BYTES;
          if (length <= end - i && length <= this.#maxFrameBytes) {
            run.push(i, i + length);
            i += length;
            continue;
          }
        } else {
          if (this.#prefixFilled === 0) this.#frameStart = this.#consumed + i;
          while (this.#prefixFilled < PREFIX_BYTES && i < end) {
            this.#prefix[this.#prefixFilled++] = chunk[i++];
          }
          if (this.#prefixFilled < PREFIX_BYTES) break;
          const prefix = this.#prefix;
          length = readFrameLength(prefix, 0);
          this.#prefixFilled = 0;
        }
        if (length > this.#maxFrameBytes) {
          this.#error = new CodecError(
            "too_large",
            `Cannot decode frame: length ${length} exceeds limit ${this.#maxFrameBytes} at offset ${this.#frameStart}`,
            this.#frameStart,
          );
          throw this.#error;
        }
        this.#length = length;
      }
      // A payload that started in an earlier chunk or ends in a later one;
      // it comes before or after the run, so order is kept.
      const length = this.#length;
      const take = Math.min(end - i, length - this.#payloadFilled);
      if (take === 0 && length > 0) break; // the chunk ended after a prefix
      const payload = this.#reserve(this.#payloadFilled + take);
      payload.set(chunk.subarray(i, i + take), this.#payloadFilled);
      this.#payloadFilled += take;
      i += take;
      if (this.#payloadFilled === length) {
        // #reserve() caps growth at the length, so the buffer is exact.
        payloads.push(payload);
        this.#payload = null;
        this.#payloadFilled = 0;
        this.#length = -1;
      }
    }
    this.#consumed += end;
    if (run.length > 0) {
      const first = run[0];
      const copy = chunk.slice(first, run[run.length - 1]);
      for (let r = 0; r < run.length; r += 2) {
        payloads.push(copy.subarray(run[r] - first, run[r + 1] - first));
      }
    }
    return payloads;
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {CodecError} `truncated` if the stream ended inside a frame: at
   * the frame's offset if inside its length prefix, else at its payload's
   * offset; or the error of an earlier failed call.
   *
   * @example Ending inside a frame
   * ```ts
   * import { CodecError, FrameDecoder } from "./mod.ts";
   *
   * const decoder = new FrameDecoder();
   * decoder.push(new Uint8Array([0, 0, 0, 9, 1, 2]));
   * try {
   *   decoder.end();
   * } catch (error) {
   *   if (!(error instanceof CodecError)) throw error;
   *   console.log(error.code, error.offset); // truncated 4
   * }
   * ```
   */
  end(): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#prefixFilled > 0) {
      const offset = this.#frameStart;
      this.#error = new CodecError(
        "truncated",
        `Cannot decode frame: stream ends inside a length prefix at offset ${offset}`,
        offset,
      );
      throw this.#error;
    }
    if (this.#length >= 0) {
      const offset = this.#frameStart + PREFIX_BYTES;
      this.#error = new CodecError(
        "truncated",
        `Cannot decode frame: stream ends ${this.#payloadFilled} bytes into a payload of ${this.#length} at offset ${offset}`,
        offset,
      );
      throw this.#error;
    }
  }

  /** Returns the payload buffer with room for `needed` bytes, growing it geometrically. */
  #reserve(needed: number): Uint8Array {
    const current = this.#payload;
    if (current !== null && current.length >= needed) return current;
    const capacity = Math.min(
      this.#length,
      Math.max(needed, (current?.length ?? 0) * 2, MIN_PAYLOAD_BUFFER),
    );
    const grown = new Uint8Array(capacity);
    if (current !== null) grown.set(current.subarray(0, this.#payloadFilled));
    this.#payload = grown;
    return grown;
  }
}
