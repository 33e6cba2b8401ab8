// One frame per WebSocket message (PROTOCOL.md §1): the message framing of both roles, written once.

import { CodecError } from "../codec/error.ts";
import { encodeFrame, readFrameLength } from "../codec/frame.ts";
import { TransportError } from "./duplex.ts";

const PREFIX_BYTES = 4;

/**
 * Reads the one frame a WebSocket message must carry, length prefix
 * included (PROTOCOL.md §1).
 *
 * @param message The message's data: a string for a text message, bytes for a binary one.
 * @param maxFrameBytes Largest payload accepted.
 * @returns The frame's payload (a view into `message`).
 * @throws {TransportError} `bad_frame` for a text message or one that is not exactly one whole frame (two frames,
 *   part of one); `frame_too_large` for a length over `maxFrameBytes` (with a `CodecError` `too_large` as cause).
 *
 * @example
 * ```ts
 * import { frameOfMessage } from "./message_framing.ts";
 * frameOfMessage(new Uint8Array([0, 0, 0, 2, 7, 8]), 1024); // Uint8Array [7, 8]
 * ```
 */
export function frameOfMessage(message: string | ArrayBuffer | Uint8Array, maxFrameBytes: number): Uint8Array {
  if (typeof message === "string") {
    throw new TransportError("bad_frame", "The peer sent a WebSocket text message; frames travel in binary messages");
  }
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
  if (bytes.length < PREFIX_BYTES) {
    throw new TransportError("bad_frame", `A WebSocket message of ${bytes.length} bytes holds no whole frame`);
  }
  const length = readFrameLength(bytes, 0);
  if (length > maxFrameBytes) {
    const message = `Cannot decode frame: length ${length} exceeds limit ${maxFrameBytes} at offset 0`;
    throw new TransportError("frame_too_large", message, { cause: new CodecError("too_large", message, 0) });
  }
  if (bytes.length !== PREFIX_BYTES + length) {
    const what = bytes.length < PREFIX_BYTES + length ? "part of a frame" : "more than one frame";
    throw new TransportError(
      "bad_frame",
      `A WebSocket message must carry exactly one whole frame; this one holds ${what} ` +
        `(${bytes.length} bytes for a frame of ${PREFIX_BYTES + length})`,
    );
  }
  return bytes.subarray(PREFIX_BYTES);
}

/**
 * The WebSocket message that carries one payload: its frame, length prefix included.
 *
 * @param payload The frame payload.
 * @returns The binary message to send.
 */
export function messageOfFrame(payload: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeFrame(payload);
}
