// Tests of migration 1: a fresh database gets every table, and the constraints reject bad rows.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { migrate } from "./mod.ts";

const TABLES = [
  "blobs",
  "friend_requests",
  "friendships",
  "messages",
  "read_state",
  "room_members",
  "rooms",
  "users",
];

/** A version-1 database with foreign keys on, two users (1, 2), a room (1) and a blob (1). */
function freshV1(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  db.exec("PRAGMA foreign_keys = ON");
  assert.equal(migrate(db, 1), 1);
  db.exec(`
    INSERT INTO users (id, username, username_key, nickname, registration_record, created_at)
      VALUES (1, 'A', 'a', 'a', x'01', 0), (2, 'B', 'b', 'b', x'02', 0);
    INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES (1, 'r', 'group', 1, 0);
    INSERT INTO blobs (id, sha256, mime, size, data, created_at) VALUES (1, zeroblob(32), 'image/png', 3, x'aabbcc', 0);
  `);
  return db;
}

/** Asserts that `sql` fails with a SQLite constraint error whose message mentions `reason`. */
function rejects(db: DatabaseSync, sql: string, reason: RegExp): void {
  assert.throws(() => db.exec(sql), (err: unknown) => {
    assert.ok(err instanceof Error, String(err));
    assert.match(err.message, reason);
    return true;
  }, sql);
}

Deno.test("001_initial creates every table as STRICT and sets user_version to 1", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.equal(migrate(db, 1), 1);
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, 1);
    const tables = db.prepare(
      "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
      .all().map((row) => ({ ...row }));
    assert.deepEqual(tables, TABLES.map((name) => ({ name, strict: 1 })));
    const users = db.prepare("SELECT name FROM pragma_table_info('users') ORDER BY cid").all().map((r) => r.name);
    assert.deepEqual(users, ["id", "username", "username_key", "nickname", "registration_record", "created_at"]);
  } finally {
    db.close();
  }
});

Deno.test("001_initial creates the message and lookup indexes", () => {
  const db = new DatabaseSync(":memory:");
  try {
    migrate(db, 1);
    const columnsOf = (index: string) =>
      db.prepare("SELECT name FROM pragma_index_info(?) ORDER BY seqno").all(index).map((r) => r.name);
    assert.deepEqual(columnsOf("messages_room"), ["room_id", "id"]);
    assert.deepEqual(columnsOf("messages_direct_out"), ["sender_id", "recipient_id", "id"]);
    assert.deepEqual(columnsOf("messages_direct_in"), ["recipient_id", "sender_id", "id"]);
    assert.deepEqual(columnsOf("room_members_user"), ["user_id", "room_id"]);
    assert.deepEqual(columnsOf("friendships_user_b"), ["user_b", "user_a"]);
  } finally {
    db.close();
  }
});

Deno.test("001_initial accepts well-formed rows in every table", () => {
  const db = freshV1();
  try {
    db.exec(`
      INSERT INTO friend_requests (from_user, to_user, status, created_at, updated_at) VALUES (1, 2, 'deferred', 0, 0);
      INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 2, 0);
      INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'owner', 0);
      INSERT INTO messages (room_id, sender_id, kind, body, sent_at) VALUES (1, 1, 'text', '你好', 0);
      INSERT INTO messages (recipient_id, sender_id, kind, blob_id, sent_at) VALUES (2, 1, 'image', 1, 0);
      INSERT INTO messages (recipient_id, sender_id, kind, body, blob_id, sent_at) VALUES (2, 1, 'file', 'a.pdf', 1, 0);
      INSERT INTO read_state (user_id, conversation, last_read_message_id) VALUES (2, 'dm:1', 2);
    `);
    assert.equal(db.prepare("SELECT count(*) AS n FROM messages").get()?.n, 3);
  } finally {
    db.close();
  }
});

