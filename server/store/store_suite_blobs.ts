// The store suite's cases for the blob repository (types_blobs.ts): registered by runStoreSuite with its other cases.

import assert from "node:assert/strict";
import { RecordNotFoundError, StoreError } from "./errors.ts";
import type { Store } from "./types.ts";
import type { NewBlob, NewUpload } from "./types_blobs.ts";

const T0 = 1_700_000_000_000;

/** A 32-byte name that differs per `n`. */
function hash(n: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (n * 13 + i) & 0xff);
}

async function users(store: Store, ...keys: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const key of keys) {
    const user = await store.users.create({
      username: key,
      usernameKey: key,
      nickname: key,
      registrationRecord: new Uint8Array([1]),
      createdAt: T0,
    });
    ids.push(user.id);
  }
  return ids;
}

function newBlob(uploadedBy: number, n: number, overrides: Partial<NewBlob> = {}): NewBlob {
  return {
    sha256: hash(n),
    size: 100 + n,
    mime: "image/png",
    width: 3,
    height: 2,
    createdAt: T0 + n,
    uploadedBy,
    ...overrides,
  };
}

function newUpload(userId: number, n: number, overrides: Partial<NewUpload> = {}): NewUpload {
  return { userId, sha256: hash(n), size: 1000, kind: "image", createdAt: T0 + n, ...overrides };
}

/**
 * Registers the blob repository's cases through the suite's `test`.
 *
 * @param test The suite's test registration: a title and a body that gets a fresh store.
 */
