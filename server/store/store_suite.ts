// The behaviour every Store implementation must show (the contract in types.ts); each implementation's test file runs
// this suite.

import assert from "node:assert/strict";
import {
  DeviceKeyTakenError,
  FriendRequestExistsError,
  RecordNotFoundError,
  StoreError,
  UsernameTakenError,
} from "./errors.ts";
import type { FriendRequestRecord, NewDevice, NewUser, Store, Transaction, UserRecord } from "./types.ts";
import { blobStoreCases } from "./store_suite_blobs.ts";
import { roomStoreCases } from "./store_suite_rooms.ts";

const T0 = 1_700_000_000_000;

/** Tests an implementation leaves out, and why (e.g. a feature its backing database lacks). */
export interface StoreSuiteSkip {
  reason: string;
  /** Titles of the tests, as written in this file (without the suite's name prefix). */
  tests: string[];
}

/** What {@linkcode runStoreSuite} needs. */
export interface StoreSuiteOptions {
  /** Prefix of every test name, naming the implementation (e.g. "sqlite :memory:"). */
  name: string;
  /** Makes a fresh, empty store; every test opens its own and closes it afterwards. */
  open: () => Promise<Store>;
  /** Tests to register as ignored; naming a test that does not exist is an error, so a rename cannot hide one. */
  skip?: StoreSuiteSkip[];
}

/** A NewUser whose display name, key and nickname derive from `key`. */
function newUser(key: string, overrides: Partial<NewUser> = {}): NewUser {
  return {
    username: key.toUpperCase(),
    usernameKey: key,
    nickname: `${key} nick`,
    registrationRecord: new TextEncoder().encode(`record of ${key}`),
    createdAt: T0,
    ...overrides,
  };
}

/** Creates users with the given keys, in order, and returns their ids. */
async function createUsers(store: Store, ...keys: string[]): Promise<number[]> {
  const created: number[] = [];
  for (const key of keys) created.push((await store.users.create(newUser(key))).id);
  return created;
}

function ids(records: readonly { id: number }[]): number[] {
  return records.map((record) => record.id);
}

/** A 65-byte public key that differs per `n` (the store treats it as opaque bytes). */
function key(n: number): Uint8Array {
  return Uint8Array.from({ length: 65 }, (_, i) => i === 0 ? 4 : (n * 17 + i) % 256);
}

function newDevice(userId: number, n: number, overrides: Partial<NewDevice> = {}): NewDevice {
  return { userId, name: `device ${n}`, publicKey: key(n), createdAt: T0 + n, ...overrides };
}

/** A promise with its resolver, to hold a transaction open until the test lets go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

/** Lets every pending promise reaction and timer run once, so a call that is not waiting would have finished. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Registers `Deno.test`s for every repository method and for transactions against stores made by `open`.
 *
 * @param options `name` (test name prefix), `open` (a fresh empty store per test) and `skip` (tests left out, with
 *   the reason).
 * @throws {Error} `skip` names a test this suite does not have.
 *
 * @example In an implementation's `*_test.ts` (top level: Deno.test cannot nest, so this is not run as a doc test)
 * ```ts ignore
 * import { runStoreSuite } from "./store_suite.ts";
 * import { openSqliteStore } from "./sqlite.ts";
 * runStoreSuite({ name: "sqlite :memory:", open: () => Promise.resolve(openSqliteStore(":memory:")) });
 * ```
 */