Deno.test("001_initial rejects a message addressed to both a room and a recipient, or to neither", () => {
  const db = freshV1();
  try {
    rejects(
      db,
      "INSERT INTO messages (room_id, recipient_id, sender_id, kind, body, sent_at) VALUES (1, 2, 1, 'text', 'x', 0)",
      /CHECK constraint failed/,
    );
    rejects(db, "INSERT INTO messages (sender_id, kind, body, sent_at) VALUES (1, 'text', 'x', 0)", /CHECK/);
  } finally {
    db.close();
  }
});

Deno.test("001_initial rejects messages whose kind, body and blob disagree", () => {
  const db = freshV1();
  try {
    rejects(
      db,
      "INSERT INTO messages (room_id, sender_id, kind, body, sent_at) VALUES (1, 1, 'video', 'x', 0)",
      /CHECK/,
    );
    rejects(db, "INSERT INTO messages (room_id, sender_id, kind, sent_at) VALUES (1, 1, 'text', 0)", /CHECK/);
    rejects(
      db,
      "INSERT INTO messages (room_id, sender_id, kind, body, sent_at) VALUES (1, 1, 'image', 'x', 0)",
      /CHECK/,
    );
    rejects(
      db,
      "INSERT INTO messages (room_id, sender_id, kind, body, blob_id, sent_at) VALUES (1, 1, 'text', 'x', 1, 0)",
      /CHECK/,
    );
  } finally {
    db.close();
  }
});

Deno.test("001_initial rejects bad enum values and self-referencing social rows", () => {
  const db = freshV1();
  try {
    rejects(
      db,
      "INSERT INTO friend_requests (from_user, to_user, status, created_at, updated_at) VALUES (1, 2, 'maybe', 0, 0)",
      /CHECK/,
    );
    rejects(
      db,
      "INSERT INTO friend_requests (from_user, to_user, status, created_at, updated_at) VALUES (1, 1, 'pending', 0, 0)",
      /CHECK/,
    );
    rejects(db, "INSERT INTO friendships (user_a, user_b, created_at) VALUES (2, 1, 0)", /CHECK/);
    rejects(db, "INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 1, 0)", /CHECK/);
    rejects(db, "INSERT INTO rooms (name, kind, created_at) VALUES ('r', 'channel', 0)", /CHECK/);
    rejects(db, "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'king', 0)", /CHECK/);
  } finally {
    db.close();
  }
});

Deno.test("001_initial rejects duplicates, wrong types, bad blobs and dangling references", () => {
  const db = freshV1();
  try {
    rejects(
      db,
      "INSERT INTO users (username, username_key, nickname, registration_record, created_at) VALUES ('A', 'a', 'a', x'00', 0)",
      /UNIQUE/,
    );
    rejects(
      db,
      "INSERT INTO users (username, username_key, nickname, registration_record, created_at) VALUES ('C', 'c', 'c', x'00', 1.5)",
      /cannot store REAL/,
    );
    rejects(
      db,
      "INSERT INTO users (username, username_key, nickname, registration_record, created_at) VALUES ('C', 'c', 'c', NULL, 0)",
      /NOT NULL/,
    );
    rejects(
      db,
      "INSERT INTO blobs (sha256, mime, size, data, created_at) VALUES (zeroblob(31), 'x', 1, x'00', 0)",
      /CHECK/,
    );
    rejects(
      db,
      "INSERT INTO blobs (sha256, mime, size, data, created_at) VALUES (randomblob(32), 'x', 2, x'00', 0)",
      /CHECK/,
    );
    rejects(
      db,
      "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 99, 'member', 0)",
      /FOREIGN KEY/,
    );
    rejects(
      db,
      "INSERT INTO messages (room_id, sender_id, kind, body, sent_at) VALUES (99, 1, 'text', 'x', 0)",
      /FOREIGN KEY/,
    );
  } finally {
    db.close();
  }
});

Deno.test("001_initial keeps messages: deleting their sender is refused", () => {
  const db = freshV1();
  try {
    db.exec("INSERT INTO messages (room_id, sender_id, kind, body, sent_at) VALUES (1, 2, 'text', 'x', 0)");
    rejects(db, "DELETE FROM users WHERE id = 2", /FOREIGN KEY/);
  } finally {
    db.close();
  }
});