export function blobStoreCases(test: (title: string, fn: (store: Store) => Promise<void>) => void): void {
  test("blobs.add() stores a blob that find() returns and whose uploader isUploader() knows", async (store) => {
    const [alice, bob] = await users(store, "alice", "bob");
    const blob = await store.blobs.add(newBlob(alice, 1));
    assert.deepEqual({ ...blob }, {
      sha256: hash(1),
      size: 101,
      mime: "image/png",
      width: 3,
      height: 2,
      createdAt: T0 + 1,
      uploadedBy: alice,
    });
    assert.deepEqual(await store.blobs.find(hash(1)), blob);
    assert.equal(await store.blobs.isUploader(hash(1), alice), true);
    assert.equal(await store.blobs.isUploader(hash(1), bob), false);
  });

  test("blobs.add() of a name that exists keeps the stored blob and adds the new uploader", async (store) => {
    const [alice, bob] = await users(store, "alice", "bob");
    const first = await store.blobs.add(newBlob(alice, 1));
    const again = await store.blobs.add(newBlob(bob, 1, { createdAt: T0 + 99, mime: "image/gif" }));
    assert.deepEqual(again, first, "the first record stands");
    assert.equal(await store.blobs.isUploader(hash(1), alice), true);
    assert.equal(await store.blobs.isUploader(hash(1), bob), true);
    assert.deepEqual(await store.blobs.add(newBlob(bob, 1)), first, "a repeat by the same user changes nothing");
  });

  test("blobs.add() with a name not 32 bytes, a missing user or a zero width throws StoreError and adds nothing", async (store) => {
    const [alice] = await users(store, "alice");
    await assert.rejects(store.blobs.add(newBlob(alice, 1, { sha256: new Uint8Array(31) })), StoreError);
    await assert.rejects(store.blobs.add(newBlob(alice + 100, 2)), StoreError);
    await assert.rejects(store.blobs.add(newBlob(alice, 3, { width: 0 })), StoreError);
    for (const n of [2, 3]) assert.equal(await store.blobs.find(hash(n)), undefined);
  });

  test("blobs.find() and isUploader() know nothing of a blob never added", async (store) => {
    const [alice] = await users(store, "alice");
    assert.equal(await store.blobs.find(hash(5)), undefined);
    assert.equal(await store.blobs.isUploader(hash(5), alice), false);
  });

  test("blobs.createUpload() returns an upload with a fresh id, nothing received and updatedAt = createdAt", async (store) => {
    const [alice] = await users(store, "alice");
    const upload = await store.blobs.createUpload(newUpload(alice, 1));
    assert.ok(Number.isInteger(upload.id) && upload.id > 0);
    assert.deepEqual({ ...upload }, {
      id: upload.id,
      userId: alice,
      sha256: hash(1),
      size: 1000,
      received: 0,
      kind: "image",
      createdAt: T0 + 1,
      updatedAt: T0 + 1,
    });
    assert.deepEqual(await store.blobs.findUpload(upload.id), upload);
    assert.deepEqual(await store.blobs.findUploadOf(alice, hash(1)), upload);
    assert.equal(await store.blobs.findUploadOf(alice, hash(2)), undefined);
    assert.equal(await store.blobs.findUpload(upload.id + 1), undefined);
  });

  test("blobs.createUpload() refuses a second upload of a hash by one user, but another user may have one", async (store) => {
    const [alice, bob] = await users(store, "alice", "bob");
    await store.blobs.createUpload(newUpload(alice, 1));
    await assert.rejects(store.blobs.createUpload(newUpload(alice, 1)), StoreError);
    const bobs = await store.blobs.createUpload(newUpload(bob, 1));
    assert.deepEqual(await store.blobs.findUploadOf(bob, hash(1)), bobs);
    await assert.rejects(store.blobs.createUpload(newUpload(alice, 2, { size: 0 })), StoreError);
    await assert.rejects(store.blobs.createUpload(newUpload(bob + 100, 3)), StoreError);
  });

  test("blobs.setReceived() records progress and its time, refusing an unknown id and more than the size", async (store) => {
    const [alice] = await users(store, "alice");
    const upload = await store.blobs.createUpload(newUpload(alice, 1));
    await store.blobs.setReceived(upload.id, 400, T0 + 50);
    assert.deepEqual(await store.blobs.findUpload(upload.id), { ...upload, received: 400, updatedAt: T0 + 50 });
    await assert.rejects(store.blobs.setReceived(upload.id + 1, 1, T0), RecordNotFoundError);
    await assert.rejects(store.blobs.setReceived(upload.id, 1001, T0), StoreError);
  });

  test("blobs.deleteUpload() deletes once and never reissues the id", async (store) => {
    const [alice] = await users(store, "alice");
    const upload = await store.blobs.createUpload(newUpload(alice, 1));
    assert.equal(await store.blobs.deleteUpload(upload.id), true);
    assert.equal(await store.blobs.deleteUpload(upload.id), false);
    assert.equal(await store.blobs.findUpload(upload.id), undefined);
    const next = await store.blobs.createUpload(newUpload(alice, 1));
    assert.ok(next.id > upload.id, `ids ${upload.id}, then ${next.id}`);
  });

  test("blobs.staleUploads() lists uploads idle since before a time, idle longest first, up to a limit", async (store) => {
    const [alice, bob] = await users(store, "alice", "bob");
    const a = await store.blobs.createUpload(newUpload(alice, 1, { createdAt: T0 + 30 }));
    const b = await store.blobs.createUpload(newUpload(bob, 2, { createdAt: T0 + 10 }));
    const c = await store.blobs.createUpload(newUpload(alice, 3, { createdAt: T0 + 20 }));
    await store.blobs.setReceived(b.id, 5, T0 + 40);
    const ids = async (before: number, limit: number) =>
      (await store.blobs.staleUploads(before, limit)).map((upload) => upload.id);
    assert.deepEqual(await ids(T0 + 100, 10), [c.id, a.id, b.id]);
    assert.deepEqual(await ids(T0 + 100, 2), [c.id, a.id]);
    assert.deepEqual(await ids(T0 + 30, 10), [c.id], "strictly before");
    assert.deepEqual(await ids(T0, 10), []);
  });

  test("blobs.countOpenUploads() counts one user's uploads that grew since a time, and forgets deleted ones", async (store) => {
    const [alice, bob] = await users(store, "alice", "bob");
    const a = await store.blobs.createUpload(newUpload(alice, 1, { createdAt: T0 + 10 }));
    await store.blobs.createUpload(newUpload(alice, 2, { createdAt: T0 + 30 }));
    await store.blobs.createUpload(newUpload(bob, 3, { createdAt: T0 + 30 }));
    assert.equal(await store.blobs.countOpenUploads(alice, T0), 2);
    assert.equal(await store.blobs.countOpenUploads(alice, T0 + 20), 1, "an upload idle since before is not counted");
    await store.blobs.setReceived(a.id, 5, T0 + 40);
    assert.equal(await store.blobs.countOpenUploads(alice, T0 + 20), 2, "a chunk makes it count again");
    await store.blobs.deleteUpload(a.id);
    assert.equal(await store.blobs.countOpenUploads(alice, T0), 1);
    assert.equal(await store.blobs.countOpenUploads(bob, T0), 1);
  });

  test("blobs: a transaction that fails after adding a blob and deleting its upload undoes both", async (store) => {
    const [alice] = await users(store, "alice");
    const upload = await store.blobs.createUpload(newUpload(alice, 1));
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.blobs.add(newBlob(alice, 1));
        await tx.blobs.deleteUpload(upload.id);
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    assert.equal(await store.blobs.find(hash(1)), undefined);
    assert.deepEqual(await store.blobs.findUpload(upload.id), upload);
  });
}
