// Tests of the blobs migration: a database of the version before gains blobs, blob_uploaders and uploads, keeps every
// other row, and the new tables keep only well-formed rows.

import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import {
  assertRollsBack,
  columns,
  databaseAt,
  names,
  rows,
  userVersion,
  withStoreOn,
} from "./_migration_test_utils.ts";
import { blobs } from "./005_blobs.ts";
import { LATEST_VERSION, migrate } from "./mod.ts";

const BEFORE = blobs.version - 1;
const HASH = new Uint8Array(32).fill(0xab);
const OTHER = new Uint8Array(32).fill(0xcd);

/** A database one version before blobs, with two users, a friendship and a device. */
function freshBefore(path = ":memory:"): DatabaseSync {
  const db = databaseAt(path, BEFORE, [
    [1, "Alice", "爱丽丝", new Uint8Array([1, 2, 3]), 100],
    [2, "Bob", "Bob", new Uint8Array([0]), 200],
  ]);
  db.exec("INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 2, 300)");
  db.prepare("INSERT INTO devices (user_id, name, public_key, created_at, last_used_at) VALUES (1, 'phone', ?, 1, 1)")
    .run(new Uint8Array(65).fill(4));
  return db;
}

function insertBlob(
  db: DatabaseSync,
  blob: { sha256?: Uint8Array; size?: number; mime?: string; width?: number; height?: number; by?: number | null } = {},
): void {
  db.prepare(
    "INSERT INTO blobs (sha256, size, mime, width, height, created_at, uploaded_by) VALUES (?, ?, ?, ?, ?, 5, ?)",
  ).run(
    blob.sha256 ?? HASH,
    blob.size ?? 10,
    blob.mime ?? "image/png",
    blob.width ?? 3,
    blob.height ?? 2,
    blob.by === undefined ? 1 : blob.by,
  );
}

function insertUpload(
  db: DatabaseSync,
  upload: { user?: number; sha256?: Uint8Array; size?: number; received?: number; kind?: string } = {},
): number {
  const result = db.prepare(
    "INSERT INTO uploads (user_id, sha256, size, received, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 7, 7)",
  ).run(upload.user ?? 1, upload.sha256 ?? HASH, upload.size ?? 10, upload.received ?? 0, upload.kind ?? "image");
  return Number(result.lastInsertRowid);
}

Deno.test("005_blobs adds blobs, blob_uploaders and uploads and keeps every other row", () => {
  const db = freshBefore();
  try {
    const tablesBefore = names(db, "table");
    const kept = ["users", "friendships", "devices"].map((table) => rows(db, `SELECT * FROM ${table} ORDER BY 1`));
    assert.equal(migrate(db, blobs.version), blobs.version);
    assert.deepEqual(names(db, "table"), [...tablesBefore, "blob_uploaders", "blobs", "uploads"].sort());
    assert.ok(names(db, "index").includes("uploads_updated"));
    assert.deepEqual(
      ["users", "friendships", "devices"].map((table) => rows(db, `SELECT * FROM ${table} ORDER BY 1`)),
      kept,
    );
    assert.deepEqual(rows(db, "PRAGMA foreign_key_check"), []);
    assert.equal(userVersion(db), blobs.version);
  } finally {
    db.close();
  }
});

Deno.test("005_blobs creates STRICT tables with the design's columns", () => {
  const db = freshBefore();
  try {
    migrate(db, blobs.version);
    assert.deepEqual(columns(db, "blobs"), [
      // WITHOUT ROWID makes the primary key NOT NULL by itself.
      { name: "sha256", type: "BLOB", notnull: 1, pk: 1 },
      { name: "size", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "mime", type: "TEXT", notnull: 1, pk: 0 },
      { name: "width", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "height", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "created_at", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "uploaded_by", type: "INTEGER", notnull: 0, pk: 0 },
    ]);
    assert.deepEqual(columns(db, "blob_uploaders"), [
      { name: "sha256", type: "BLOB", notnull: 1, pk: 1 },
      { name: "user_id", type: "INTEGER", notnull: 1, pk: 2 },
      { name: "created_at", type: "INTEGER", notnull: 1, pk: 0 },
    ]);
    assert.deepEqual(columns(db, "uploads"), [
      { name: "id", type: "INTEGER", notnull: 0, pk: 1 },
      { name: "user_id", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "sha256", type: "BLOB", notnull: 1, pk: 0 },
      { name: "size", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "received", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "kind", type: "TEXT", notnull: 1, pk: 0 },
      { name: "created_at", type: "INTEGER", notnull: 1, pk: 0 },
      { name: "updated_at", type: "INTEGER", notnull: 1, pk: 0 },
    ]);
    assert.deepEqual(
      rows(
        db,
        "SELECT name, strict FROM pragma_table_list WHERE name IN ('blobs', 'blob_uploaders', 'uploads') ORDER BY name",
      ),
      [{ name: "blob_uploaders", strict: 1 }, { name: "blobs", strict: 1 }, { name: "uploads", strict: 1 }],
    );
  } finally {
    db.close();
  }
});

