// Tests of migration 4: a version-3 database loses the unused message, blob and read-state tables (with their
// indexes), keeps everything else intact, and gains a devices table that keeps only well-formed rows.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { assertRollsBack, columns, names, rows, userVersion, withStoreOn } from "./_migration_test_utils.ts";
import { devices } from "./004_devices.ts";
import { LATEST_VERSION, migrate } from "./mod.ts";

const KEY = Uint8Array.from({ length: 65 }, (_, i) => i === 0 ? 4 : i);

/** A version-3 database with users, a friendship, a room, an invite, and rows in the tables 004 drops. */
function freshV3(path = ":memory:"): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, 3);
  const user = db.prepare(
    `INSERT INTO users (id, username, username_key, nickname, registration_record, created_at, font_size)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  user.run(1, "Alice", "alice", "爱丽丝", new Uint8Array([1, 2, 3]), 100, 16);
  user.run(2, "Bob", "bob", "Bob", new Uint8Array([0]), 200, null);
  db.exec(`
    INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 2, 300);
    INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES (1, 'lobby', 'lobby', NULL, 50);
    INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'member', 400), (1, 2, 'member', 401);
    INSERT INTO friend_requests (from_user, to_user, status, created_at, updated_at) VALUES (2, 1, 'accepted', 250, 290);
    INSERT INTO blobs (id, sha256, mime, size, data, created_at) VALUES (1, zeroblob(32), 'image/png', 3, x'aabbcc', 0);
    INSERT INTO messages (id, room_id, sender_id, kind, body, sent_at) VALUES (1, 1, 1, 'text', '大家好', 500);
    INSERT INTO messages (id, recipient_id, sender_id, kind, blob_id, sent_at) VALUES (2, 1, 2, 'image', 1, 600);
    INSERT INTO read_state (user_id, conversation, last_read_message_id) VALUES (2, 'room:1', 1);
  `);
  db.prepare("INSERT INTO invites (code_hash, created_at, expires_at, used_at, used_by) VALUES (?, 10, 20, 15, 2)")
    .run(new Uint8Array(32).fill(7));
  return db;
}

/** Every row of the tables 004 keeps, to compare before and after. */
function kept(db: DatabaseSync): Record<string, unknown[]> {
  return Object.fromEntries(
    ["users", "friendships", "friend_requests", "rooms", "room_members", "invites"].map((
      table,
    ) => [table, rows(db, `SELECT * FROM ${table} ORDER BY 1, 2`)]),
  );
}

function insertDevice(
  db: DatabaseSync,
  device: { userId: number; name?: string; key?: Uint8Array; createdAt?: number | string; lastUsedAt?: number },
): number {
  const result = db.prepare(
    "INSERT INTO devices (user_id, name, public_key, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)",
  ).run(device.userId, device.name ?? "laptop", device.key ?? KEY, device.createdAt ?? 1, device.lastUsedAt ?? 1);
  return Number(result.lastInsertRowid);
}

Deno.test("004_devices drops messages, blobs and read_state with their indexes and keeps every other row", () => {
  const db = freshV3();
  try {
    const before = kept(db);
    assert.equal(migrate(db, 4), 4);
    assert.deepEqual(names(db, "table"), [
      "devices",
      "friend_requests",
      "friendships",
      "invites",
      "room_members",
      "rooms",
      "users",
    ]);
    assert.deepEqual(names(db, "index"), [
      "devices_user",
      "friend_requests_to_user",
      "friendships_user_b",
      "room_members_user",
    ]);
    assert.deepEqual(kept(db), before);
    assert.deepEqual(rows(db, "PRAGMA foreign_key_check"), []);
    assert.equal(userVersion(db), 4);
  } finally {
    db.close();
  }
});

Deno.test("004_devices creates an empty STRICT devices table with the design's columns", () => {
  const db = freshV3();
  try {
    migrate(db, 4);
    assert.deepEqual(rows(db, "SELECT * FROM devices"), []);
    assert.deepEqual(
      columns(db, "devices"),
      [
        { name: "id", type: "INTEGER", notnull: 0, pk: 1 },
        { name: "user_id", type: "INTEGER", notnull: 1, pk: 0 },
        { name: "name", type: "TEXT", notnull: 1, pk: 0 },
        { name: "public_key", type: "BLOB", notnull: 1, pk: 0 },
        { name: "created_at", type: "INTEGER", notnull: 1, pk: 0 },
        { name: "last_used_at", type: "INTEGER", notnull: 1, pk: 0 },
      ],
    );
    assert.deepEqual(rows(db, "SELECT strict FROM pragma_table_list WHERE name = 'devices'"), [{ strict: 1 }]);
    assert.deepEqual(
      rows(db, "SELECT name FROM pragma_index_info('devices_user') ORDER BY seqno"),
      [{ name: "user_id" }, { name: "id" }],
    );
  } finally {
    db.close();
  }
});

Deno.test("004_devices accepts a device and deletes it with its user", () => {
  const db = freshV3();
  try {
    migrate(db, 4);
    insertDevice(db, { userId: 2, name: "小明的手机" });
    insertDevice(db, { userId: 1, key: KEY.map((b) => b ^ 1) });
    assert.equal(rows(db, "SELECT * FROM devices").length, 2);
    // With messages gone, nothing keeps a user from being deleted; his device goes with him.
    db.exec("DELETE FROM users WHERE id = 2");
    assert.deepEqual(rows(db, "SELECT user_id FROM devices"), [{ user_id: 1 }]);
  } finally {
    db.close();
  }
});

Deno.test("004_devices rejects a duplicate key, a missing user, an empty name or key, and a wrongly typed time", () => {
  const db = freshV3();
  try {
    migrate(db, 4);
    insertDevice(db, { userId: 1 });
    assert.throws(() => insertDevice(db, { userId: 2 }), /UNIQUE constraint failed: devices.public_key/);
    const other = KEY.map((b) => b ^ 0xff);
    assert.throws(() => insertDevice(db, { userId: 99, key: other }), /FOREIGN KEY/);
    assert.throws(() => insertDevice(db, { userId: 1, key: other, name: "" }), /CHECK/);
    assert.throws(() => insertDevice(db, { userId: 1, key: new Uint8Array(0) }), /CHECK/);
    assert.throws(() => insertDevice(db, { userId: 1, key: other, createdAt: "yesterday" }), /cannot store TEXT/);
    assert.throws(
      () => db.prepare("INSERT INTO devices (user_id, name, public_key, created_at) VALUES (1, 'x', ?, 1)").run(other),
      /NOT NULL/,
    );
  } finally {
    db.close();
  }
});

Deno.test("004_devices never reissues the id of a deleted device", () => {
  const db = freshV3();
  try {
    migrate(db, 4);
    const first = insertDevice(db, { userId: 1 });
    const second = insertDevice(db, { userId: 1, key: KEY.map((b) => b ^ 1) });
    db.prepare("DELETE FROM devices WHERE id = ?").run(second);
    const third = insertDevice(db, { userId: 1, key: KEY.map((b) => b ^ 2) });
    assert.ok(third > second && second > first, `ids ${first}, ${second}, ${third}`);
  } finally {
    db.close();
  }
});

Deno.test("004_devices: a store opened on a version-3 file upgrades it and reads the old users with their keys", async () => {
  await withStoreOn(freshV3, async (store) => {
    assert.equal(store.version, LATEST_VERSION);
    const alice = await store.users.findByKey("alice");
    assert.deepEqual([alice?.username, alice?.usernameKey, alice?.fontSize], ["Alice", "alice", 16]);
    const device = await store.devices.create({ userId: alice!.id, name: "laptop", publicKey: KEY, createdAt: 900 });
    assert.deepEqual(await store.devices.listFor(alice!.id), [device]);
  });
});

Deno.test("004_devices that fails is rolled back and leaves version 3 with its tables", () => {
  const db = freshV3();
  try {
    // A table of the same name makes the migration fail after the DROPs ran.
    db.exec("CREATE TABLE devices (x INTEGER)");
    assertRollsBack(db, devices, 3);
    assert.deepEqual(rows(db, "SELECT id FROM messages ORDER BY id"), [{ id: 1 }, { id: 2 }], "the DROPs were undone");
    assert.ok(names(db, "index").includes("messages_room"));
  } finally {
    db.close();
  }
});
