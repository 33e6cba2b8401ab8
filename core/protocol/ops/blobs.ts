// Blobs: chunked, resumable uploads checked by size, SHA-256 and image header, and chunked downloads (PROTOCOL.md §15).

import * as v from "valibot";
import { defineOp } from "../define.ts";
import * as s from "../schema.ts";

/** Most bytes one `upload_chunk` carries or one `download` answers: 256 KiB. */
export const MAX_CHUNK = 256 * 1024;

/** What an upload is for; the server checks the bytes accordingly (an image must be one, §15.3). */
export const UPLOAD_KINDS = ["image"] as const;

/** A SHA-256 digest, which names a blob. */
export const sha256 = s.bytes(32);

/** A byte count or position from 0. */
const offset = v.pipe(s.int, v.minValue(0, "must not be negative"));

/** A size from 1: an empty upload or read has nothing to carry. */
const positive = v.pipe(s.int, v.minValue(1, "must be at least 1"));

/** A chunk of 1 to {@linkcode MAX_CHUNK} bytes. */
const chunk = v.pipe(
  s.anyBytes,
  v.check(
    (bytes) => bytes.length >= 1 && bytes.length <= MAX_CHUNK,
    (issue) => `must be 1 to ${MAX_CHUNK} bytes, not ${(issue.input as Uint8Array).length}`,
  ),
);

/** A blob as the server made it visible: its name, size, and what the image header said. */
export const blob = s.map({ sha256, size: s.int, mime: s.string, width: s.int, height: s.int });

/**
 * Starts an upload of `size` bytes whose SHA-256 is `sha256`, or resumes the user's upload of the same hash: the
 * answer's `received` says how many bytes the server already holds, and the next chunk starts there.
 */
export const uploadStart = defineOp({
  opcode: 0x0060,
  name: "upload_start",
  request: s.map({ size: positive, sha256, kind: s.oneOf(UPLOAD_KINDS) }),
  response: s.map({ uploadId: s.id, received: s.int }),
  errors: ["too_large", "too_many_uploads"],
  auth: "user",
  ordered: true,
});

/** Appends bytes at `offset`, which must equal what the server holds; ordered, so chunks may be sent back to back. */
export const uploadChunk = defineOp({
  opcode: 0x0061,
  name: "upload_chunk",
  request: s.map({ uploadId: s.id, offset, bytes: chunk }),
  response: s.map({ received: s.int }),
  errors: ["not_found", "bad_offset", "upload_mismatch"],
  auth: "user",
  ordered: true,
});

/** How many of the upload's bytes the server holds. */
export const uploadStatus = defineOp({
  opcode: 0x0062,
  name: "upload_status",
  request: s.map({ uploadId: s.id }),
  response: s.map({ received: s.int, size: s.int }),
  errors: ["not_found"],
  auth: "user",
});

/** Checks size, hash and image, then makes the blob visible; the upload ends either way unless bytes are missing. */
export const uploadFinish = defineOp({
  opcode: 0x0063,
  name: "upload_finish",
  request: s.map({ uploadId: s.id }),
  response: s.map({ blob }),
  errors: ["not_found", "upload_mismatch", "bad_image", "too_large"],
  auth: "user",
  ordered: true,
});

/** Reads up to `length` bytes of a blob from `offset`; `size` is the blob's whole size. */
export const download = defineOp({
  opcode: 0x0064,
  name: "download",
  request: s.map({ sha256, offset, length: v.pipe(positive, v.maxValue(MAX_CHUNK, `must be at most ${MAX_CHUNK}`)) }),
  response: s.map({ bytes: s.anyBytes, size: s.int }),
  errors: ["not_found", "bad_offset"],
  auth: "user",
});

/** The blob operations by registry key, spread into `OPS`. */
export const BLOB_OPS = Object.freeze({ uploadStart, uploadChunk, uploadStatus, uploadFinish, download });
