// Tests of migration 2: a version-1 database with data upgrades intact and gains writable profile columns.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MigrationError } from "../errors.ts";
import { openSqliteStore } from "../sqlite.ts";
import { migrate } from "./mod.ts";

const RECORD = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);

/** Fills a version-1 database the way version 1 knew it. */
function seedV1(db: DatabaseSync): void {
  const user = db.prepare(
    "INSERT INTO users (id, username, username_key, nickname, registration_record, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  user.run(1, "Alice", "alice", "爱丽丝", RECORD, 100);
  user.run(2, "Bob", "bob", "Bob", new Uint8Array([0]), 200);
  db.exec(`
    INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 2, 300);
    INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES (1, 'Book club', 'group', NULL, 50);
    INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'member', 400), (1, 2, 'member', 401);
    INSERT INTO messages (id, room_id, sender_id, kind, body, sent_at) VALUES (1, 1, 1, 'text', '大家好', 500);
    INSERT INTO messages (id, recipient_id, sender_id, kind, body, sent_at) VALUES (2, 1, 2, 'text', 'hi', 600);
    INSERT INTO friend_requests (from_user, to_user, status, created_at, updated_at) VALUES (2, 1, 'accepted', 250, 290);
  `);
}

function rows(db: DatabaseSync, sql: string): unknown[] {
  return db.prepare(sql).all().map((row) => ({ ...row }));
}

Deno.test("002_profile keeps version-1 data intact and adds NULL profile columns", () => {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec("PRAGMA foreign_keys = ON");
    assert.equal(migrate(db, 1), 1);
    seedV1(db);
    const before = {
      friendships: rows(db, "SELECT * FROM friendships"),
      members: rows(db, "SELECT * FROM room_members ORDER BY room_id, user_id"),
      messages: rows(db, "SELECT * FROM messages ORDER BY id"),
      requests: rows(db, "SELECT * FROM friend_requests"),
    };

    assert.equal(migrate(db, 2), 2);

    assert.deepEqual(rows(db, "SELECT * FROM users ORDER BY id"), [
      {
        id: 1,
        username: "Alice",
        username_key: "alice",
        nickname: "爱丽丝",
        registration_record: RECORD,
        created_at: 100,
        last_seen_at: null,
        font_family: null,
        font_size: null,
      },
      {
        id: 2,
        username: "Bob",
        username_key: "bob",
        nickname: "Bob",
        registration_record: new Uint8Array([0]),
        created_at: 200,
        last_seen_at: null,
        font_family: null,
        font_size: null,
      },
    ]);
    assert.deepEqual({
      friendships: rows(db, "SELECT * FROM friendships"),
      members: rows(db, "SELECT * FROM room_members ORDER BY room_id, user_id"),
      messages: rows(db, "SELECT * FROM messages ORDER BY id"),
      requests: rows(db, "SELECT * FROM friend_requests"),
    }, before);
    assert.deepEqual(rows(db, "PRAGMA foreign_key_check"), []);
  } finally {
    db.close();
  }
});

Deno.test("002_profile columns are writable and font_size must be a positive integer", () => {
  const db = new DatabaseSync(":memory:");
  try {
    migrate(db, 1);
    seedV1(db);
    migrate(db, 2);
    db.exec("UPDATE users SET last_seen_at = 700, font_family = 'Noto Serif SC', font_size = 18 WHERE id = 1");
    assert.deepEqual(rows(db, "SELECT last_seen_at, font_family, font_size FROM users WHERE id = 1"), [
      { last_seen_at: 700, font_family: "Noto Serif SC", font_size: 18 },
    ]);
    assert.throws(() => db.exec("UPDATE users SET font_size = 0 WHERE id = 1"), /CHECK constraint failed/);
    assert.throws(() => db.exec("UPDATE users SET font_size = 'big' WHERE id = 1"), /cannot store TEXT/);
  } finally {
    db.close();
  }
});

Deno.test("002_profile: a store opened on a version-1 file upgrades it and reads the old users", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  try {
    const path = `${dir}/v1.db`;
    const db = new DatabaseSync(path);
    migrate(db, 1);
    seedV1(db);
    db.close();

    const store = openSqliteStore(path);
    try {
      assert.ok(store.version >= 2, `version ${store.version}`);
      const alice = await store.users.findByKey("alice");
      assert.deepEqual(alice?.registrationRecord, RECORD);
      assert.deepEqual([alice?.lastSeenAt, alice?.fontFamily, alice?.fontSize], [null, null, null]);
      await store.users.setLastSeen(1, 800);
      assert.equal((await store.users.findById(1))?.lastSeenAt, 800);
      assert.deepEqual(await store.friends.friendIdsOf(1), [2]);
      assert.deepEqual(await store.rooms.coMemberIdsOf(1), [2]);
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("002_profile that fails part-way is rolled back and leaves version 1", () => {
  const db = new DatabaseSync(":memory:");
  try {
    migrate(db, 1);
    // A stray column makes the second ALTER fail after the first succeeded.
    db.exec("ALTER TABLE users ADD COLUMN font_family TEXT");
    assert.throws(() => migrate(db), (err: unknown) => {
      assert.ok(err instanceof MigrationError);
      assert.equal(err.version, 2);
      assert.equal(err.migration, "profile");
      assert.match(err.message, /duplicate column name: font_family/);
      return true;
    });
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, 1);
    assert.equal(db.isTransaction, false);
    const columns = db.prepare("SELECT name FROM pragma_table_info('users')").all().map((r) => r.name);
    assert.ok(!columns.includes("last_seen_at"), "the first ALTER was rolled back");
  } finally {
    db.close();
  }
});
