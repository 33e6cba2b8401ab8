// The blob store suite against the file store, plus what only files have: the layout, modes and crash leftovers.

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../../core/bytes/hex.ts";
import { runBlobStoreSuite } from "./blob_store_suite.ts";
import { BLOBS_DIR, openFileBlobStore, UPLOADS_DIR } from "./file.ts";

const POSIX = Deno.build.os !== "windows";

async function withDataDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mimi_blobs_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

runBlobStoreSuite({
  name: "file",
  async open() {
    const dir = await Deno.makeTempDir({ prefix: "mimi_blobs_" });
    return {
      store: await openFileBlobStore(dir),
      reopen: () => openFileBlobStore(dir),
      close: () => Deno.remove(dir, { recursive: true }),
    };
  },
});

Deno.test("openFileBlobStore() makes uploads/ and blobs/ that only the owner may enter, and tightens looser ones", async () => {
  await withDataDir(async (dir) => {
    await Deno.mkdir(`${dir}/${BLOBS_DIR}`, { mode: 0o755 });
    await Deno.chmod(`${dir}/${BLOBS_DIR}`, 0o755);
    await openFileBlobStore(dir);
    for (const sub of [UPLOADS_DIR, BLOBS_DIR]) {
      const info = await Deno.stat(`${dir}/${sub}`);
      assert.ok(info.isDirectory);
      if (POSIX) assert.equal(info.mode! & 0o777, 0o700, sub);
    }
  });
});

Deno.test("an upload is a 0600 file under uploads/, and a finished blob a 0600 file at blobs/<2 hex>/<62 hex>", async () => {
  await withDataDir(async (dir) => {
    const store = await openFileBlobStore(dir);
    await store.begin("42");
    await store.append("42", 0, new Uint8Array([1, 2, 3]));
    const upload = await Deno.stat(`${dir}/${UPLOADS_DIR}/42`);
    assert.equal(upload.size, 3);
    if (POSIX) assert.equal(upload.mode! & 0o777, 0o600);

    await store.finish("42");
    const name = hex(sha256(new Uint8Array([1, 2, 3])));
    const blob = await Deno.stat(`${dir}/${BLOBS_DIR}/${name.slice(0, 2)}/${name.slice(2)}`);
    assert.equal(blob.size, 3);
    if (POSIX) {
      assert.equal(blob.mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${dir}/${BLOBS_DIR}/${name.slice(0, 2)}`)).mode! & 0o777, 0o700);
    }
    assert.deepEqual([...Deno.readDirSync(`${dir}/${UPLOADS_DIR}`)], [], "the upload file was moved, not copied");
  });
});

Deno.test("an upload file left by a crash is an upload again, resumed at its length with the hash of its bytes", async () => {
  await withDataDir(async (dir) => {
    await openFileBlobStore(dir);
    const leftover = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    await Deno.writeFile(`${dir}/${UPLOADS_DIR}/9`, leftover, { mode: 0o600 });
    const store = await openFileBlobStore(dir);
    assert.deepEqual(await store.uploads(), ["9"]);
    assert.equal(await store.begin("9"), 5000);
    assert.deepEqual(await store.digest("9"), sha256(leftover));
  });
});

Deno.test("uploads() ignores what is not an upload: folders and files with other names", async () => {
  await withDataDir(async (dir) => {
    const store = await openFileBlobStore(dir);
    await Deno.mkdir(`${dir}/${UPLOADS_DIR}/sub`);
    await Deno.writeTextFile(`${dir}/${UPLOADS_DIR}/notes.txt`, "hi");
    await store.begin("1");
    assert.deepEqual(await store.uploads(), ["1"]);
  });
});
