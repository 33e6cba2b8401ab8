// The behaviour every BlobStore must show (the contract in types.ts); each implementation's test file runs this suite.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { BlobNotFoundError, type BlobStore, UploadNotFoundError, UploadOffsetError } from "./types.ts";

/** A store under test, and how to open it again on the same backing medium and to throw it away. */
export interface BlobStoreHandle {
  store: BlobStore;
  /** A second store over the same bytes, as after a restart. Implementations that keep nothing skip those tests. */
  reopen(): Promise<BlobStore>;
  /** Removes whatever the store kept. */
  close(): Promise<void>;
}

/** Tests an implementation leaves out, and why. */
export interface BlobStoreSuiteSkip {
  reason: string;
  /** Titles of the tests, as written in this file. */
  tests: string[];
}

/** What {@linkcode runBlobStoreSuite} needs. */
export interface BlobStoreSuiteOptions {
  /** Prefix of every test name, naming the implementation. */
  name: string;
  /** A fresh, empty store for each test. */
  open: () => Promise<BlobStoreHandle>;
  /** Tests to register as ignored; naming a test that does not exist is an error, so a rename cannot hide one. */
  skip?: BlobStoreSuiteSkip[];
}

/** Bytes of a recognisable pattern: `length` of them, starting at `seed`. */
function pattern(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

/** Appends `bytes` to the upload in chunks of `size`, from what it holds. */
async function appendAll(store: BlobStore, id: string, bytes: Uint8Array, size: number): Promise<void> {
  for (let at = 0; at < bytes.length; at += size) await store.append(id, at, bytes.subarray(at, at + size));
}

async function rejects(promise: Promise<unknown>, type: abstract new (...args: never[]) => Error): Promise<Error> {
  let error: unknown;
  await promise.then(() => assert.fail(`expected ${type.name}`), (e) => error = e);
  assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
  return error;
}

/**
 * Registers a `Deno.test` for each rule of the BlobStore contract against stores made by `open`.
 *
 * @param options `name` (test name prefix), `open` (a fresh store per test) and `skip` (tests left out, with why).
 * @throws {Error} `skip` names a test this suite does not have.
 *
 * @example In an implementation's `*_test.ts` (top level: Deno.test cannot nest, so this is not run as a doc test)
 * ```ts ignore
 * import { runBlobStoreSuite } from "./blob_store_suite.ts";
 * import { MemoryBlobStore } from "./memory.ts";
 * runBlobStoreSuite({ name: "memory", open: async () => ({ store: new MemoryBlobStore(), … }) });
 * ```
 */
export function runBlobStoreSuite(options: BlobStoreSuiteOptions): void {
  const { name, open } = options;
  const skipped = new Map<string, string>();
  for (const { reason, tests } of options.skip ?? []) for (const title of tests) skipped.set(title, reason);
  const titles = new Set<string>();

  function test(title: string, fn: (store: BlobStore, handle: BlobStoreHandle) => Promise<void>): void {
    titles.add(title);
    const reason = skipped.get(title);
    Deno.test({
      name: reason === undefined ? `${name}: ${title}` : `${name}: ${title} (skipped: ${reason})`,
      ignore: reason !== undefined,
      async fn() {
        const handle = await open();
        try {
          await fn(handle.store, handle);
        } finally {
          await handle.close();
        }
      },
    });
  }

  test("begin() starts an empty upload, and begin() again finds it with what it holds", async (store) => {
    assert.equal(await store.begin("7"), 0);
    assert.equal(await store.append("7", 0, pattern(10)), 10);
    assert.equal(await store.begin("7"), 10);
    assert.equal(await store.received("7"), 10);
  });

  test("received() is undefined for an upload never begun", async (store) => {
    assert.equal(await store.received("nothing"), undefined);
  });

  test("append() at the end grows the upload and answers what it holds", async (store) => {
    await store.begin("a");
    assert.equal(await store.append("a", 0, pattern(5)), 5);
    assert.equal(await store.append("a", 5, pattern(1)), 6);
    assert.deepEqual(await store.readUpload("a", 0, 100), new Uint8Array([...pattern(5), ...pattern(1)]));
  });

  test("append() anywhere but the end throws UploadOffsetError naming what it holds, and writes nothing", async (store) => {
    await store.begin("a");
    await store.append("a", 0, pattern(8));
    const before = await store.digest("a");
    for (const offset of [0, 7, 9, 1000]) {
      const error = await rejects(store.append("a", offset, pattern(3, 1)), UploadOffsetError);
      assert.equal((error as UploadOffsetError).received, 8);
      assert.equal((error as UploadOffsetError).offset, offset);
    }
    assert.equal(await store.received("a"), 8);
    assert.deepEqual(await store.digest("a"), before);
    assert.deepEqual(await store.readUpload("a", 0, 100), pattern(8));
  });

  test("append(), digest(), readUpload() and finish() of an unknown upload throw UploadNotFoundError", async (store) => {
    await rejects(store.append("x", 0, pattern(1)), UploadNotFoundError);
    await rejects(store.digest("x"), UploadNotFoundError);
    await rejects(store.readUpload("x", 0, 1), UploadNotFoundError);
    await rejects(store.finish("x"), UploadNotFoundError);
  });

  test("digest() is the SHA-256 of the bytes so far, and the upload goes on", async (store) => {
    await store.begin("a");
    assert.deepEqual(await store.digest("a"), sha256(new Uint8Array()));
    await store.append("a", 0, pattern(100));
    assert.deepEqual(await store.digest("a"), sha256(pattern(100)));
    await store.append("a", 100, pattern(50, 2));
    assert.deepEqual(await store.digest("a"), sha256(new Uint8Array([...pattern(100), ...pattern(50, 2)])));
  });

  test("append() keeps a copy: the caller may reuse its buffer at once", async (store) => {
    await store.begin("a");
    const buffer = pattern(16);
    const appended = store.append("a", 0, buffer);
    buffer.fill(0);
    await appended;
    assert.deepEqual(await store.readUpload("a", 0, 16), pattern(16));
  });

  test("readUpload() reads any range, fewer bytes at the end and none past it", async (store) => {
    await store.begin("a");
    await store.append("a", 0, pattern(20));
    assert.deepEqual(await store.readUpload("a", 3, 4), pattern(20).subarray(3, 7));
    assert.deepEqual(await store.readUpload("a", 15, 100), pattern(20).subarray(15));
    assert.deepEqual(await store.readUpload("a", 20, 5), new Uint8Array());
    assert.deepEqual(await store.readUpload("a", 50, 5), new Uint8Array());
  });

  test("finish() makes a blob named by the SHA-256 of its bytes and ends the upload", async (store) => {
    const bytes = pattern(3000);
    await store.begin("a");
    await appendAll(store, "a", bytes, 1000);
    assert.equal(await store.has(sha256(bytes)), false, "not visible before finish");
    assert.deepEqual(await store.finish("a"), { sha256: sha256(bytes), size: 3000 });
    assert.equal(await store.has(sha256(bytes)), true);
    assert.deepEqual(await store.read(sha256(bytes), 0, 5000), bytes);
    assert.equal(await store.received("a"), undefined);
    assert.deepEqual(await store.uploads(), []);
  });

  test("finish() of bytes that are a blob already keeps one blob, and both uploads end", async (store) => {
    const bytes = pattern(500, 3);
    for (const id of ["a", "b"]) {
      await store.begin(id);
      await store.append(id, 0, bytes);
    }
    assert.deepEqual(await store.finish("a"), { sha256: sha256(bytes), size: 500 });
    assert.deepEqual(await store.finish("b"), { sha256: sha256(bytes), size: 500 });
    assert.deepEqual(await store.read(sha256(bytes), 0, 1000), bytes);
    assert.deepEqual(await store.uploads(), []);
  });

  test("read() of a blob reads any range, fewer bytes at the end and none past it", async (store) => {
    const bytes = pattern(1000, 4);
    await store.begin("a");
    await store.append("a", 0, bytes);
    const { sha256: name } = await store.finish("a");
    assert.deepEqual(await store.read(name, 10, 20), bytes.subarray(10, 30));
    assert.deepEqual(await store.read(name, 990, 20), bytes.subarray(990));
    assert.deepEqual(await store.read(name, 1000, 20), new Uint8Array());
    assert.deepEqual(await store.read(name, 5000, 20), new Uint8Array());
    assert.deepEqual(await store.read(name, 0, 0), new Uint8Array());
  });

  test("read() of an unknown blob throws BlobNotFoundError naming it in hex, and has() is false", async (store) => {
    const name = sha256(pattern(9));
    const error = await rejects(store.read(name, 0, 1), BlobNotFoundError);
    assert.equal((error as BlobNotFoundError).sha256.length, 64);
    assert.equal(await store.has(name), false);
  });

  test("discard() removes an upload and its bytes, and is harmless for an unknown one", async (store) => {
    await store.begin("a");
    await store.append("a", 0, pattern(10));
    await store.discard("a");
    assert.equal(await store.received("a"), undefined);
    await rejects(store.append("a", 10, pattern(1)), UploadNotFoundError);
    await store.discard("a");
    await store.discard("never");
    assert.equal(await store.begin("a"), 0, "a new upload of the same id starts empty");
    assert.deepEqual(await store.digest("a"), sha256(new Uint8Array()));
  });

  test("uploads() lists the uploads in progress", async (store) => {
    for (const id of ["1", "2", "3"]) await store.begin(id);
    await store.discard("2");
    assert.deepEqual((await store.uploads()).sort(), ["1", "3"]);
  });

  test("two appends at the same offset at once: exactly one lands", async (store) => {
    await store.begin("a");
    const results = await Promise.allSettled([
      store.append("a", 0, pattern(4, 1)),
      store.append("a", 0, pattern(4, 2)),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(lost.reason instanceof UploadOffsetError);
    assert.equal(await store.received("a"), 4);
  });

  test("appends sent back to back without waiting land in order", async (store) => {
    const bytes = pattern(10_000, 5);
    await store.begin("a");
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.append("a", i * 1000, bytes.subarray(i * 1000, (i + 1) * 1000))),
    );
    assert.deepEqual(await store.readUpload("a", 0, 20_000), bytes);
    assert.deepEqual(await store.digest("a"), sha256(bytes));
  });

  test("a megabyte in uneven chunks hashes and reads back exactly", async (store) => {
    const bytes = pattern((1 << 20) + 17, 6);
    await store.begin("big");
    for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 7 + 3) % 70_000 + 1) {
      await store.append("big", at, bytes.subarray(at, at + size));
    }
    const { sha256: name, size } = await store.finish("big");
    assert.equal(size, bytes.length);
    assert.deepEqual(name, sha256(bytes));
    const back = new Uint8Array(size);
    for (let at = 0; at < size; at += 262_144) back.set(await store.read(name, at, 262_144), at);
    assert.deepEqual(back, bytes);
  });

  test("ids that could name another file and names that are not 32 bytes are refused", async (store) => {
    for (const id of ["", "../x", "a/b", ".", "x".repeat(65), "a b", "é"]) {
      await rejects(store.begin(id), TypeError);
      await rejects(store.append(id, 0, pattern(1)), TypeError);
    }
    await rejects(store.has(new Uint8Array(31)), RangeError);
    await rejects(store.read(new Uint8Array(33), 0, 1), RangeError);
    await store.begin("a");
    await rejects(store.readUpload("a", -1, 1), RangeError);
    await rejects(store.append("a", 0.5, pattern(1)), RangeError);
  });

  test(
    "uploads and blobs outlive the store: a reopened one resumes an upload with its hash intact",
    async (_, handle) => {
      const bytes = pattern(300_000, 7);
      await handle.store.begin("a");
      await handle.store.append("a", 0, bytes.subarray(0, 100_000));
      await handle.store.begin("b");
      await handle.store.append("b", 0, pattern(10, 8));
      const { sha256: done } = await handle.store.finish("b");

      const again = await handle.reopen();
      assert.equal(await again.begin("a"), 100_000);
      assert.deepEqual((await again.uploads()).sort(), ["a"]);
      await again.append("a", 100_000, bytes.subarray(100_000));
      assert.deepEqual(await again.finish("a"), { sha256: sha256(bytes), size: bytes.length });
      assert.deepEqual(await again.read(done, 0, 100), pattern(10, 8));
    },
  );

  const unknown = [...skipped.keys()].filter((title) => !titles.has(title));
  if (unknown.length > 0) {
    throw new Error(`Cannot skip blob store suite tests that do not exist: ${unknown.join(", ")}`);
  }
}
