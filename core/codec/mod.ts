// Mimi's binary codec: values, envelopes and frames (PROTOCOL.md §2-4).
/**
 * Mimi's wire codec, the same in browsers, Deno and the terminal client.
 *
 * - {@linkcode encodeValue} / {@linkcode decodeValue}: tagged values (§4).
 * - {@linkcode encodeEnvelope} / {@linkcode decodeEnvelope}: opcode, id, body (§3).
 * - {@linkcode encodeFrame} / {@linkcode FrameDecoder}: length-prefixed frames (§2).
 * - {@linkcode CodecError}: every decoding failure, with a code and offset (§4.1).
 *
 * @example Sending and receiving one request
 * ```ts
 * import { decodeEnvelope, encodeEnvelope, encodeFrame, FrameDecoder } from "./mod.ts";
 *
 * const bytes = encodeFrame(encodeEnvelope({ opcode: 2, id: 1, body: "hello" }));
 * const [payload] = new FrameDecoder().push(bytes);
 * decodeEnvelope(payload); // { opcode: 2, id: 1, body: "hello" }
 * ```
 *
 * @module
 */

export { CodecError, type CodecErrorCode } from "./error.ts";
export {
  type DecodeLimits,
  decodeValue,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ITEMS,
  encodeValue,
  type Value,
} from "./value.ts";
export { decodeEnvelope, encodeEnvelope, type Envelope } from "./envelope.ts";
export { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder, type FrameDecoderOptions } from "./frame.ts";