export function runStoreSuite(options: StoreSuiteOptions): void {
  const { name, open } = options;
  const skipped = new Map<string, string>();
  for (const { reason, tests } of options.skip ?? []) for (const title of tests) skipped.set(title, reason);
  const titles = new Set<string>();

  function test(title: string, fn: (store: Store) => Promise<void>): void {
    titles.add(title);
    const reason = skipped.get(title);
    Deno.test({
      name: reason === undefined ? `${name}: ${title}` : `${name}: ${title} (skipped: ${reason})`,
      ignore: reason !== undefined,
      async fn() {
        const store = await open();
        try {
          await fn(store);
        } finally {
          await store.close();
        }
      },
    });
  }

  // users

  test("users.create() returns the stored user with a fresh id, its key and an empty profile", async (store) => {
    const input = newUser("alice");
    const alice = await store.users.create(input);
    assert.ok(Number.isInteger(alice.id) && alice.id > 0);
    assert.deepEqual({ ...alice }, {
      id: alice.id,
      username: "ALICE",
      usernameKey: "alice",
      nickname: "alice nick",
      registrationRecord: input.registrationRecord,
      createdAt: T0,
      lastSeenAt: null,
      fontFamily: null,
      fontSize: null,
    });
    assert.notEqual((await store.users.create(newUser("bob"))).id, alice.id);
  });

  test("users.findByKey() and findById() return the usernameKey as given at creation", async (store) => {
    const created = await store.users.create(newUser("straße", { username: "STRASSE" }));
    assert.equal((await store.users.findByKey("straße"))?.usernameKey, "straße");
    assert.equal((await store.users.findById(created.id))?.usernameKey, "straße");
    assert.equal((await store.users.findById(created.id))?.username, "STRASSE");
  });

  test("users.create() rejects a duplicate usernameKey with UsernameTakenError", async (store) => {
    const first = await store.users.create(newUser("alice"));
    await assert.rejects(store.users.create(newUser("alice", { username: "Alice", nickname: "impostor" })), (err) => {
      assert.ok(err instanceof UsernameTakenError);
      assert.ok(err instanceof StoreError);
      assert.equal(err.name, "UsernameTakenError");
      assert.equal(err.usernameKey, "alice");
      return true;
    });
    assert.deepEqual(await store.users.findByKey("alice"), first);
  });

  test("users.create() lets only one of two racing creations of a key succeed", async (store) => {
    const results = await Promise.allSettled([
      store.users.create(newUser("alice", { nickname: "first" })),
      store.users.create(newUser("alice", { nickname: "second" })),
    ]);
    assert.deepEqual(results.map((r) => r.status).toSorted(), ["fulfilled", "rejected"]);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(lost.reason instanceof UsernameTakenError);
  });

  test("users.create() allows the same display username under different keys", async (store) => {
    await store.users.create(newUser("alice", { username: "Alice" }));
    const other = await store.users.create(newUser("alice2", { username: "Alice" }));
    assert.equal(other.username, "Alice");
  });

  test("users.create() round-trips a Chinese nickname and username", async (store) => {
    const created = await store.users.create(newUser("xiaoming", { username: "小明", nickname: "小明 🐉 你好，世界" }));
    const found = await store.users.findById(created.id);
    assert.equal(found?.username, "小明");
    assert.equal(found?.nickname, "小明 🐉 你好，世界");
  });

  test("users.create() stores registration record bytes exactly, including zeros and a view's offset", async (store) => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) % 256);
    const backing = new Uint8Array(300).fill(0xee);
    backing.set(all, 20);
    const view = backing.subarray(20, 276);
    const created = await store.users.create(newUser("alice", { registrationRecord: view }));
    const found = await store.users.findByKey("alice");
    assert.ok(found?.registrationRecord instanceof Uint8Array);
    assert.deepEqual(found.registrationRecord, all);
    assert.deepEqual(created.registrationRecord, all);
  });

  test("users.findByKey() matches the key exactly and returns undefined for an unknown key", async (store) => {
    const alice = await store.users.create(newUser("alice"));
    assert.equal((await store.users.findByKey("alice"))?.id, alice.id);
    assert.equal(await store.users.findByKey("ALICE"), undefined);
    assert.equal(await store.users.findByKey("nobody"), undefined);
  });

  test("users.findById() returns the user, or undefined for an unknown id", async (store) => {
    const alice = await store.users.create(newUser("alice"));
    assert.deepEqual(await store.users.findById(alice.id), alice);
    assert.equal(await store.users.findById(alice.id + 1000), undefined);
  });

  test("users.setNickname() replaces the nickname", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await store.users.setNickname(alice, "爱丽丝");
    assert.equal((await store.users.findById(alice))?.nickname, "爱丽丝");
  });

  test("users.setRegistrationRecord() replaces the record bytes", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await store.users.setRegistrationRecord(alice, new Uint8Array([0, 0, 255, 1]));
    assert.deepEqual((await store.users.findById(alice))?.registrationRecord, new Uint8Array([0, 0, 255, 1]));
  });

  test("users.setFont() sets and clears the font preference", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await store.users.setFont(alice, "Noto Sans SC", 16);
    const set = await store.users.findById(alice);
    assert.deepEqual([set?.fontFamily, set?.fontSize], ["Noto Sans SC", 16]);
    await store.users.setFont(alice, null, null);
    const cleared = await store.users.findById(alice);
    assert.deepEqual([cleared?.fontFamily, cleared?.fontSize], [null, null]);
  });

  test("users.setFont() rejects a fractional or non-positive size with StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.users.setFont(alice, "serif", 12.5), StoreError);
    await assert.rejects(store.users.setFont(alice, "serif", 0), StoreError);
    assert.equal((await store.users.findById(alice))?.fontSize, null);
  });

  test("users.setLastSeen() records the time", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await store.users.setLastSeen(alice, T0 + 5);
    assert.equal((await store.users.findById(alice))?.lastSeenAt, T0 + 5);
  });

  test("users update methods throw RecordNotFoundError for an unknown id", async (store) => {
    const missing = 4242;
    const isNotFound = (err: unknown) =>
      err instanceof RecordNotFoundError && err.table === "users" && err.id === missing;
    await assert.rejects(store.users.setNickname(missing, "x"), isNotFound);
    await assert.rejects(store.users.setRegistrationRecord(missing, new Uint8Array([1])), isNotFound);
    await assert.rejects(store.users.setFont(missing, null, null), isNotFound);
    await assert.rejects(store.users.setLastSeen(missing, T0), isNotFound);
  });

  // friendships

  test("friends.addFriendship() is symmetric and idempotent", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    await store.friends.addFriendship(bob, alice, T0);
    await store.friends.addFriendship(alice, bob, T0 + 1);
    await store.friends.addFriendship(bob, alice, T0 + 2);
    assert.deepEqual(ids(await store.friends.friendsOf(alice)), [bob]);
    assert.deepEqual(ids(await store.friends.friendsOf(bob)), [alice]);
  });

  test("friends.friendsOf() returns full user records ordered by id, from both sides", async (store) => {
    const [alice, bob, carol, dave] = await createUsers(store, "alice", "bob", "carol", "dave");
    await store.friends.addFriendship(dave, bob, T0);
    await store.friends.addFriendship(alice, bob, T0);
    await store.friends.addFriendship(carol, bob, T0);
    const friends: UserRecord[] = await store.friends.friendsOf(bob);
    assert.deepEqual(ids(friends), [alice, carol, dave]);
    assert.deepEqual(friends[0], await store.users.findById(alice));
    assert.deepEqual(await store.friends.friendsOf(alice + 1000), []);
  });

  test("friends.friendIdsOf() lists the ids of friendsOf() in ascending order", async (store) => {
    const [alice, bob, carol, dave] = await createUsers(store, "alice", "bob", "carol", "dave");
    await store.friends.addFriendship(dave, bob, T0);
    await store.friends.addFriendship(alice, bob, T0);
    await store.friends.addFriendship(bob, carol, T0);
    await store.friends.addFriendship(alice, dave, T0);
    assert.deepEqual(await store.friends.friendIdsOf(bob), [alice, carol, dave]);
    assert.deepEqual(await store.friends.friendIdsOf(alice), [bob, dave]);
    assert.deepEqual(await store.friends.friendIdsOf(dave + 1000), []);
  });

  test("friends.addFriendship() with oneself throws StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.friends.addFriendship(alice, alice, T0), StoreError);
    assert.deepEqual(await store.friends.friendsOf(alice), []);
  });

  test("friends.addFriendship() with a missing user throws StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.friends.addFriendship(alice, alice + 1000, T0), StoreError);
  });

  // friend requests

  test("friends.createFriendRequest() returns a pending request", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const request = await store.friends.createFriendRequest(alice, bob, T0);
    assert.deepEqual({ ...request }, {
      id: request.id,
      fromUser: alice,
      toUser: bob,
      status: "pending",
      createdAt: T0,
      updatedAt: T0,
    });
  });

  test("friends.createFriendRequest() for an existing pair throws FriendRequestExistsError naming it", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const first = await store.friends.createFriendRequest(alice, bob, T0);
    await store.friends.setFriendRequestStatus(first.id, "rejected", T0 + 1);
    await assert.rejects(store.friends.createFriendRequest(alice, bob, T0 + 2), (err) => {
      assert.ok(err instanceof FriendRequestExistsError);
      assert.ok(err instanceof StoreError);
      assert.deepEqual([err.fromUser, err.toUser, err.requestId], [alice, bob, first.id]);
      return true;
    });
    // The opposite direction is a different pair.
    assert.equal((await store.friends.createFriendRequest(bob, alice, T0 + 3)).fromUser, bob);
  });

  test("friends.createFriendRequest() to oneself or a missing user throws StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.friends.createFriendRequest(alice, alice, T0), StoreError);
    await assert.rejects(store.friends.createFriendRequest(alice, alice + 1000, T0), StoreError);
  });

  test("friends.openRequestsFor() includes pending and deferred, excludes accepted and rejected, oldest first", async (store) => {
    const [alice, bob, carol, dave, erin] = await createUsers(store, "alice", "bob", "carol", "dave", "erin");
    const fromErin = await store.friends.createFriendRequest(erin, alice, T0 + 40);
    const fromBob = await store.friends.createFriendRequest(bob, alice, T0 + 10);
    const fromCarol = await store.friends.createFriendRequest(carol, alice, T0 + 20);
    const fromDave = await store.friends.createFriendRequest(dave, alice, T0 + 30);
    await store.friends.createFriendRequest(alice, bob, T0); // sent by alice: not for her
    await store.friends.setFriendRequestStatus(fromBob.id, "deferred", T0 + 50);
    await store.friends.setFriendRequestStatus(fromCarol.id, "accepted", T0 + 50);
    await store.friends.setFriendRequestStatus(fromDave.id, "rejected", T0 + 50);
    const open: FriendRequestRecord[] = await store.friends.openRequestsFor(alice);
    assert.deepEqual(ids(open), [fromBob.id, fromErin.id]);
    assert.deepEqual([open[0].status, open[1].status], ["deferred", "pending"]);
    assert.deepEqual(await store.friends.openRequestsFor(carol), []);
  });

  test("friends.setFriendRequestStatus() updates status and updatedAt only", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const request = await store.friends.createFriendRequest(alice, bob, T0);
    await store.friends.setFriendRequestStatus(request.id, "deferred", T0 + 9);
    assert.deepEqual(await store.friends.openRequestsFor(bob), [{ ...request, status: "deferred", updatedAt: T0 + 9 }]);
  });

  test("friends.setFriendRequestStatus() throws RecordNotFoundError for an unknown id and StoreError for an unknown status", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const request = await store.friends.createFriendRequest(alice, bob, T0);
    await assert.rejects(
      store.friends.setFriendRequestStatus(request.id + 1000, "accepted", T0),
      (err) => err instanceof RecordNotFoundError && err.table === "friend_requests",
    );
    await assert.rejects(store.friends.setFriendRequestStatus(request.id, "maybe" as "pending", T0), StoreError);
    assert.equal((await store.friends.openRequestsFor(bob))[0].status, "pending");
  });

  // rooms: store_suite_rooms.ts

  // invites

  /** A 32-byte hash that differs per `n`, standing in for SHA-256 of a code. */
  const hash = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i) % 256);
  const DAY = 24 * 3600_000;

  test("invites.create() returns an unused invite that findUsable() finds until it expires", async (store) => {
    const created = await store.invites.create(hash(1), T0, T0 + DAY);
    assert.deepEqual({ ...created }, {
      codeHash: hash(1),
      createdAt: T0,
      expiresAt: T0 + DAY,
      usedAt: null,
      usedBy: null,
    });
    assert.deepEqual(await store.invites.findUsable(hash(1), T0 + DAY - 1), created);
    assert.equal(await store.invites.findUsable(hash(1), T0 + DAY), undefined, "expired at expiresAt");
    assert.equal(await store.invites.findUsable(hash(2), T0), undefined, "unknown");
  });

  test("invites.create() rejects a duplicate hash, a hash that is not 32 bytes and a past expiry", async (store) => {
    await store.invites.create(hash(1), T0, T0 + DAY);
    await assert.rejects(store.invites.create(hash(1), T0, T0 + DAY), StoreError);
    await assert.rejects(store.invites.create(new Uint8Array(31), T0, T0 + DAY), StoreError);
    await assert.rejects(store.invites.create(hash(2), T0, T0), StoreError);
  });

  test("invites.consume() spends a code once and records who used it", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    await store.invites.create(hash(1), T0, T0 + DAY);
    assert.equal(await store.invites.consume(hash(1), alice, T0 + 5), true);
    assert.equal(await store.invites.consume(hash(1), bob, T0 + 6), false, "a used code is spent");
    assert.equal(await store.invites.findUsable(hash(1), T0 + 7), undefined);
    assert.equal(await store.invites.consume(hash(2), bob, T0 + 6), false, "an unknown code");
  });

  test("invites.consume() refuses an expired code", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await store.invites.create(hash(1), T0, T0 + DAY);
    assert.equal(await store.invites.consume(hash(1), alice, T0 + DAY), false);
    assert.equal(await store.invites.consume(hash(1), alice, T0 + DAY - 1), true);
  });

  test("invites.consume() that fails inside the user's transaction rolls the user back", async (store) => {
    await store.invites.create(hash(1), T0, T0 + DAY);
    const register = (key: string) =>
      store.transaction(async (tx) => {
        const user = await tx.users.create(newUser(key));
        if (!await tx.invites.consume(hash(1), user.id, T0 + 1)) throw new Error("invite spent");
        return user;
      });
    const alice = await register("alice");
    await assert.rejects(register("bob"), /invite spent/);
    assert.equal(await store.users.findByKey("bob"), undefined, "no account without a code");
    assert.equal((await store.users.findByKey("alice"))?.id, alice.id);
  });

  test("invites.consume() lets only one of two racing registrations spend a code", async (store) => {
    await store.invites.create(hash(1), T0, T0 + DAY);
    const register = (key: string) =>
      store.transaction(async (tx) => {
        const user = await tx.users.create(newUser(key));
        if (!await tx.invites.consume(hash(1), user.id, T0 + 1)) throw new Error("invite spent");
        return user;
      });
    const results = await Promise.allSettled([register("alice"), register("bob")]);
    assert.deepEqual(results.map((r) => r.status).toSorted(), ["fulfilled", "rejected"]);
    const accounts = [await store.users.findByKey("alice"), await store.users.findByKey("bob")];
    assert.equal(accounts.filter((user) => user !== undefined).length, 1);
  });

  // devices

  test("devices.create() returns the stored device with a fresh id and lastUsedAt = createdAt", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const device = await store.devices.create({
      userId: alice,
      name: "小明的 Firefox",
      publicKey: key(1),
      createdAt: T0,
    });
    assert.ok(Number.isInteger(device.id) && device.id > 0);
    assert.deepEqual({ ...device }, {
      id: device.id,
      userId: alice,
      name: "小明的 Firefox",
      publicKey: key(1),
      createdAt: T0,
      lastUsedAt: T0,
    });
    assert.deepEqual(await store.devices.findById(device.id), device);
    assert.equal(await store.devices.findById(device.id + 1000), undefined);
  });

  test("devices.create() with a key another device has throws DeviceKeyTakenError naming that device", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const first = await store.devices.create(newDevice(alice, 1));
    for (const userId of [alice, bob]) {
      await assert.rejects(store.devices.create(newDevice(userId, 1, { name: "copy" })), (err) => {
        assert.ok(err instanceof DeviceKeyTakenError);
        assert.ok(err instanceof StoreError);
        assert.equal(err.name, "DeviceKeyTakenError");
        assert.equal(err.deviceId, first.id);
        return true;
      });
    }
    assert.deepEqual(await store.devices.listFor(bob), []);
  });

  test("devices.create() for a missing user, with an empty name or an empty key throws StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.devices.create(newDevice(alice + 1000, 1)), StoreError);
    await assert.rejects(store.devices.create(newDevice(alice, 2, { name: "" })), StoreError);
    await assert.rejects(store.devices.create(newDevice(alice, 3, { publicKey: new Uint8Array(0) })), StoreError);
    assert.deepEqual(await store.devices.listFor(alice), []);
  });

  test("devices.listFor() lists only the user's devices, oldest first", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const a1 = await store.devices.create(newDevice(alice, 1));
    const b1 = await store.devices.create(newDevice(bob, 2));
    const a2 = await store.devices.create(newDevice(alice, 3));
    assert.deepEqual(await store.devices.listFor(alice), [a1, a2]);
    assert.deepEqual(await store.devices.listFor(bob), [b1]);
    assert.deepEqual(await store.devices.listFor(alice + bob + 1000), []);
  });

  test("devices.touch() sets lastUsedAt only, and throws RecordNotFoundError for an unknown id", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const device = await store.devices.create(newDevice(alice, 1));
    await store.devices.touch(device.id, T0 + 500);
    assert.deepEqual(await store.devices.findById(device.id), { ...device, lastUsedAt: T0 + 500 });
    await assert.rejects(
      store.devices.touch(device.id + 1000, T0),
      (err) => err instanceof RecordNotFoundError && err.table === "devices" && err.id === device.id + 1000,
    );
  });

  test("devices.delete() removes the user's own device and leaves another user's alone", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const mine = await store.devices.create(newDevice(alice, 1));
    const theirs = await store.devices.create(newDevice(bob, 2));
    assert.equal(await store.devices.delete(theirs.id, alice), false, "bob's device, asked by alice");
    assert.deepEqual(await store.devices.findById(theirs.id), theirs);
    assert.equal(await store.devices.delete(mine.id, alice), true);
    assert.equal(await store.devices.findById(mine.id), undefined);
    assert.equal(await store.devices.delete(mine.id, alice), false, "already gone");
    assert.equal(await store.devices.delete(theirs.id + mine.id + 1000, alice), false, "unknown id");
    await assert.rejects(store.devices.touch(mine.id, T0), RecordNotFoundError);
  });

  test("devices.create() never reuses the id of a deleted device, and a deleted device's key may return", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const first = await store.devices.create(newDevice(alice, 1));
    const second = await store.devices.create(newDevice(alice, 2));
    assert.equal(await store.devices.delete(second.id, alice), true);
    const third = await store.devices.create(newDevice(alice, 2));
    assert.ok(![first.id, second.id].includes(third.id), `id ${third.id} was issued before`);
    assert.deepEqual(ids(await store.devices.listFor(alice)), [first.id, third.id]);
  });

  // transactions

  test("transaction() commits and returns fn's result", async (store) => {
    const id = await store.transaction(async (tx) => {
      const alice = await tx.users.create(newUser("alice"));
      await tx.users.setNickname(alice.id, "in a transaction");
      return alice.id;
    });
    assert.equal((await store.users.findById(id))?.nickname, "in a transaction");
  });

  test("transaction() that throws rolls back every repository's writes and rethrows the same error", async (store) => {
    const [bob] = await createUsers(store, "bob");
    const boom = new Error("boom");
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.users.create(newUser("alice"));
        await tx.users.setNickname(bob, "changed");
        await tx.devices.create(newDevice(bob, 1));
        await tx.invites.create(hash(1), T0, T0 + DAY);
        const room = await tx.rooms.createRoom("one", "group", bob, T0);
        await tx.rooms.addMember(room.id, bob, "owner", T0);
        throw boom;
      }),
      (err) => err === boom,
    );
    assert.equal(await store.users.findByKey("alice"), undefined);
    assert.equal((await store.users.findById(bob))?.nickname, "bob nick");
    assert.deepEqual(await store.devices.listFor(bob), []);
    assert.equal(await store.invites.findUsable(hash(1), T0), undefined);
    assert.deepEqual(await store.rooms.roomsOf(bob), []);
  });

  test("transaction() rolls back when a store call inside it fails", async (store) => {
    await assert.rejects(
      store.transaction(async (tx) => {
        const alice = await tx.users.create(newUser("alice"));
        await tx.rooms.addMember(999, alice.id, "member", T0);
      }),
      StoreError,
    );
    assert.equal(await store.users.findByKey("alice"), undefined);
  });

  test("transaction() nested inside another rolls back only its own writes when it throws", async (store) => {
    await store.transaction(async (tx) => {
      await tx.users.create(newUser("alice"));
      const inner = new Error("inner");
      await assert.rejects(
        tx.transaction(async (nested) => {
          await nested.users.create(newUser("bob"));
          throw inner;
        }),
        (err) => err === inner,
      );
      await tx.users.create(newUser("carol"));
    });
    assert.ok(await store.users.findByKey("alice"));
    assert.equal(await store.users.findByKey("bob"), undefined);
    assert.ok(await store.users.findByKey("carol"));
  });

  test("transaction() nested twice keeps the inner writes when every level commits", async (store) => {
    const result = await store.transaction((tx) =>
      tx.transaction((middle) =>
        middle.transaction(async (inner) => {
          await inner.users.create(newUser("alice"));
          return "deep";
        })
      )
    );
    assert.equal(result, "deep");
    assert.ok(await store.users.findByKey("alice"));
  });

  test("transaction(): a nested one's writes are undone when the enclosing one rolls back", async (store) => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.transaction(async (nested) => {
          await nested.users.create(newUser("bob"));
        });
        throw new Error("outer");
      }),
      /outer/,
    );
    assert.equal(await store.users.findByKey("bob"), undefined);
  });

  test("transaction(): the enclosing tx throws StoreError while a nested transaction is open", async (store) => {
    await store.transaction(async (tx) => {
      await tx.transaction(async (nested) => {
        await assert.rejects(tx.users.findByKey("alice"), StoreError);
        await assert.rejects(tx.transaction(() => Promise.resolve()), StoreError);
        await nested.users.create(newUser("alice"));
      });
      assert.ok(await tx.users.findByKey("alice"), "usable again once the nested one ends");
    });
  });

  test("transaction(): a tx used after its transaction ended throws StoreError", async (store) => {
    let kept: Transaction | undefined;
    await store.transaction(async (tx) => {
      kept = tx;
      await tx.users.create(newUser("alice"));
    });
    await assert.rejects(kept!.users.create(newUser("bob")), StoreError);
    assert.equal(await store.users.findByKey("bob"), undefined);
  });

  test("transaction(): a call on the store made while one is open does not see its uncommitted writes", async (store) => {
    const written = gate(), release = gate();
    const transaction = store.transaction(async (tx) => {
      await tx.users.create(newUser("alice"));
      written.open();
      await release.promise;
      throw new Error("rolled back");
    });
    await written.promise;
    const read = store.users.findByKey("alice");
    let readDone = false;
    void read.then(() => readDone = true);
    await settle();
    assert.equal(readDone, false, "the read waits for the open transaction");
    release.open();
    await assert.rejects(transaction, /rolled back/);
    assert.equal(await read, undefined, "the read never saw alice, who was rolled back");
  });

  test("transaction(): a write on the store made while one is open survives that transaction's rollback", async (store) => {
    const written = gate(), release = gate();
    const transaction = store.transaction(async (tx) => {
      await tx.users.create(newUser("alice"));
      written.open();
      await release.promise;
      throw new Error("rolled back");
    });
    await written.promise;
    const write = store.users.create(newUser("bob"));
    release.open();
    await assert.rejects(transaction, /rolled back/);
    const bob = await write;
    assert.deepEqual(await store.users.findByKey("bob"), bob);
    assert.equal(await store.users.findByKey("alice"), undefined);
  });

  test("transaction(): transactions run one at a time, the next after the previous has ended", async (store) => {
    const events: string[] = [];
    const release = gate();
    const first = store.transaction(async (tx) => {
      events.push("first begins");
      await tx.users.create(newUser("alice"));
      await release.promise;
      events.push("first ends");
    });
    const second = store.transaction(async (tx) => {
      events.push("second begins");
      return await tx.users.findByKey("alice");
    });
    await settle();
    assert.deepEqual(events, ["first begins"]);
    release.open();
    await first;
    const seen = await second;
    assert.deepEqual(events, ["first begins", "first ends", "second begins"]);
    assert.equal(seen?.usernameKey, "alice", "the second sees what the first committed");
  });

  test("transaction(): calling the store itself inside its own transaction throws TypeError", async (store) => {
    await store.transaction(async (tx) => {
      await assert.rejects(store.users.findByKey("alice"), TypeError);
      await assert.rejects(store.transaction(() => Promise.resolve()), TypeError);
      await assert.rejects(store.close(), TypeError);
      await tx.users.create(newUser("alice"));
    });
    assert.ok(await store.users.findByKey("alice"), "the transaction went on and committed");
  });

  // lifecycle

  test("close() waits for an open transaction, which commits", async (store) => {
    const events: string[] = [];
    const release = gate();
    const transaction = store.transaction(async (tx) => {
      await release.promise;
      await tx.users.create(newUser("alice"));
      events.push("fn finished");
      return "done";
    }).finally(() => events.push("transaction settled"));
    const closed = store.close().then(() => events.push("closed"));
    await settle();
    assert.deepEqual(events, []);
    release.open();
    assert.equal(await transaction, "done");
    await closed;
    assert.deepEqual(events, ["fn finished", "transaction settled", "closed"]);
  });

  test("close() makes later calls throw StoreError and is safe to repeat", async (store) => {
    await store.close();
    await store.close();
    await assert.rejects(store.users.findByKey("alice"), StoreError);
    await assert.rejects(store.devices.listFor(1), StoreError);
    await assert.rejects(store.transaction(() => Promise.resolve(1)), StoreError);
  });

  blobStoreCases(test);
  roomStoreCases(test);

  const unknown = [...skipped.keys()].filter((title) => !titles.has(title));
  if (unknown.length > 0) throw new Error(`Cannot skip store suite tests that do not exist: ${unknown.join(", ")}`);
}
