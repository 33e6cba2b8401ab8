// Tests of the write-ahead log's sync: opened beside a database in WAL mode, nothing to do in memory, errors typed.

import assert from "node:assert/strict";
import { StoreError } from "./errors.ts";
import { openDatabase } from "./sqlite.ts";
import { openWalSync } from "./wal_sync.ts";

Deno.test("openWalSync() flushes the log of a database in WAL mode after a commit without fsync", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_wal_" });
  const path = `${dir}/mimi.db`;
  const db = openDatabase(path);
  const wal = openWalSync(path);
  try {
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("CREATE TABLE t (x INTEGER)");
    db.exec("INSERT INTO t VALUES (1)");
    await wal.sync();
    assert.ok(Deno.statSync(`${path}-wal`).size > 0, "the commit is in the log");
  } finally {
    wal.close();
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openWalSync() on :memory: has nothing to flush", async () => {
  const wal = openWalSync(":memory:");
  await wal.sync();
  wal.close();
});

Deno.test("openWalSync() throws StoreError when the database has no write-ahead log", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_wal_" });
  try {
    assert.throws(() => openWalSync(`${dir}/missing.db`), StoreError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("WalSync.sync() rejects with StoreError once closed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_wal_" });
  const path = `${dir}/mimi.db`;
  const db = openDatabase(path);
  try {
    const wal = openWalSync(path);
    wal.close();
    wal.close(); // a second close does nothing
    await assert.rejects(() => wal.sync(), StoreError);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
