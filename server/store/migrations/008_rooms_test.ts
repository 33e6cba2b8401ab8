// Tests of the rooms migration: rooms gain a public flag and a unique code hash, a room keeps one owner, and exactly one
// lobby exists afterwards, public and without member rows, while every other row stays.

import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { assertRollsBack, databaseAt, rows, userVersion, withStoreOn } from "./_migration_test_utils.ts";
import { rooms } from "./008_rooms.ts";
import { migrate } from "./mod.ts";

const BEFORE = rooms.version - 1;
const HASH = new Uint8Array(32).fill(0xab);

/** A database one version before rooms, with three users, a friendship, and a group room of two. */
function freshBefore(path = ":memory:"): DatabaseSync {
  const db = databaseAt(path, BEFORE, [
    [1, "Alice", "爱丽丝", new Uint8Array([1, 2, 3]), 100],
    [2, "Bob", "Bob", new Uint8Array([0]), 200],
    [3, "Carol", "Carol", new Uint8Array([0]), 300],
  ]);
  db.exec(`
    INSERT INTO friendships (user_a, user_b, created_at) VALUES (1, 2, 300);
    INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES (10, 'Book club', 'group', 1, 50);
    INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (10, 1, 'owner', 60), (10, 2, 'member', 61);
  `);
  return db;
}

function lobbies(db: DatabaseSync): { id: number; name: string; public: number; created_by: number | null }[] {
  return rows(db, "SELECT id, name, public, created_by FROM rooms WHERE kind = 'lobby' ORDER BY id") as {
    id: number;
    name: string;
    public: number;
    created_by: number | null;
  }[];
}

Deno.test("008_rooms adds public and invite_code_hash, keeps every row, and makes the one lobby", () => {
  const db = freshBefore();
  try {
    const kept = ["users", "friendships", "room_members"].map((table) => rows(db, `SELECT * FROM ${table} ORDER BY 1`));
    const before = Date.now();
    assert.equal(migrate(db, rooms.version), rooms.version);
    assert.deepEqual(
      ["users", "friendships", "room_members"].map((table) => rows(db, `SELECT * FROM ${table} ORDER BY 1`)),
      kept,
    );
    assert.deepEqual(rows(db, "SELECT id, name, kind, public, invite_code_hash FROM rooms WHERE id = 10"), [
      { id: 10, name: "Book club", kind: "group", public: 0, invite_code_hash: null },
    ]);
    const [lobby, ...more] = lobbies(db);
    assert.deepEqual(more, []);
    assert.deepEqual({ ...lobby, id: 0 }, { id: 0, name: "Lobby", public: 1, created_by: null });
    const createdAt = rows(db, "SELECT created_at FROM rooms WHERE id = ?", lobby.id)[0] as { created_at: number };
    // Whole seconds: SQLite's clock, read in the migration, has no finer grain there.
    assert.ok(createdAt.created_at >= Math.floor(before / 1000) * 1000, `${createdAt.created_at}`);
    assert.deepEqual(rows(db, "PRAGMA foreign_key_check"), []);
    assert.equal(userVersion(db), rooms.version);
  } finally {
    db.close();
  }
});

Deno.test("008_rooms keeps a lobby that exists, drops its member rows, and turns any second lobby into a group", () => {
  const db = freshBefore();
  try {
    db.exec(`
      INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES (1, '大厅', 'lobby', NULL, 5), (2, 'x', 'lobby', NULL, 6);
      INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (1, 1, 'member', 7), (1, 2, 'member', 8);
      INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (2, 3, 'member', 9);
    `);
    migrate(db, rooms.version);
    assert.deepEqual(lobbies(db), [{ id: 1, name: "大厅", public: 1, created_by: null }]);
    assert.deepEqual(rows(db, "SELECT room_id, user_id FROM room_members WHERE room_id IN (1, 2)"), [
      { room_id: 2, user_id: 3 },
    ]);
    assert.deepEqual(rows(db, "SELECT kind FROM rooms WHERE id = 2"), [{ kind: "group" }]);
  } finally {
    db.close();
  }
});

