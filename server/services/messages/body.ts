// Message bodies on the server: the limits a sent body must keep, and the codec bytes the store keeps of it.

import { decodeValue, encodeValue, type Value } from "../../../core/codec/value.ts";
import { IMAGE_MIMES } from "../../../core/protocol/image.ts";
import type { Message, MessageBody, SendableBody } from "../../../core/protocol/ops/messages.ts";
import { isMap } from "../../../core/protocol/schema.ts";
import { RequestError } from "../../rpc/errors.ts";
import type { MessageRecord } from "../../store/types.ts";

/** The limits of `server.limits` a sent body must keep (PROTOCOL.md §14.2). */
export interface MessageLimits {
  /** Longest text, in characters (code points). */
  messageTextChars: number;
  /** Largest image, in bytes. */
  imageBytes: number;
  /** Most pixels of an image. */
  imagePixels: number;
  /** Largest thumbnail, in bytes. */
  thumbnailBytes: number;
}

/**
 * Checks a body a client sends against the server's limits (its shape was checked by the operation's schema).
 *
 * @param body A text or image body.
 * @param limits The limits.
 * @throws {RequestError} `too_large` past a limit; `bad_image` for a type that is not one of the four images.
 *
 * @example
 * ```ts
 * import { checkSendable } from "./body.ts";
 * const limits = { messageTextChars: 5, imageBytes: 1024, imagePixels: 100, thumbnailBytes: 10 };
 * checkSendable({ type: "text", text: "你好" }, limits); // fine
 * ```
 */
export function checkSendable(body: SendableBody, limits: MessageLimits): void {
  if (body.type === "text") {
    // A text has no more code points than UTF-16 units: within the limit in units, it needs no counting.
    if (body.text.length <= limits.messageTextChars) return;
    // Counted in code points, as the spec counts characters; stops counting once past the limit.
    let length = 0;
    for (const _ of body.text) {
      if (++length > limits.messageTextChars) {
        throw new RequestError("too_large", `A message holds at most ${limits.messageTextChars} characters`);
      }
    }
    return;
  }
  if (!(IMAGE_MIMES as readonly string[]).includes(body.mime)) {
    throw new RequestError("bad_image", "An image is a PNG, JPEG, GIF or WebP");
  }
  if (body.size > limits.imageBytes) {
    throw new RequestError("too_large", `An image holds at most ${limits.imageBytes} bytes`);
  }
  if (body.width * body.height > limits.imagePixels) {
    throw new RequestError("too_large", `An image holds at most ${limits.imagePixels} pixels`);
  }
  if (body.thumbnail && body.thumbnail.length > limits.thumbnailBytes) {
    throw new RequestError("too_large", `A thumbnail holds at most ${limits.thumbnailBytes} bytes`);
  }
}

/**
 * The blobs a body references, for the store's record of who may download what.
 *
 * @param body A body.
 * @returns The SHA-256 of each blob: an image's one, or none.
 */
export function blobsOf(body: MessageBody): Uint8Array[] {
  return body.type === "image" ? [body.blob] : [];
}

/**
 * The bytes the store keeps of a body: its codec encoding (PROTOCOL.md §4), which the store never reads.
 *
 * @param body A body.
 * @returns The encoded body.
 */
export function encodeBody(body: MessageBody): Uint8Array {
  return encodeValue(body as Value);
}

/**
 * A stored body as it goes on the wire: a recalled message's (no bytes left) is `{ type: "recalled" }`.
 *
 * @param bytes What the store keeps, or null once recalled.
 * @returns The body.
 * @throws {TypeError} When the bytes are not a body the server wrote: a damaged database, not a client's fault.
 */
export function decodeBody(bytes: Uint8Array | null): MessageBody {
  if (bytes === null) return { type: "recalled" };
  const value = decodeValue(bytes);
  if (!isMap(value) || typeof value.type !== "string") throw new TypeError("A stored message body is not a typed map");
  // Checked by the schema when it was sent (or written by the server); a type this version does not know passes whole.
  return value as MessageBody;
}

/**
 * A stored message as the wire shows it.
 *
 * @param record The stored message.
 * @returns The message of PROTOCOL.md §14.2.
 */
export function toMessage(record: MessageRecord): Message {
  return {
    conversationId: record.conversationId,
    seq: record.seq,
    senderId: record.senderId,
    clientId: record.clientId,
    at: record.at,
    body: decodeBody(record.body),
    recalledAt: record.recalledAt,
  };
}

/**
 * A message just stored as the wire shows it, with the body it was stored from: the same value its stored bytes
 * decode to, without decoding them.
 *
 * @param record The stored message.
 * @param body The body the bytes were encoded from.
 * @returns The message of PROTOCOL.md §14.2.
 */
export function sentMessage(record: MessageRecord, body: MessageBody): Message {
  const { conversationId, seq, senderId, clientId, at, recalledAt } = record;
  return { conversationId, seq, senderId, clientId, at, body, recalledAt };
}
