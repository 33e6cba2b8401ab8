// Envelope: opcode, request id and one value, the payload of every frame (PROTOCOL.md §3).

import { Reader } from "./_reader.ts";
import { releaseWriter, takeWriter, U32_MAX } from "./_writer.ts";
import { type DecodeLimits, readValue, type Value, writeValue } from "./value.ts";

/** One protocol message (PROTOCOL.md §3). */
export interface Envelope {
  /** u16 operation code (PROTOCOL.md §5); `0x0000` is an error. */
  opcode: number;
  /** u32 request id; 0 for pushes and connection-wide errors. */
  id: number;
  /** The message body. */
  body: Value;
}

/**
 * Encodes an envelope: u16 opcode, u32 id, then the body value.
 *
 * @param envelope The message to encode.
 * @returns The envelope's bytes, ready for `encodeFrame`: a small one is a view into a slab it shares with others
 *   (never transfer or detach its `buffer`, and keep it no longer than it takes to send).
 * @throws {RangeError} If `opcode` is not an integer from 0 to 65 535 or `id`
 * not an integer from 0 to 2^32-1, or for the body's range errors (see
 * `encodeValue`).
 * @throws {TypeError} For the body's type errors (see `encodeValue`).
 *
 * @example Encoding a ping request
 * ```ts
 * import { encodeEnvelope } from "./mod.ts";
 *
 * encodeEnvelope({ opcode: 0x0001, id: 1, body: {} });
 * // Uint8Array [0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]: opcode, id, empty map
 * ```
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const { opcode, id, body } = envelope;
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 0xffff) {
    throw new RangeError(
      `Cannot encode envelope: opcode must be an integer from 0 to 65535, got ${opcode}`,
    );
  }
  if (!Number.isInteger(id) || id < 0 || id > U32_MAX) {
    throw new RangeError(
      `Cannot encode envelope: id must be an integer from 0 to ${U32_MAX}, got ${id}`,
    );
  }
  const writer = takeWriter();
  try {
    writer.u16(opcode);
    writer.u32(id);
    writeValue(writer, body);
    return writer.finishInSlab();
  } finally {
    releaseWriter(writer);
  }
}

/**
 * Decodes an envelope that fills `payload` (a frame's payload).
 *
 * @param payload The encoded envelope; the result never aliases it.
 * @param limits Depth and item limits for the body; the protocol's by default.
 * @returns The opcode, id and body. The opcode is not checked against the
 * opcode table: that is the protocol layer's job.
 * @throws {CodecError} For any malformed, truncated or over-limit input,
 * with the offset from the start of `payload` where it was detected. A
 * payload shorter than 7 bytes is `truncated`.
 * @throws {TypeError} If `payload` is not a `Uint8Array`.
 * @throws {RangeError} If `limits` holds an invalid number.
 *
 * @example Decoding a ping request
 * ```ts
 * import { decodeEnvelope } from "./mod.ts";
 *
 * const payload = new Uint8Array([0, 1, 0, 0, 0, 7, 0x08, 0, 0, 0, 0]);
 * decodeEnvelope(payload); // { opcode: 1, id: 7, body: {} }
 * ```
 */
export function decodeEnvelope(
  payload: Uint8Array,
  limits?: DecodeLimits,
): Envelope {
  if (!(payload instanceof Uint8Array)) {
    throw new TypeError("Cannot decode envelope: input is not a Uint8Array");
  }
  const reader = new Reader(payload, 0, "envelope");
  const opcode = reader.u16("opcode");
  const id = reader.u32("id");
  // The body starts at offset 6; its error offsets stay payload-relative.
  const body = readValue(reader, limits);
  reader.end();
  return { opcode, id, body };
}
