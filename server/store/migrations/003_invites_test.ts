// Tests of migration 3: a version-2 database with users upgrades intact and gains an invites table that keeps only
// well-formed, single-use rows.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MigrationError } from "../errors.ts";
import { openSqliteStore } from "../sqlite.ts";
import { migrate } from "./mod.ts";

const HASH = Uint8Array.from({ length: 32 }, (_, i) => i);

/** A version-2 database with two users, as version 2 knew them. */
function freshV2(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, 2);
  const user = db.prepare(
    `INSERT INTO users (id, username, username_key, nickname, registration_record, created_at, font_size)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  user.run(1, "Alice", "alice", "爱丽丝", new Uint8Array([1, 2, 3]), 100, 16);
  user.run(2, "Bob", "bob", "Bob", new Uint8Array([0]), 200, null);
  return db;
}

function rows(db: DatabaseSync, sql: string): unknown[] {
  return db.prepare(sql).all().map((row) => ({ ...row }));
}

Deno.test("003_invites keeps version-2 users intact and adds an empty invites table", () => {
  const db = freshV2();
  try {
    const before = rows(db, "SELECT * FROM users ORDER BY id");
    assert.equal(migrate(db, 3), 3);
    assert.deepEqual(rows(db, "SELECT * FROM users ORDER BY id"), before);
    assert.deepEqual(rows(db, "SELECT * FROM invites"), []);
    assert.deepEqual(
      rows(db, "SELECT name, type, pk FROM pragma_table_info('invites') ORDER BY cid"),
      [
        { name: "code_hash", type: "BLOB", pk: 1 },
        { name: "created_at", type: "INTEGER", pk: 0 },
        { name: "expires_at", type: "INTEGER", pk: 0 },
        { name: "used_at", type: "INTEGER", pk: 0 },
        { name: "used_by", type: "INTEGER", pk: 0 },
      ],
    );
  } finally {
    db.close();
  }
});

Deno.test("003_invites accepts an unused and a used invite", () => {
  const db = freshV2();
  try {
    migrate(db, 3);
    const insert = db.prepare(
      "INSERT INTO invites (code_hash, created_at, expires_at, used_at, used_by) VALUES (?, ?, ?, ?, ?)",
    );
    insert.run(HASH, 10, 20, null, null);
    insert.run(HASH.map((b) => b ^ 0xff), 10, 20, 15, 1);
    assert.equal(rows(db, "SELECT * FROM invites").length, 2);
  } finally {
    db.close();
  }
});

Deno.test("003_invites rejects a short hash, a duplicate, an expiry before creation, a user without a use time, and a missing user", () => {
  const db = freshV2();
  try {
    migrate(db, 3);
    const insert = (hash: Uint8Array, created: number, expires: number, usedAt: number | null, usedBy: number | null) =>
      db.prepare("INSERT INTO invites (code_hash, created_at, expires_at, used_at, used_by) VALUES (?, ?, ?, ?, ?)")
        .run(hash, created, expires, usedAt, usedBy);
    insert(HASH, 10, 20, null, null);
    assert.throws(() => insert(new Uint8Array(31), 10, 20, null, null), /CHECK/);
    assert.throws(() => insert(HASH, 10, 20, null, null), /UNIQUE|PRIMARY KEY/);
    const other = HASH.map((b) => b + 1);
    assert.throws(() => insert(other, 20, 20, null, null), /CHECK/);
    assert.throws(() => insert(other, 10, 20, null, 1), /CHECK/);
    assert.throws(() => insert(other, 10, 20, 15, 99), /FOREIGN KEY/);
    assert.throws(() => insert(other, 10.5, 20, null, null), /cannot store REAL/);
  } finally {
    db.close();
  }
});

Deno.test("003_invites: deleting the user an invite made keeps the invite spent", () => {
  const db = freshV2();
  try {
    migrate(db, 3);
    db.prepare("INSERT INTO invites (code_hash, created_at, expires_at, used_at, used_by) VALUES (?, 10, 20, 15, 2)")
      .run(HASH);
    db.exec("DELETE FROM users WHERE id = 2");
    assert.deepEqual(rows(db, "SELECT used_at, used_by FROM invites"), [{ used_at: 15, used_by: null }]);
  } finally {
    db.close();
  }
});

Deno.test("003_invites: a store opened on a version-2 file upgrades it and uses invites", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  try {
    const path = `${dir}/v2.db`;
    const db = new DatabaseSync(path);
    migrate(db, 2);
    db.prepare(
      "INSERT INTO users (username, username_key, nickname, registration_record, created_at) VALUES (?, ?, ?, ?, ?)",
    )
      .run("Alice", "alice", "爱丽丝", new Uint8Array([1]), 100);
    db.close();

    const store = openSqliteStore(path);
    try {
      assert.ok(store.version >= 3, `version ${store.version}`);
      await store.invites.create(HASH, 10, 20);
      assert.equal(await store.invites.consume(HASH, (await store.users.findByKey("alice"))!.id, 15), true);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("003_invites that fails is rolled back and leaves version 2", () => {
  const db = freshV2();
  try {
    // A table of the same name makes the migration fail.
    db.exec("CREATE TABLE invites (x INTEGER)");
    assert.throws(() => migrate(db, 3), (err: unknown) => {
      assert.ok(err instanceof MigrationError);
      assert.equal(err.version, 3);
      assert.equal(err.migration, "invites");
      assert.match(err.message, /already exists/);
      return true;
    });
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, 2);
    assert.equal(db.isTransaction, false);
  } finally {
    db.close();
  }
});
