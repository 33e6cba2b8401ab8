// Tests of migration 7: a version-6 database keeps its rows and gains conversations, members, messages and message
// blobs that keep only well-formed rows and go with what they belong to.

import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { assertRollsBack, databaseAt, names, rows, withStoreOn } from "./_migration_test_utils.ts";
import { conversations } from "./007_conversations.ts";
import { migrate } from "./mod.ts";

const SHA = new Uint8Array(32).fill(0xab);

/** A version-6 database with three users, a friendship, a room and a block. */
function freshV5(path = ":memory:"): DatabaseSync {
  const db = databaseAt(path, 6, [
    [1, "Alice", "爱丽丝", new Uint8Array([1]), 100],
    [2, "Bob", "Bob", new Uint8Array([2]), 200],
    [3, "Carol", "Carol", new Uint8Array([3]), 300],
  ]);
  db.exec(`
    INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 2, 400);
    INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES (1, '周末爬山', 'group', 1, 450);
    INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'owner', 450);
    INSERT INTO blocks (blocker, blocked, created_at) VALUES (3, 2, 460);
  `);
  return db;
}

/** A direct conversation of 1 and 2 (id 1) and one of room 1 (id 2), with both of 1 and 2 members of the first. */
function seed(db: DatabaseSync): void {
  db.exec(`
    INSERT INTO conversations (id, kind, user_a, user_b, created_at) VALUES (1, 'direct', 1, 2, 500);
    INSERT INTO conversations (id, kind, room_id, created_at) VALUES (2, 'room', 1, 500);
    INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (1, 1, 500), (1, 2, 500);
    INSERT INTO conversation_members (conversation_id, user_id, joined_seq, joined_at) VALUES (2, 1, 0, 500);
  `);
}

