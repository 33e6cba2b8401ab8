// Tests for the blob operations' bodies: sizes, offsets, chunk and read lengths, hashes and kinds (PROTOCOL.md §15).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import { download, MAX_CHUNK, uploadChunk, uploadFinish, uploadStart, uploadStatus } from "./blobs.ts";

const sha256 = new Uint8Array(32).fill(1);

Deno.test("upload_start wants a size from 1, a 32-byte SHA-256 and the kind image", () => {
  assert.equal(parseValue(uploadStart.request, { size: 1, sha256, kind: "image" }).ok, true);
  assert.deepEqual(parseValue(uploadStart.request, { size: 0, sha256, kind: "image" }), {
    ok: false,
    path: "size",
    message: "Field size must be at least 1",
  });
  assert.deepEqual(parseValue(uploadStart.request, { size: 10, sha256: new Uint8Array(20), kind: "image" }), {
    ok: false,
    path: "sha256",
    message: "Field sha256 must be 32 bytes, not 20",
  });
  assert.deepEqual(parseValue(uploadStart.request, { size: 10, sha256, kind: "video" }), {
    ok: false,
    path: "kind",
    message: 'Field kind must be one of "image"',
  });
});

Deno.test("upload_chunk carries 1 to 256 KiB at an offset from 0", () => {
  const ok = (bytes: Uint8Array, offset = 0) => parseValue(uploadChunk.request, { uploadId: 1, offset, bytes });
  assert.equal(ok(new Uint8Array(1)).ok, true);
  assert.equal(ok(new Uint8Array(MAX_CHUNK)).ok, true);
  assert.deepEqual(ok(new Uint8Array(0)), {
    ok: false,
    path: "bytes",
    message: "Field bytes must be 1 to 262144 bytes, not 0",
  });
  assert.deepEqual(ok(new Uint8Array(MAX_CHUNK + 1)), {
    ok: false,
    path: "bytes",
    message: "Field bytes must be 1 to 262144 bytes, not 262145",
  });
  assert.deepEqual(ok(new Uint8Array(1), -1), {
    ok: false,
    path: "offset",
    message: "Field offset must not be negative",
  });
  assert.equal(parseValue(uploadChunk.request, { uploadId: 1, offset: 0, bytes: "AAAA" }).ok, false);
});

Deno.test("upload_status and upload_finish name an upload by id; finish answers the blob with its image header", () => {
  assert.equal(parseValue(uploadStatus.request, { uploadId: 0 }).ok, false);
  assert.equal(parseValue(uploadStatus.response, { received: 5, size: 9 }).ok, true);
  const blob = { sha256, size: 9, mime: "image/gif", width: 1, height: 1 };
  assert.equal(parseValue(uploadFinish.response, { blob }).ok, true);
  assert.deepEqual(parseValue(uploadFinish.response, { blob: { ...blob, sha256: new Uint8Array(31) } }), {
    ok: false,
    path: "blob.sha256",
    message: "Field blob.sha256 must be 32 bytes, not 31",
  });
});

Deno.test("download reads 1 to 256 KiB from an offset from 0", () => {
  assert.equal(parseValue(download.request, { sha256, offset: 0, length: MAX_CHUNK }).ok, true);
  assert.deepEqual(parseValue(download.request, { sha256, offset: 0, length: MAX_CHUNK + 1 }), {
    ok: false,
    path: "length",
    message: "Field length must be at most 262144",
  });
  assert.deepEqual(parseValue(download.request, { sha256, offset: 0, length: 0 }), {
    ok: false,
    path: "length",
    message: "Field length must be at least 1",
  });
});

Deno.test("the upload steps are ordered and the reads are not", () => {
  assert.deepEqual(
    [uploadStart, uploadChunk, uploadStatus, uploadFinish, download].map((op) => [op.name, op.ordered, op.auth]),
    [
      ["upload_start", true, "user"],
      ["upload_chunk", true, "user"],
      ["upload_status", false, "user"],
      ["upload_finish", true, "user"],
      ["download", false, "user"],
    ],
  );
});
