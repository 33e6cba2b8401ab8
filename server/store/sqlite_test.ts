// Tests of the SQLite store: the shared suite on a file and in memory, plus file-level behaviour.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SchemaTooNewError, StoreError } from "./errors.ts";
import { LATEST_VERSION, migrate, MIGRATIONS } from "./migrations/mod.ts";
import { openDatabase, openSqliteStore } from "./sqlite.ts";
import { runStoreSuite } from "./store_suite.ts";
import type { Store } from "./types.ts";

/** A store in a fresh temporary directory, which close() removes. */
async function openTempFileStore(): Promise<Store> {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  const store = openSqliteStore(`${dir}/mimi.db`);
  let removed = false;
  return {
    users: store.users,
    friends: store.friends,
    rooms: store.rooms,
    invites: store.invites,
    devices: store.devices,
    blobs: store.blobs,
    conversations: store.conversations,
    version: store.version,
    transaction: (fn) => store.transaction(fn),
    async close() {
      await store.close();
      // Store.close() is repeatable, so this must be too.
      if (removed) return;
      removed = true;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function withTempDir(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function schemaOf(db: DatabaseSync): unknown[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name").all().map((row) => ({ ...row }));
}

runStoreSuite({ name: "sqlite file", open: openTempFileStore });
runStoreSuite({ name: "sqlite :memory:", open: () => Promise.resolve(openSqliteStore(":memory:")) });

Deno.test("openSqliteStore() reopening a file keeps users, friendships, rooms, requests and devices", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/mimi.db`;
    const first = openSqliteStore(path);
    const alice = await first.users.create({
      username: "Alice",
      usernameKey: "alice",
      nickname: "爱丽丝",
      registrationRecord: new Uint8Array([0, 1, 2, 255]),
      createdAt: 1,
    });
    const bob = await first.users.create({
      username: "Bob",
      usernameKey: "bob",
      nickname: "Bob",
      registrationRecord: new Uint8Array([9]),
      createdAt: 2,
    });
    await first.users.setFont(alice.id, "serif", 14);
    await first.friends.addFriendship(alice.id, bob.id, 3);
    const room = await first.rooms.createRoom("room", "group", alice.id, 4);
    await first.rooms.addMember(room.id, bob.id, "member", 5);
    const request = await first.friends.createFriendRequest(bob.id, alice.id, 6);
    const device = await first.devices.create({
      userId: bob.id,
      name: "laptop",
      publicKey: new Uint8Array(65),
      createdAt: 7,
    });
    await first.close();

    const second = openSqliteStore(path);
    try {
      assert.deepEqual(await second.users.findByKey("alice"), { ...alice, fontFamily: "serif", fontSize: 14 });
      assert.deepEqual((await second.friends.friendsOf(alice.id)).map((u) => u.id), [bob.id]);
      assert.deepEqual(await second.rooms.roomsOf(bob.id), [room]);
      assert.deepEqual(await second.friends.openRequestsFor(alice.id), [request]);
      assert.deepEqual(await second.devices.listFor(bob.id), [device]);
      assert.equal(second.version, LATEST_VERSION);
    } finally {
      await second.close();
    }
  });
});

Deno.test("openSqliteStore() lets two stores on one file see each other's commits", async () => {
  await withTempDir(async (dir) => {
    const writer = openSqliteStore(`${dir}/mimi.db`);
    const reader = openSqliteStore(`${dir}/mimi.db`);
    try {
      await writer.users.create({
        username: "A",
        usernameKey: "a",
        nickname: "a",
        registrationRecord: new Uint8Array([1]),
        createdAt: 1,
      });
      assert.equal((await reader.users.findByKey("a"))?.username, "A");
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});

Deno.test("Store.close() waits for an open transaction, whose writes are found after reopening", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/mimi.db`;
    const store = openSqliteStore(path);
    let release!: () => void;
    const held = new Promise<void>((resolve) => release = resolve);
    const transaction = store.transaction(async (tx) => {
      await held;
      await tx.users.create({
        username: "Late",
        usernameKey: "late",
        nickname: "迟到",
        registrationRecord: new Uint8Array([1]),
        createdAt: 1,
      });
    });
    const closed = store.close();
    release();
    await transaction;
    await closed;

    const again = openSqliteStore(path);
    try {
      assert.equal((await again.users.findByKey("late"))?.nickname, "迟到");
    } finally {
      await again.close();
    }
  });
});

Deno.test("Store: a call from work a transaction left running is served once the transaction has ended", async () => {
  const store = openSqliteStore(":memory:");
  try {
    let background: Promise<unknown> | undefined;
    await store.transaction(async (tx) => {
      await tx.users.create({
        username: "A",
        usernameKey: "a",
        nickname: "a",
        registrationRecord: new Uint8Array([1]),
        createdAt: 1,
      });
      // Started inside, run after: by then the transaction is over, so the call is not refused.
      background = new Promise((resolve) => setTimeout(resolve, 0)).then(() => store.users.findByKey("a"));
    });
    assert.equal(((await background) as { username: string } | undefined)?.username, "A");
  } finally {
    await store.close();
  }
});

Deno.test("openDatabase() turns on WAL, foreign keys, synchronous=FULL and a busy timeout", async () => {
  await withTempDir((dir) => {
    const db = openDatabase(`${dir}/mimi.db`);
    try {
      assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
      assert.equal(db.prepare("PRAGMA foreign_keys").get()?.foreign_keys, 1);
      assert.equal(db.prepare("PRAGMA synchronous").get()?.synchronous, 2); // 2 = FULL
      assert.equal(db.prepare("PRAGMA busy_timeout").get()?.timeout, 5000);
    } finally {
      db.close();
    }
  });
});

Deno.test("openDatabase() on :memory: enforces foreign keys and reaches the latest version", () => {
  const db = openDatabase(":memory:");
  try {
    assert.equal(db.prepare("PRAGMA foreign_keys").get()?.foreign_keys, 1);
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, LATEST_VERSION);
  } finally {
    db.close();
  }
});