function message(db: DatabaseSync, conversation: number, seq: number, fields: Record<string, unknown> = {}): void {
  const row = { sender: 1, client: `c${seq}`, at: 600 + seq, body: new Uint8Array([seq]), recalled: null, ...fields };
  db.prepare(
    `INSERT INTO messages (conversation_id, seq, sender_id, client_id, at, body, recalled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    conversation,
    seq,
    row.sender as number | null,
    row.client as string | null,
    row.at as number,
    row.body as Uint8Array | null,
    row.recalled as number | null,
  );
}

Deno.test("007_conversations keeps every row and adds four empty STRICT tables with their indexes", () => {
  const db = freshV5();
  try {
    const tables = ["users", "friendships", "friend_requests", "rooms", "room_members", "blocks", "devices", "invites"];
    const before = tables.map((table) => rows(db, `SELECT * FROM ${table}`));
    assert.equal(migrate(db, 7), 7);
    assert.deepEqual(tables.map((table) => rows(db, `SELECT * FROM ${table}`)), before);
    for (const table of ["conversations", "conversation_members", "messages", "message_blobs"]) {
      assert.deepEqual(rows(db, `SELECT * FROM ${table}`), [], table);
      assert.deepEqual(rows(db, `SELECT strict FROM pragma_table_list WHERE name = '${table}'`), [{ strict: 1 }]);
    }
    for (const index of ["conversation_members_user", "messages_client", "message_blobs_sha256"]) {
      assert.ok(names(db, "index").includes(index), index);
    }
    assert.deepEqual(rows(db, "PRAGMA foreign_key_check"), []);
  } finally {
    db.close();
  }
});

Deno.test("007_conversations: a direct conversation names its pair in order, once; a room's names its room, once", () => {
  const db = freshV5();
  try {
    migrate(db, 7);
    seed(db);
    const direct = (a: number, b: number) =>
      db.prepare("INSERT INTO conversations (kind, user_a, user_b, created_at) VALUES ('direct', ?, ?, 1)").run(a, b);
    assert.throws(() => direct(1, 2), /UNIQUE/);
    assert.throws(() => direct(2, 1), /CHECK/, "the smaller id comes first");
    assert.throws(() => direct(2, 2), /CHECK/);
    assert.throws(() => direct(1, 99), /FOREIGN KEY/);
    assert.throws(
      () => db.exec("INSERT INTO conversations (kind, room_id, created_at) VALUES ('room', 1, 1)"),
      /UNIQUE/,
    );
    assert.throws(
      () =>
        db.exec("INSERT INTO conversations (kind, room_id, user_a, user_b, created_at) VALUES ('direct', 1, 2, 3, 1)"),
      /CHECK/,
    );
    assert.throws(() => db.exec("INSERT INTO conversations (kind, created_at) VALUES ('room', 1)"), /CHECK/);
    assert.throws(() => db.exec("INSERT INTO conversations (kind, created_at) VALUES ('group', 1)"), /CHECK/);
    assert.deepEqual(rows(db, "SELECT id, last_seq, last_at FROM conversations ORDER BY id"), [
      { id: 1, last_seq: 0, last_at: null },
      { id: 2, last_seq: 0, last_at: null },
    ]);
  } finally {
    db.close();
  }
});

Deno.test("007_conversations: a message has one place, a body until it is recalled, and one message per client id", () => {
  const db = freshV5();
  try {
    migrate(db, 7);
    seed(db);
    message(db, 1, 1);
    message(db, 1, 2, { sender: 2, client: "c1" });
    message(db, 1, 3, { sender: null, client: null });
    message(db, 1, 4, { body: null, recalled: 900 });
    assert.throws(() => message(db, 1, 1, { client: "other" }), /UNIQUE|PRIMARY KEY/);
    assert.throws(() => message(db, 1, 5, { client: "c1" }), /UNIQUE/, "c1 is sender 1's already");
    assert.throws(() => message(db, 1, 6, { body: null }), /CHECK/);
    assert.throws(() => message(db, 1, 7, { recalled: 900 }), /CHECK/);
    assert.throws(() => message(db, 1, 0), /CHECK/);
    assert.throws(() => message(db, 1, 8, { client: "" }), /CHECK/);
    assert.throws(() => message(db, 9, 1), /FOREIGN KEY/);
    message(db, 2, 1, { client: "c1" });
    assert.equal(rows(db, "SELECT * FROM messages").length, 5);
  } finally {
    db.close();
  }
});

Deno.test("007_conversations: members and message blobs go with their conversation, message or user", () => {
  const db = freshV5();
  try {
    migrate(db, 7);
    seed(db);
    message(db, 1, 1);
    message(db, 1, 2, { sender: 2 });
    message(db, 2, 1, { sender: 2 });
    const blob = db.prepare("INSERT INTO message_blobs (conversation_id, seq, sha256) VALUES (?, ?, ?)");
    blob.run(1, 1, SHA);
    blob.run(1, 2, SHA);
    blob.run(2, 1, SHA);
    assert.throws(() => blob.run(1, 3, SHA), /FOREIGN KEY/);
    assert.throws(() => blob.run(1, 1, new Uint8Array(31)), /CHECK/);
    db.exec("DELETE FROM messages WHERE conversation_id = 1 AND seq = 1");
    assert.deepEqual(rows(db, "SELECT conversation_id, seq FROM message_blobs ORDER BY 1, 2"), [
      { conversation_id: 1, seq: 2 },
      { conversation_id: 2, seq: 1 },
    ]);
    db.exec("DELETE FROM users WHERE id = 2");
    assert.deepEqual(rows(db, "SELECT id FROM conversations"), [{ id: 2 }], "the pair's conversation went with him");
    assert.deepEqual(
      rows(db, "SELECT conversation_id, sender_id FROM messages"),
      [{ conversation_id: 2, sender_id: null }],
      "his message in the room stays, without a sender",
    );
    assert.deepEqual(rows(db, "SELECT user_id FROM conversation_members"), [{ user_id: 1 }]);
    db.exec("DELETE FROM rooms WHERE id = 1");
    assert.deepEqual(rows(db, "SELECT * FROM conversations"), []);
    assert.deepEqual(rows(db, "SELECT * FROM conversation_members"), []);
    assert.deepEqual(rows(db, "SELECT * FROM messages"), []);
    assert.deepEqual(rows(db, "SELECT * FROM message_blobs"), []);
  } finally {
    db.close();
  }
});

Deno.test("007_conversations that fails is rolled back and leaves version 6", () => {
  const db = freshV5();
  try {
    db.exec("CREATE TABLE message_blobs (x INTEGER)");
    assertRollsBack(db, conversations, 6);
    assert.equal(names(db, "table").includes("conversations"), false, "the CREATEs were undone");
  } finally {
    db.close();
  }
});

Deno.test("007_conversations: a store opened on a version-6 file makes the pair's conversation and appends to it", async () => {
  await withStoreOn(freshV5, async (store) => {
    const conversation = await store.conversations.directFor(2, 1, 700);
    assert.deepEqual([conversation.kind, conversation.userA, conversation.userB], ["direct", 1, 2]);
    await store.conversations.addMember(conversation.id, 1, 700);
    const { message } = await store.conversations.append(conversation.id, {
      senderId: 1,
      clientId: "c1",
      at: 710,
      body: new Uint8Array([1]),
    });
    assert.equal(message.seq, 1);
    assert.equal(await store.friends.isBlocked(3, 2), true);
  });
});