Deno.test("008_rooms keeps one owner per room: the smallest id of several, and a second owner is refused after", () => {
  const db = freshBefore();
  try {
    db.exec("UPDATE room_members SET role = 'owner' WHERE room_id = 10");
    migrate(db, rooms.version);
    assert.deepEqual(rows(db, "SELECT user_id, role FROM room_members WHERE room_id = 10 ORDER BY user_id"), [
      { user_id: 1, role: "owner" },
      { user_id: 2, role: "member" },
    ]);
    assert.throws(
      () => db.exec("INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (10, 3, 'owner', 70)"),
      /UNIQUE constraint failed: room_members.room_id/,
    );
  } finally {
    db.close();
  }
});

Deno.test("008_rooms: a code hash is 32 bytes and names one room; public is 0 or 1; a second lobby is refused", () => {
  const db = freshBefore();
  try {
    migrate(db, rooms.version);
    const setCode = db.prepare("UPDATE rooms SET invite_code_hash = ? WHERE id = ?");
    assert.throws(() => setCode.run(new Uint8Array(31), 10), /CHECK/);
    setCode.run(HASH, 10);
    db.exec("INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES (20, 'Chess', 'group', 2, 80)");
    assert.throws(() => setCode.run(HASH, 20), /UNIQUE constraint failed: rooms.invite_code_hash/);
    setCode.run(null, 10);
    setCode.run(HASH, 20);
    assert.throws(() => db.exec("UPDATE rooms SET public = 2 WHERE id = 20"), /CHECK/);
    assert.throws(
      () => db.exec("INSERT INTO rooms (name, kind, created_by, created_at) VALUES ('again', 'lobby', NULL, 90)"),
      /UNIQUE constraint failed: rooms.kind/,
    );
  } finally {
    db.close();
  }
});

Deno.test("008_rooms: a departure names a room and a user once, and goes with either", () => {
  const db = freshBefore();
  try {
    migrate(db, rooms.version);
    const depart = db.prepare("INSERT INTO room_departures (room_id, user_id, left_at) VALUES (?, ?, ?)");
    depart.run(10, 3, 90);
    assert.throws(() => depart.run(10, 3, 91), /UNIQUE|PRIMARY KEY/);
    assert.throws(() => depart.run(99, 3, 91), /FOREIGN KEY/);
    depart.run(10, 2, 92);
    db.exec("DELETE FROM users WHERE id = 3");
    assert.deepEqual(rows(db, "SELECT room_id, user_id FROM room_departures"), [{ room_id: 10, user_id: 2 }]);
    db.exec("DELETE FROM rooms WHERE id = 10");
    assert.deepEqual(rows(db, "SELECT * FROM room_departures"), []);
  } finally {
    db.close();
  }
});

Deno.test("008_rooms: a store opened on a file of the version before upgrades it and finds the lobby", async () => {
  await withStoreOn(freshBefore, async (store) => {
    assert.ok(store.version >= rooms.version, `version ${store.version}`);
    assert.equal((await store.rooms.lobby()).kind, "lobby");
    assert.equal((await store.rooms.findById(10))?.ownerId, 1);
  });
});

Deno.test("008_rooms that fails is rolled back and leaves the version before", () => {
  const db = freshBefore();
  try {
    // An index of the same name makes the migration fail after it altered the table.
    db.exec("CREATE INDEX room_members_owner ON room_members (user_id)");
    assertRollsBack(db, rooms, BEFORE);
    const columns = rows(db, "SELECT name FROM pragma_table_info('rooms')").map((row) =>
      (row as { name: string }).name
    );
    assert.equal(columns.includes("public"), false, "the ALTERs were undone");
    assert.deepEqual(rows(db, "SELECT id FROM rooms WHERE kind = 'lobby'"), []);
  } finally {
    db.close();
  }
});
