// Blobs from the client's side (PROTOCOL.md §15): an image uploaded in chunks, resuming what the server already holds,
// and a blob downloaded in chunks and checked against its name.

import { sha256 } from "@noble/hashes/sha2.js";
import { constantTimeEqual } from "../bytes/mod.ts";
import type { RequestOf, ResponseOf } from "../protocol/define.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { type ImageInfo, sniffImage } from "../protocol/image.ts";
import { MAX_CHUNK } from "../protocol/ops/blobs.ts";
import { type AnyOp, OPS } from "../protocol/registry.ts";
import { TransportError } from "../transport/duplex.ts";
import type { Sendable } from "./client.ts";

/** Sends one operation and answers its typed response: `MimiConnection.call`, or a `MimiClient`'s. */
export type Caller = <D extends AnyOp>(def: D, body: Sendable<RequestOf<D>>) => Promise<ResponseOf<D>>;

/** A blob as the server made it visible: its SHA-256, size, and what its image header says. */
export type BlobInfo = ResponseOf<typeof OPS.uploadFinish>["blob"];

/** Options of {@link uploadImage} and {@link downloadBlob}. */
export interface BlobOptions {
  /** Bytes per chunk, 1 to 262 144 (the default): a server with a small frame limit needs smaller ones. */
  chunkSize?: number;
  /** Told how many bytes the server holds, after the upload starts and after each chunk it takes (uploads only). */
  onProgress?: (received: number) => void;
  /** How many chunks may be on their way at once. Default 4. */
  window?: number;
}

function checkOptions(what: string, options: BlobOptions): { chunkSize: number; window: number } {
  const chunkSize = options.chunkSize ?? MAX_CHUNK;
  const window = options.window ?? 4;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK) {
    throw new RangeError(
      `Cannot ${what} as 'chunkSize' must be a whole number from 1 to ${MAX_CHUNK}: current value is ${chunkSize}`,
    );
  }
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`Cannot ${what} as 'window' must be a whole number from 1: current value is ${window}`);
  }
  return { chunkSize, window };
}

/**
 * Checks that bytes are an image Mimi accepts, as the server will (PROTOCOL.md §15.3), before anything is sent.
 *
 * @param bytes The file.
 * @returns Its type and size in pixels.
 * @throws {TypeError} If the bytes are not a PNG, JPEG, GIF or WebP with a complete header.
 *
 * @example
 * ```ts
 * import { checkImage } from "./blobs.ts";
 * checkImage(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 2, 0, 1, 0, 0, 0, 0])).mime; // "image/gif"
 * ```
 */
export function checkImage(bytes: Uint8Array): ImageInfo {
  const info = sniffImage(bytes);
  if (!info) throw new TypeError("Cannot send the image: its bytes are not a PNG, JPEG, GIF or WebP image");
  return info;
}

/**
 * Uploads an image in chunks and makes it a blob. An upload of the same bytes that an earlier attempt left
 * unfinished (a dropped connection, a restarted program) is resumed where the server stands, so calling this again
 * after a failure sends only what is missing.
 *
 * @param call How to send operations (`connection.call`).
 * @param bytes The image.
 * @param options Chunk size and how many chunks travel at once.
 * @returns The blob, as the server describes it after checking it.
 * @throws {TypeError} If the bytes are not an image (nothing is sent).
 *   Rejects with the server's {@link ProtocolError} (`too_large`, `bad_image`, `upload_mismatch`) or the
 *   connection's error.
 *
 * @example
 * ```ts ignore
 * import { uploadImage } from "./blobs.ts";
 * const blob = await uploadImage(connection.call.bind(connection), png);
 * ```
 */
export async function uploadImage(call: Caller, bytes: Uint8Array, options: BlobOptions = {}): Promise<BlobInfo> {
  const { chunkSize, window } = checkOptions("upload the image", options);
  checkImage(bytes);
  const name = sha256(bytes);
  const { uploadId, received } = await call(OPS.uploadStart, { size: bytes.length, sha256: name, kind: "image" });
  let at = received;
  const progress = options.onProgress ?? (() => {});
  progress(at);
  // The server may hold another count than it said (another device of the user resumed the same upload): it tells
  // with `bad_offset`, and the upload goes on from what `upload_status` answers, a few times at most.
  for (let tries = 0; at < bytes.length; tries++) {
    try {
      at = await sendChunks(call, uploadId, bytes, at, chunkSize, window, progress);
    } catch (error) {
      if (!(error instanceof ProtocolError && error.code === "bad_offset") || tries >= 3) throw error;
      at = (await call(OPS.uploadStatus, { uploadId })).received;
    }
  }
  return (await call(OPS.uploadFinish, { uploadId })).blob;
}

/** Sends the chunks from `from` to the end, `window` at a time (the operation is ordered, so they land in order). */
async function sendChunks(
  call: Caller,
  uploadId: number,
  bytes: Uint8Array,
  from: number,
  chunkSize: number,
  window: number,
  progress: (received: number) => void,
): Promise<number> {
  let received = from;
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (let offset = from; offset < bytes.length && !failure; offset += chunkSize) {
    const sent = call(OPS.uploadChunk, { uploadId, offset, bytes: bytes.subarray(offset, offset + chunkSize) }).then(
      (answer) => {
        if (answer.received <= received) return;
        received = answer.received;
        progress(received);
      },
      (error) => void (failure ??= { error }),
    );
    const tracked = sent.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return received;
}

/**
 * Downloads a whole blob in chunks, learning its size from the first answer, and checks that its SHA-256 is its
 * name.
 *
 * @param call How to send operations (`connection.call`).
 * @param name The blob's SHA-256 (an image message's `blob`).
 * @param options Chunk size and how many chunks travel at once.
 * @returns The bytes.
 *   Rejects with the server's {@link ProtocolError} (`not_found`: no such blob, or not the user's to read), the
 *   connection's error, or {@link TransportError} `bad_message` when the bytes do not match their name.
 *
 * @example
 * ```ts ignore
 * import { downloadBlob } from "./blobs.ts";
 * const png = await downloadBlob(connection.call.bind(connection), message.body.blob);
 * ```
 */
export async function downloadBlob(call: Caller, name: Uint8Array, options: BlobOptions = {}): Promise<Uint8Array> {
  const { chunkSize, window } = checkOptions("download the blob", options);
  const first = await call(OPS.download, { sha256: name, offset: 0, length: chunkSize });
  const size = first.size;
  if (first.bytes.length > size) throw mismatch("its first chunk is longer than its size");
  if (first.bytes.length === 0 && size > 0) throw mismatch("the server answered no bytes");
  const out = new Uint8Array(size);
  out.set(first.bytes);
  const offsets: number[] = [];
  // Each later chunk is asked for at its own offset, so they may travel at once and land in any order.
  for (let at = first.bytes.length; at < size; at += chunkSize) offsets.push(at);
  let next = 0;
  const worker = async () => {
    while (next < offsets.length) {
      const offset = offsets[next++];
      const length = Math.min(chunkSize, size - offset);
      const { bytes } = await call(OPS.download, { sha256: name, offset, length });
      if (bytes.length !== length) throw mismatch(`the chunk at ${offset} has ${bytes.length} bytes, not ${length}`);
      out.set(bytes, offset);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, offsets.length) }, worker));
  if (!constantTimeEqual(sha256(out), name)) throw mismatch("its bytes do not hash to its name");
  return out;
}

function mismatch(why: string): TransportError {
  return new TransportError("bad_message", `Server sent a blob that is not the one asked for: ${why}`);
}