Deno.test("005_blobs: a blob's uploaders go with it, and a gone user leaves the blob without uploaded_by", () => {
  const db = freshBefore();
  try {
    migrate(db, blobs.version);
    insertBlob(db, { by: 2 });
    db.exec("INSERT INTO blob_uploaders (sha256, user_id, created_at) SELECT sha256, 1, 6 FROM blobs");
    db.exec("INSERT INTO blob_uploaders (sha256, user_id, created_at) SELECT sha256, 2, 5 FROM blobs");
    insertUpload(db, { user: 2, sha256: OTHER });
    db.exec("DELETE FROM users WHERE id = 2");
    assert.deepEqual(rows(db, "SELECT uploaded_by FROM blobs"), [{ uploaded_by: null }]);
    assert.deepEqual(rows(db, "SELECT user_id FROM blob_uploaders"), [{ user_id: 1 }]);
    assert.deepEqual(rows(db, "SELECT * FROM uploads"), [], "the gone user's upload went with him");
    db.exec("DELETE FROM blobs");
    assert.deepEqual(rows(db, "SELECT * FROM blob_uploaders"), []);
  } finally {
    db.close();
  }
});

Deno.test("005_blobs rejects malformed blobs: a name not 32 bytes, a negative size, no mime, a zero dimension", () => {
  const db = freshBefore();
  try {
    migrate(db, blobs.version);
    assert.throws(() => insertBlob(db, { sha256: new Uint8Array(31) }), /CHECK/);
    assert.throws(() => insertBlob(db, { size: -1 }), /CHECK/);
    assert.throws(() => insertBlob(db, { mime: "" }), /CHECK/);
    assert.throws(() => insertBlob(db, { width: 0 }), /CHECK/);
    assert.throws(() => insertBlob(db, { height: 0 }), /CHECK/);
    assert.throws(() => insertBlob(db, { by: 99 }), /FOREIGN KEY/);
    insertBlob(db);
    assert.throws(() => insertBlob(db), /UNIQUE|PRIMARY KEY/);
    assert.throws(
      () => db.exec("INSERT INTO blob_uploaders (sha256, user_id, created_at) VALUES (zeroblob(32), 1, 1)"),
      /FOREIGN KEY/,
      "an uploader of a blob that does not exist",
    );
  } finally {
    db.close();
  }
});

Deno.test("005_blobs keeps one upload per user and hash, received within size, a known kind, and never reuses an id", () => {
  const db = freshBefore();
  try {
    migrate(db, blobs.version);
    const first = insertUpload(db);
    assert.throws(() => insertUpload(db), /UNIQUE constraint failed: uploads.user_id, uploads.sha256/);
    insertUpload(db, { user: 2 });
    assert.throws(() => insertUpload(db, { sha256: OTHER, size: 10, received: 11 }), /CHECK/);
    assert.throws(() => insertUpload(db, { sha256: OTHER, size: 0 }), /CHECK/);
    assert.throws(() => insertUpload(db, { sha256: OTHER, kind: "video" }), /CHECK/);
    assert.throws(() => insertUpload(db, { sha256: new Uint8Array(8) }), /CHECK/);
    assert.throws(() => insertUpload(db, { user: 99, sha256: OTHER }), /FOREIGN KEY/);
    db.prepare("DELETE FROM uploads WHERE id = ?").run(first);
    const later = insertUpload(db, { sha256: OTHER });
    assert.ok(later > first + 1, `ids ${first} then ${later}`);
  } finally {
    db.close();
  }
});

Deno.test("005_blobs: a store opened on a file of the version before upgrades it and keeps its users", async () => {
  await withStoreOn(freshBefore, async (store) => {
    assert.equal(store.version, LATEST_VERSION);
    assert.equal((await store.users.findByKey("bob"))?.nickname, "Bob");
    assert.equal(await store.blobs.find(HASH), undefined);
  });
});

Deno.test("005_blobs that fails is rolled back and leaves the version before", () => {
  const db = freshBefore();
  try {
    // A table of the same name makes the migration fail after it created the first two.
    db.exec("CREATE TABLE uploads (x INTEGER)");
    assertRollsBack(db, blobs, BEFORE);
    assert.equal(names(db, "table").includes("blobs"), false, "the CREATEs were undone");
  } finally {
    db.close();
  }
});
