// Tests of the SQLite conversations repository's group commit: appends made together share one transaction, each is
// acknowledged only once that transaction is on disk, and one that fails does not fail the others. (What every store
// must do is in store_suite.ts.)

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { RecordNotFoundError } from "./errors.ts";
import { openSqliteStore } from "./sqlite.ts";
import type { Store } from "./types.ts";

async function withFileStore(fn: (store: Store, path: string, batches: number[]) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  const path = `${dir}/mimi.db`;
  const batches: number[] = [];
  const store = openSqliteStore(path, { onGroupCommit: (size) => batches.push(size) });
  try {
    await fn(store, path, batches);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Two users and their conversation. */
async function pair(store: Store): Promise<{ id: number; alice: number; bob: number }> {
  const user = (key: string) =>
    store.users.create({
      username: key,
      usernameKey: key,
      nickname: key,
      registrationRecord: new Uint8Array([1]),
      createdAt: 1,
    });
  const alice = (await user("alice")).id;
  const bob = (await user("bob")).id;
  return { id: (await store.conversations.directFor(alice, bob, 1)).id, alice, bob };
}

/** How many messages another connection to the file sees: only what is committed. */
function committedMessages(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number(db.prepare("SELECT count(*) AS n FROM messages").get()?.n);
  } finally {
    db.close();
  }
}

Deno.test("sqlite: 50 appends made in one tick are committed in one transaction, in call order", async () => {
  await withFileStore(async (store, _path, batches) => {
    const { id, alice } = await pair(store);
    const results = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          store.conversations.append(id, { senderId: alice, clientId: `c${i}`, at: 10 + i, body: new Uint8Array([i]) }),
      ),
    );
    assert.deepEqual(batches, [50]);
    assert.deepEqual(results.map((r) => r.message.seq), Array.from({ length: 50 }, (_, i) => i + 1));
  });
});

Deno.test("sqlite: an append resolves only once its transaction is committed, visible to another connection", async () => {
  await withFileStore(async (store, path) => {
    const { id, alice } = await pair(store);
    const seen: number[] = [];
    await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          store.conversations.append(id, { senderId: alice, clientId: `c${i}`, at: 10, body: new Uint8Array([i]) })
            .then(() => seen.push(committedMessages(path))),
      ),
    );
    assert.deepEqual(seen, Array(20).fill(20), "each acknowledgement came after the whole batch was on disk");
  });
});

Deno.test("sqlite: an append that fails in a batch fails alone; the batch commits the others", async () => {
  await withFileStore(async (store, path, batches) => {
    const { id, alice, bob } = await pair(store);
    const appends = Array.from({ length: 10 }, (_, i) =>
      store.conversations.append(i === 4 ? id + 100 : id, {
        senderId: i % 2 ? bob : alice,
        clientId: `c${i}`,
        at: 10,
        body: new Uint8Array([i]),
      }));
    const results = await Promise.allSettled(appends);
    assert.deepEqual(batches, [10]);
    assert.ok(results[4].status === "rejected" && results[4].reason instanceof RecordNotFoundError);
    const stored = results.flatMap((r) => r.status === "fulfilled" ? [r.value.message.seq] : []);
    assert.deepEqual(stored, [1, 2, 3, 4, 5, 6, 7, 8, 9], "no gap where the failed one was");
    assert.equal(committedMessages(path), 9);
  });
});

