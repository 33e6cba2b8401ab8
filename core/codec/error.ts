// CodecError: the one error type a decoder throws (PROTOCOL.md §4.1).

/** Why decoding failed; the codes of PROTOCOL.md §4.1. */
export type CodecErrorCode =
  | "truncated"
  | "bad_tag"
  | "bad_utf8"
  | "duplicate_key"
  | "too_deep"
  | "too_many"
  | "too_large"
  | "trailing";

/**
 * A decoding failure: malformed, truncated or over-limit input.
 *
 * Decoders throw only this error for bad input, so a server can map any
 * `CodecError` to the `bad_frame` (or, for `too_large`, `frame_too_large`)
 * protocol error. Programmer errors (wrong argument types, bad limits) are
 * `TypeError` or `RangeError` instead.
 *
 * @example Telling a decoding failure apart
 * ```ts
 * import { CodecError, decodeValue } from "./mod.ts";
 *
 * try {
 *   decodeValue(new Uint8Array([0x09]));
 * } catch (error) {
 *   if (!(error instanceof CodecError)) throw error;
 *   console.log(error.code, error.offset); // bad_tag 0
 * }
 * ```
 */
export class CodecError extends Error {
  /** Which rule the input broke. */
  readonly code: CodecErrorCode;
  /**
   * Byte offset at which the failure was detected: relative to the start of
   * the input given to the decoder, or of the stream for `FrameDecoder`.
   */
  readonly offset: number;

  /**
   * Creates a decoding error.
   *
   * @param code Which rule the input broke.
   * @param message Sentence-case description without a final period.
   * @param offset Byte offset at which the failure was detected.
   * @param options Standard error options, e.g. `cause`.
   */
  constructor(
    code: CodecErrorCode,
    message: string,
    offset: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "CodecError";
    this.code = code;
    this.offset = offset;
  }
}
