// Tests of what the blobs service offers other services (mayReference, the mayRead hook) and of its sweep of upload
// files nobody knows; the operations themselves are tested over real sockets in tests/blobs_test.ts.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { FakeClock } from "../../../core/time/clock.ts";
import { MemoryBlobStore } from "../../blobs/memory.ts";
import { createLogger } from "../../log.ts";
import type { UserRequestContext } from "../../rpc/context.ts";
import { openSqliteStore } from "../../store/sqlite.ts";
import type { Store } from "../../store/types.ts";
import { type BlobsService, blobsService, type MayRead } from "./service.ts";

/** A GIF89a header of 2 × 1 pixels: an image as far as the service can tell. */
const GIF = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 2, 0, 1, 0, 0, 0, 0, 0x3b]);

/** What a handler reads of its context here: who asks, and where to log. */
function as(userId: number): UserRequestContext {
  return {
    user: { id: userId, username: `u${userId}`, nickname: `U${userId}`, deviceId: null },
    logger: createLogger("silent"),
  } as unknown as UserRequestContext;
}

async function withService(
  fn: (context: { service: BlobsService; store: Store; blobs: MemoryBlobStore; users: number[] }) => Promise<void>,
  mayRead?: MayRead,
): Promise<void> {
  const store = openSqliteStore(":memory:");
  try {
    const users: number[] = [];
    for (const name of ["alice", "bob"]) {
      const user = await store.users.create({
        username: name,
        usernameKey: name,
        nickname: name,
        registrationRecord: new Uint8Array([1]),
        createdAt: 1,
      });
      users.push(user.id);
    }
    const blobs = new MemoryBlobStore();
    const service = blobsService({
      store,
      blobs,
      clock: new FakeClock(),
      limits: { imageBytes: 1024, imagePixels: 100, openUploads: 4 },
      uploadTtlMs: 60_000,
      mayRead,
    });
    await fn({ service, store, blobs, users });
  } finally {
    await store.close();
  }
}

/** Uploads the GIF as `userId` through the service's handlers. */
async function uploadGif(service: BlobsService, userId: number): Promise<void> {
  const { uploadId } = await service.ops.uploadStart!(
    { size: GIF.length, sha256: sha256(GIF), kind: "image" },
    as(userId),
  );
  await service.ops.uploadChunk!({ uploadId, offset: 0, bytes: GIF }, as(userId));
  await service.ops.uploadFinish!({ uploadId }, as(userId));
}

Deno.test("mayReference() answers the blob for its uploader and nothing for another user or an unknown hash", async () => {
  await withService(async ({ service, users: [alice, bob] }) => {
    await uploadGif(service, alice);
    const blob = await service.mayReference(alice, sha256(GIF));
    assert.deepEqual(
      blob && { size: blob.size, mime: blob.mime, width: blob.width, height: blob.height, uploadedBy: blob.uploadedBy },
      { size: GIF.length, mime: "image/gif", width: 2, height: 1, uploadedBy: alice },
    );
    assert.equal(await service.mayReference(bob, sha256(GIF)), undefined);
    assert.equal(await service.mayReference(alice, sha256(new Uint8Array([1]))), undefined);
  });
});

Deno.test("the mayRead hook lets another user download and reference a blob, and is asked only about blobs that exist", async () => {
  const asked: [number, Uint8Array][] = [];
  const mayRead: MayRead = (userId, name) => {
    asked.push([userId, name]);
    return Promise.resolve(true);
  };
  await withService(async ({ service, users: [alice, bob] }) => {
    await uploadGif(service, alice);
    const read = await service.ops.download!({ sha256: sha256(GIF), offset: 0, length: 100 }, as(bob));
    assert.deepEqual(read, { bytes: GIF, size: GIF.length });
    assert.ok(await service.mayReference(bob, sha256(GIF)));
    assert.equal(await service.mayReference(bob, sha256(new Uint8Array([1]))), undefined);
    assert.deepEqual(asked, [[bob, sha256(GIF)], [bob, sha256(GIF)]]);
  }, mayRead);
});

Deno.test("sweep() removes upload files no upload names and leaves the others alone", async () => {
  await withService(async ({ service, blobs, users: [alice] }) => {
    const { uploadId } = await service.ops.uploadStart!(
      { size: GIF.length, sha256: sha256(GIF), kind: "image" },
      as(alice),
    );
    await blobs.begin("999");
    await blobs.begin("not-ours");
    assert.deepEqual(await service.sweep(), { abandoned: 0, orphans: 1 });
    assert.deepEqual((await blobs.uploads()).sort(), [String(uploadId), "not-ours"].sort());
  });
});