Deno.test("sqlite: a batch's message whose own write fails is undone alone, with no gap in the numbers; a resend in the same batch is found", async () => {
  await withFileStore(async (store, path, batches) => {
    const { id, alice, bob } = await pair(store);
    const send = (senderId: number, clientId: string, extra: { blobs?: Uint8Array[] } = {}) =>
      store.conversations.append(id, { senderId, clientId, at: 10, body: new Uint8Array([1]), ...extra });
    const results = await Promise.allSettled([
      send(alice, "a"),
      send(alice + bob + 100, "nobody"), // no such user: the insert's foreign key fails
      send(bob, "b", { blobs: [new Uint8Array(32)] }),
      send(alice, "c", { blobs: [new Uint8Array(32).fill(1), new Uint8Array(31)] }), // the second blob fails its check
      send(alice, "a"), // the first one's resend
      send(bob, "d"),
    ]);
    assert.deepEqual(batches, [6]);
    assert.deepEqual(results.map((r) => r.status), [
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    const values = results.flatMap((r) => r.status === "fulfilled" ? [[r.value.message.seq, r.value.duplicate]] : []);
    assert.deepEqual(values, [[1, false], [2, false], [1, true], [3, false]]);
    const page = await store.conversations.page(id, { after: 0, limit: 10 });
    assert.deepEqual(page.messages.map((m) => [m.seq, m.clientId]), [[1, "a"], [2, "b"], [3, "d"]]);
    assert.equal((await store.conversations.findById(id))?.lastSeq, 3);
    assert.equal(committedMessages(path), 3);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const blobs = db.prepare("SELECT seq, length(sha256) AS n FROM message_blobs").all();
      assert.deepEqual(
        blobs.map((row) => [row.seq, row.n]),
        [[2, 32]],
        "the failed message's first blob is undone too",
      );
    } finally {
      db.close();
    }
  });
});

Deno.test("sqlite: appends made while a transaction holds the store wait and then go as one batch", async () => {
  await withFileStore(async (store, _path, batches) => {
    const { id, alice } = await pair(store);
    let release!: () => void;
    const held = store.transaction(() => new Promise<void>((resolve) => release = resolve));
    const append = (n: number) =>
      store.conversations.append(id, { senderId: alice, clientId: `c${n}`, at: 10, body: new Uint8Array([n]) });
    const appends = [1, 2, 3].map(append);
    // One turn of timers: the batch's own turn, which comes first; it waits for the lock before taking its items.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(batches, [], "no batch is taken while the transaction holds the lock");
    appends.push(...[4, 5].map(append));
    release();
    await held;
    assert.deepEqual((await Promise.all(appends)).map((r) => r.message.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(batches, [5], "the appends made while the batch waited for the lock joined it");
  });
});

Deno.test("sqlite: an append resolves only once the write-ahead log is synced, and no store call runs before", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  const path = `${dir}/mimi.db`;
  let release!: () => void;
  let syncs = 0;
  let hold = false;
  const store = openSqliteStore(path, {
    walSync: {
      sync: () => {
        syncs++;
        return hold ? new Promise<void>((resolve) => release = resolve) : Promise.resolve();
      },
      close: () => {},
    },
  });
  try {
    const { id, alice } = await pair(store);
    hold = true;
    const syncedBefore = syncs;
    let acknowledged = false;
    const append = store.conversations
      .append(id, { senderId: alice, clientId: "c1", at: 2, body: new Uint8Array([1]), asMember: false })
      .then((result) => (acknowledged = true, result));
    while (syncs === syncedBefore) await new Promise((resolve) => setTimeout(resolve, 0));
    let read = false;
    const page = store.conversations.page(id, { limit: 10 }).then((result) => (read = true, result));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(acknowledged, false, "not acknowledged while the log is being synced");
    assert.equal(read, false, "no one reads the row before it is durable");
    release();
    assert.equal((await append).message.seq, 1);
    assert.equal((await page).messages.length, 1);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite: a failed sync of the write-ahead log rejects every append of its batch", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mimi_store_" });
  let fail = false;
  const store = openSqliteStore(`${dir}/mimi.db`, {
    walSync: {
      sync: () => fail ? Promise.reject(new RangeError("disk gone")) : Promise.resolve(),
      close: () => {},
    },
  });
  try {
    const { id, alice } = await pair(store);
    fail = true;
    const results = await Promise.allSettled(
      ["a", "b"].map((clientId) =>
        store.conversations.append(id, { senderId: alice, clientId, at: 2, body: new Uint8Array([1]), asMember: false })
      ),
    );
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
    fail = false;
    // The rows were committed: a resend finds its row instead of storing it twice.
    const again = await store.conversations.append(id, {
      senderId: alice,
      clientId: "a",
      at: 3,
      body: new Uint8Array([1]),
      asMember: false,
    });
    assert.equal(again.duplicate, true);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
