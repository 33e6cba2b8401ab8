// Tests of migration 6: friend requests from version 5 keep every field and gain an empty note; blocks keep only
// well-formed, directed rows that go with either user.

import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { assertRollsBack, columns, databaseAt, rows, withStoreOn } from "./_migration_test_utils.ts";
import { friends } from "./006_friends.ts";
import { migrate } from "./mod.ts";

/** A version-5 database with three users, a friendship and two requests. */
function freshV4(path = ":memory:"): DatabaseSync {
  const db = databaseAt(path, 5, [
    [1, "Alice", "爱丽丝", new Uint8Array([1]), 100],
    [2, "Bob", "Bob", new Uint8Array([2]), 200],
    [3, "Carol", "Carol", new Uint8Array([3]), 300],
  ]);
  db.exec(`
    INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 2, 400);
    INSERT INTO friend_requests (id, from_user, to_user, status, created_at, updated_at)
      VALUES (1, 2, 1, 'accepted', 350, 400), (2, 3, 1, 'deferred', 500, 600);
  `);
  return db;
}

function block(db: DatabaseSync, blocker: number, blocked: number, at: number | string = 1): void {
  db.prepare("INSERT INTO blocks (blocker, blocked, created_at) VALUES (?, ?, ?)").run(blocker, blocked, at);
}

Deno.test("006_friends keeps every request field and gives old requests no note", () => {
  const db = freshV4();
  try {
    const before = rows(db, "SELECT * FROM friend_requests ORDER BY id") as Record<string, unknown>[];
    assert.equal(migrate(db, 6), 6);
    assert.deepEqual(
      rows(db, "SELECT * FROM friend_requests ORDER BY id"),
      before.map((row) => ({ ...row, note: null })),
    );
    db.prepare("UPDATE friend_requests SET note = ? WHERE id = 2").run("我是你的同学");
    assert.deepEqual(rows(db, "SELECT note FROM friend_requests WHERE id = 2"), [{ note: "我是你的同学" }]);
    assert.throws(() => db.exec("UPDATE friend_requests SET note = x'00' WHERE id = 2"), /cannot store BLOB/);
  } finally {
    db.close();
  }
});

Deno.test("006_friends creates a STRICT blocks table keyed by blocker and blocked, indexed the other way", () => {
  const db = freshV4();
  try {
    migrate(db, 6);
    assert.deepEqual(columns(db, "blocks"), [
      { name: "blocker", type: "INTEGER", notnull: 1, pk: 1 },
      { name: "blocked", type: "INTEGER", notnull: 1, pk: 2 },
      { name: "created_at", type: "INTEGER", notnull: 1, pk: 0 },
    ]);
    assert.deepEqual(rows(db, "SELECT strict FROM pragma_table_list WHERE name = 'blocks'"), [{ strict: 1 }]);
    assert.deepEqual(rows(db, "SELECT name FROM pragma_index_info('blocks_blocked') ORDER BY seqno"), [
      { name: "blocked" },
      { name: "blocker" },
    ]);
  } finally {
    db.close();
  }
});

Deno.test("006_friends: a block is directed, once per pair and direction, never of oneself or of nobody", () => {
  const db = freshV4();
  try {
    migrate(db, 6);
    block(db, 1, 2);
    block(db, 2, 1);
    assert.throws(() => block(db, 1, 2), /UNIQUE|PRIMARY KEY/);
    assert.throws(() => block(db, 1, 1), /CHECK/);
    assert.throws(() => block(db, 1, 99), /FOREIGN KEY/);
    assert.throws(() => block(db, 1, 3, "yesterday"), /cannot store TEXT/);
    assert.equal(rows(db, "SELECT * FROM blocks").length, 2);
  } finally {
    db.close();
  }
});

Deno.test("006_friends: blocks go with the user on either side", () => {
  const db = freshV4();
  try {
    migrate(db, 6);
    block(db, 1, 2);
    block(db, 3, 1);
    block(db, 2, 3);
    db.exec("DELETE FROM users WHERE id = 1");
    assert.deepEqual(rows(db, "SELECT blocker, blocked FROM blocks"), [{ blocker: 2, blocked: 3 }]);
  } finally {
    db.close();
  }
});

Deno.test("006_friends that fails is rolled back and leaves version 5 without a note column", () => {
  const db = freshV4();
  try {
    db.exec("CREATE TABLE blocks (x INTEGER)");
    assertRollsBack(db, friends, 5);
    const columns = rows(db, "SELECT name FROM pragma_table_info('friend_requests')").map((r) =>
      (r as { name: string }).name
    );
    assert.equal(columns.includes("note"), false, "the ALTER was undone");
  } finally {
    db.close();
  }
});

Deno.test("006_friends: a store opened on a version-5 file reads the old open request with no note", async () => {
  await withStoreOn(freshV4, async (store) => {
    const open = await store.friends.openRequestsFor(1);
    assert.deepEqual(open.map((request) => [request.id, request.fromUser, request.status, request.note]), [
      [2, 3, "deferred", null],
    ]);
    assert.equal(await store.friends.areFriends(1, 2), true);
  });
});
