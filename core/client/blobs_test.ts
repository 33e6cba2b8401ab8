// uploadImage() and downloadBlob() against a real server: chunked both ways, resumed, refused, checked.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { ProtocolError } from "../protocol/errors.ts";
import { OPS } from "../protocol/registry.ts";
import { TransportError } from "../transport/duplex.ts";
import { connectOptions, PASSWORD, withServer } from "../../tests/_sdk.ts";
import { noisyPng } from "../../tests/_images.ts";
import { type Caller, checkImage, downloadBlob, uploadImage } from "./blobs.ts";
import { connect, type MimiConnection } from "./connect.ts";

async function signedIn(connection: MimiConnection, username: string): Promise<Caller> {
  await connection.register(username, username, PASSWORD);
  await connection.login(username, PASSWORD);
  return connection.call.bind(connection) as Caller;
}

Deno.test("uploadImage() sends an image in chunks and downloadBlob() reads it back byte for byte", async () => {
  await withServer(async (server, track) => {
    const call = await signedIn(track(connect(connectOptions(server, "tcp"))), "ming");
    const png = await noisyPng(300, 200);
    const blob = await uploadImage(call, png, { chunkSize: 100_000, window: 2 });
    assert.deepEqual(blob, { sha256: sha256(png), size: png.length, mime: "image/png", width: 300, height: 200 });
    const back = await downloadBlob(call, blob.sha256, { chunkSize: 70_000, window: 3 });
    assert.deepEqual(back, png);
  });
});

Deno.test("uploadImage() resumes an upload a dropped attempt left half done, sending only what is missing", async () => {
  await withServer(async (server, track) => {
    const call = await signedIn(track(connect(connectOptions(server, "ws"))), "ming");
    const png = await noisyPng(200, 200, 7);
    const { uploadId } = await call(OPS.uploadStart, { size: png.length, sha256: sha256(png), kind: "image" });
    await call(OPS.uploadChunk, { uploadId, offset: 0, bytes: png.subarray(0, 50_000) });
    const offsets: number[] = [];
    const counting: Caller = (def, body) => {
      if (def === OPS.uploadChunk) offsets.push((body as { offset: number }).offset);
      return call(def, body);
    };
    const progress: number[] = [];
    const blob = await uploadImage(counting, png, { chunkSize: 60_000, onProgress: (n) => progress.push(n) });
    assert.equal(offsets[0], 50_000, "the first chunk starts where the server stands");
    assert.equal(progress[0], 50_000, "progress starts from what the server held");
    assert.equal(progress.at(-1), png.length, "and ends at the whole image");
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "it only rises");
    assert.equal(progress.length, offsets.length + 1, "one report per chunk taken, after the start");
    assert.deepEqual(await downloadBlob(call, blob.sha256), png);
  });
});

Deno.test("uploadImage() refuses bytes that are no image before sending anything", async () => {
  let calls = 0;
  const call: Caller = () => {
    calls++;
    return Promise.reject(new Error("not expected"));
  };
  await assert.rejects(uploadImage(call, new TextEncoder().encode("a text file named cat.png")), TypeError);
  assert.throws(() => checkImage(new Uint8Array(3)), TypeError);
  await assert.rejects(uploadImage(call, await noisyPng(1, 1), { chunkSize: 0 }), RangeError);
  assert.equal(calls, 0);
});

Deno.test("downloadBlob() answers not_found for a blob the user may not read", async () => {
  await withServer(async (server, track) => {
    const owner = await signedIn(track(connect(connectOptions(server, "tcp"))), "owner");
    const other = await signedIn(track(connect(connectOptions(server, "tcp"))), "other");
    const blob = await uploadImage(owner, await noisyPng(10, 10));
    await assert.rejects(
      downloadBlob(other, blob.sha256),
      (error) => error instanceof ProtocolError && error.code === "not_found",
    );
  });
});

Deno.test("downloadBlob() refuses bytes that do not hash to the blob's name", async () => {
  const png = await noisyPng(40, 40);
  const liar: Caller = (def, body) => {
    assert.equal(def, OPS.download);
    const { offset, length } = body as { offset: number; length: number };
    const bytes = png.slice(offset, offset + length);
    if (offset === 0) bytes[20] ^= 1;
    return Promise.resolve({ bytes, size: png.length }) as never;
  };
  await assert.rejects(
    downloadBlob(liar, sha256(png), { chunkSize: 1000 }),
    (error) => error instanceof TransportError && error.kind === "bad_message",
  );
});