Deno.test("openSqliteStore() refuses a database with a newer schema version and leaves it untouched", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/future.db`;
    const setup = new DatabaseSync(path);
    setup.exec("PRAGMA user_version = 99");
    setup.close();

    assert.throws(() => openSqliteStore(path), (err: unknown) => {
      assert.ok(err instanceof SchemaTooNewError);
      assert.ok(err instanceof StoreError);
      assert.equal(err.name, "SchemaTooNewError");
      assert.equal(err.found, 99);
      assert.equal(err.supported, LATEST_VERSION);
      assert.equal(
        err.message,
        `Database schema version 99 is newer than this Mimi understands (${LATEST_VERSION}); use a newer Mimi`,
      );
      return true;
    });

    const check = new DatabaseSync(path);
    try {
      assert.equal(check.prepare("PRAGMA user_version").get()?.user_version, 99);
      assert.equal(check.prepare("PRAGMA journal_mode").get()?.journal_mode, "delete");
      assert.deepEqual(schemaOf(check), []);
    } finally {
      check.close();
    }
  });
});

Deno.test("openSqliteStore() on a path in a missing directory throws StoreError", () => {
  assert.throws(() => openSqliteStore("/nonexistent-mimi-dir/sub/mimi.db"), StoreError);
});

Deno.test("migrate() is idempotent", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.equal(migrate(db), LATEST_VERSION);
    const schema = schemaOf(db);
    assert.equal(migrate(db), LATEST_VERSION);
    assert.equal(migrate(db), LATEST_VERSION);
    assert.deepEqual(schemaOf(db), schema);
  } finally {
    db.close();
  }
});

Deno.test("migrate() steps through versions and never downgrades", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.equal(migrate(db, 0), 0);
    assert.equal(migrate(db, 1), 1);
    assert.equal(migrate(db), LATEST_VERSION);
    assert.equal(migrate(db, 1), LATEST_VERSION);
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, LATEST_VERSION);
  } finally {
    db.close();
  }
});

Deno.test("migrate() rejects an unknown target version with RangeError", () => {
  const db = new DatabaseSync(":memory:");
  try {
    assert.throws(() => migrate(db, LATEST_VERSION + 1), RangeError);
    assert.throws(() => migrate(db, -1), RangeError);
    assert.throws(() => migrate(db, 1.5), RangeError);
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, 0);
  } finally {
    db.close();
  }
});

Deno.test("migrate() throws SchemaTooNewError for user_version 99", () => {
  const db = new DatabaseSync(":memory:");
  try {
    db.exec("PRAGMA user_version = 99");
    assert.throws(() => migrate(db), SchemaTooNewError);
  } finally {
    db.close();
  }
});

Deno.test("MIGRATIONS are numbered 1, 2, 3… without gaps and have distinct names", () => {
  assert.deepEqual(MIGRATIONS.map((m) => m.version), MIGRATIONS.map((_, i) => i + 1));
  assert.equal(new Set(MIGRATIONS.map((m) => m.name)).size, MIGRATIONS.length);
  assert.equal(LATEST_VERSION, MIGRATIONS.at(-1)?.version);
});

Deno.test("store.version reports the latest schema version", async () => {
  const store = openSqliteStore(":memory:");
  try {
    assert.equal(store.version, LATEST_VERSION);
  } finally {
    await store.close();
  }
});

Deno.test("a write on the store resolves only once the write-ahead log is synced; a read does not sync", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  let syncs = 0;
  let release: (() => void) | undefined;
  const store = openSqliteStore(`${dir}/mimi.db`, {
    walSync: {
      sync: () => {
        syncs++;
        return new Promise<void>((resolve) => release = resolve);
      },
      close: () => {},
    },
  });
  try {
    let created = false;
    const user = store.users.create({
      username: "Held",
      usernameKey: "held",
      nickname: "held",
      registrationRecord: new Uint8Array([1]),
      createdAt: 1,
    }).then((record) => (created = true, record));
    while (syncs === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(created, false, "not acknowledged while the log is being synced");
    release!();
    const { id } = await user;
    assert.equal((await store.users.findById(id))?.username, "Held");
    assert.equal(syncs, 1, "the read did not sync");
    const tx = store.transaction((t) => t.users.setLastSeen(id, 2));
    while (syncs === 1) await new Promise((resolve) => setTimeout(resolve, 0));
    release!();
    await tx;
    assert.equal(syncs, 2, "a transaction that wrote synced once");
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
