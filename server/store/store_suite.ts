// The behaviour every Store implementation must show (the contract in types.ts); each implementation's test file runs
// this suite.

import assert from "node:assert/strict";
import {
  DeviceKeyTakenError,
  FriendRequestExistsError,
  NotMemberError,
  RecordNotFoundError,
  StoreError,
  UsernameTakenError,
} from "./errors.ts";
import type { FriendRequestRecord, NewDevice, NewMessage, NewUser, Store, Transaction, UserRecord } from "./types.ts";
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

/** Codec bytes standing in for a message body: the store never reads them. */
function body(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A message from `senderId` whose body is its client id. */
function message(senderId: number, clientId: string, at: number): NewMessage {
  return { senderId, clientId, at, body: body(clientId) };
}

/** The whole numbers from `from` to `to`, both included. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Alice and Bob's direct conversation, both members, with `count` messages alternating from Alice; Carol apart. */
async function chat(store: Store, count: number) {
  const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
  const { id } = await store.conversations.directFor(alice, bob, T0);
  await store.conversations.addMember(id, alice, T0);
  await store.conversations.addMember(id, bob, T0);
  for (let i = 1; i <= count; i++) {
    await store.conversations.append(id, message(i % 2 ? alice : bob, `c${i}`, T0 + i));
  }
  return { id, alice, bob, carol };
}

/** A promise with its resolver, to hold a transaction open until the test lets go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

/**
 * Opens a transaction that writes alice and then waits, holding the store, until `release` is opened; then it
 * rolls back. Resolves once alice is written.
 */
async function aliceRolledBackLater(
  store: Store,
): Promise<{ transaction: Promise<void>; release: { open: () => void } }> {
  const written = gate(), release = gate();
  const transaction = store.transaction(async (tx) => {
    await tx.users.create(newUser("alice"));
    written.open();
    await release.promise;
    throw new Error("rolled back");
  });
  await written.promise;
  return { transaction, release };
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

  test("users.findByIds() returns each user of the ids once by ascending id, leaving out unknown ids", async (store) => {
    const alice = await store.users.create(newUser("alice"));
    const bob = await store.users.create(newUser("bob"));
    assert.deepEqual(await store.users.findByIds([bob.id, alice.id + 1000, alice.id, bob.id]), [alice, bob]);
    assert.deepEqual(await store.users.findByIds([]), []);
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
      note: null,
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

  // friend requests: notes and sending again

  test("friends.createFriendRequest() keeps a note, and findRequest() and requestBetween() find it", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const request = await store.friends.createFriendRequest(alice, bob, T0, "我是你的同学");
    assert.equal(request.note, "我是你的同学");
    assert.deepEqual(await store.friends.findRequest(request.id), request);
    assert.deepEqual(await store.friends.requestBetween(alice, bob), request);
    assert.equal(await store.friends.requestBetween(bob, alice), undefined, "one direction only");
    assert.equal(await store.friends.findRequest(request.id + 100), undefined);
  });

  test("friends.reopenFriendRequest() makes a request pending again with a new note and time, same id", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const request = await store.friends.createFriendRequest(alice, bob, T0, "first");
    await store.friends.setFriendRequestStatus(request.id, "rejected", T0 + 5);
    const again = await store.friends.reopenFriendRequest(request.id, null, T0 + 10);
    assert.deepEqual(again, { ...request, status: "pending", note: null, createdAt: T0 + 10, updatedAt: T0 + 10 });
    assert.deepEqual(await store.friends.openRequestsFor(bob), [again]);
    await assert.rejects(store.friends.reopenFriendRequest(request.id + 100, null, T0), RecordNotFoundError);
  });

  test("friends.deleteOpenRequestsBetween() deletes open requests both ways and leaves answered ones", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const toBob = await store.friends.createFriendRequest(alice, bob, T0);
    const toAlice = await store.friends.createFriendRequest(bob, alice, T0);
    await store.friends.setFriendRequestStatus(toAlice.id, "deferred", T0);
    const rejected = await store.friends.createFriendRequest(carol, alice, T0);
    await store.friends.setFriendRequestStatus(rejected.id, "rejected", T0);
    const other = await store.friends.createFriendRequest(carol, bob, T0);
    assert.equal(await store.friends.deleteOpenRequestsBetween(bob, alice), 2);
    assert.equal(await store.friends.findRequest(toBob.id), undefined);
    assert.equal(await store.friends.findRequest(toAlice.id), undefined);
    assert.equal(await store.friends.deleteOpenRequestsBetween(alice, carol), 0, "a rejected request stays");
    assert.deepEqual(await store.friends.openRequestsFor(bob), [other]);
  });

  test("friends.areFriends() and removeFriendship() are symmetric", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    await store.friends.addFriendship(bob, alice, T0);
    assert.equal(await store.friends.areFriends(alice, bob), true);
    assert.equal(await store.friends.areFriends(bob, alice), true);
    assert.equal(await store.friends.areFriends(alice, carol), false);
    assert.equal(await store.friends.removeFriendship(alice, bob), true);
    assert.equal(await store.friends.removeFriendship(bob, alice), false);
    assert.equal(await store.friends.areFriends(alice, bob), false);
    assert.deepEqual(await store.friends.friendIdsOf(alice), []);
  });

  // blocks

  test("friends.block() is directed and idempotent, keeping the first time; unblock() lifts one direction", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    await store.friends.block(alice, bob, T0);
    await store.friends.block(alice, bob, T0 + 5);
    assert.equal(await store.friends.isBlocked(alice, bob), true);
    assert.equal(await store.friends.isBlocked(bob, alice), false);
    await store.friends.block(bob, alice, T0 + 7);
    assert.deepEqual((await store.friends.blockedBy(alice)).map((b) => [b.user.id, b.blockedAt]), [[bob, T0]]);
    assert.equal(await store.friends.unblock(alice, bob), true);
    assert.equal(await store.friends.unblock(alice, bob), false);
    assert.equal(await store.friends.isBlocked(alice, bob), false);
    assert.equal(await store.friends.isBlocked(bob, alice), true, "Bob's own block stays");
  });

  test("friends.blockedBy() lists full user records, most recent block first", async (store) => {
    const [alice, bob, carol, dave] = await createUsers(store, "alice", "bob", "carol", "dave");
    await store.friends.block(alice, bob, T0 + 1);
    await store.friends.block(alice, carol, T0 + 3);
    await store.friends.block(alice, dave, T0 + 2);
    const blocked = await store.friends.blockedBy(alice);
    assert.deepEqual(blocked.map((b) => [b.user.id, b.blockedAt]), [[carol, T0 + 3], [dave, T0 + 2], [bob, T0 + 1]]);
    assert.equal(blocked[0].user.usernameKey, "carol");
    assert.deepEqual(await store.friends.blockedBy(bob), []);
  });

  test("friends.blockedEither() lists whom a user blocked and who blocked them, once each, ascending", async (store) => {
    const [alice, bob, carol, dave] = await createUsers(store, "alice", "bob", "carol", "dave");
    await store.friends.block(alice, carol, T0);
    await store.friends.block(bob, alice, T0);
    await store.friends.block(carol, alice, T0);
    await store.friends.block(bob, dave, T0);
    assert.deepEqual(await store.friends.blockedEither(alice), [bob, carol]);
    assert.deepEqual(await store.friends.blockedEither(dave), [bob]);
  });

  test("friends.block() of oneself or a missing user throws StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.friends.block(alice, alice, T0), StoreError);
    await assert.rejects(store.friends.block(alice, alice + 100, T0), StoreError);
  });

  // conversations

  test("conversations.directFor() makes one conversation per pair, whichever way round, and keeps it", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const first = await store.conversations.directFor(bob, alice, T0);
    assert.deepEqual(first, {
      id: first.id,
      kind: "direct",
      roomId: null,
      userA: alice,
      userB: bob,
      lastSeq: 0,
      lastAt: null,
      createdAt: T0,
    });
    assert.deepEqual(await store.conversations.directFor(alice, bob, T0 + 9), first);
    assert.notEqual((await store.conversations.directFor(alice, carol, T0)).id, first.id);
    assert.deepEqual(await store.conversations.findById(first.id), first);
    assert.equal(await store.conversations.findById(first.id + 100), undefined);
  });

  test("conversations.directFor() with oneself or a missing user throws StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.conversations.directFor(alice, alice, T0), StoreError);
    await assert.rejects(store.conversations.directFor(alice, alice + 100, T0), StoreError);
  });

  test("conversations.forRoom() makes one conversation per room", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const room = await store.rooms.createRoom("周末爬山", "group", alice, T0);
    const conversation = await store.conversations.forRoom(room.id, T0);
    assert.deepEqual([conversation.kind, conversation.roomId, conversation.userA], ["room", room.id, null]);
    assert.deepEqual(await store.conversations.forRoom(room.id, T0 + 1), conversation);
    await assert.rejects(store.conversations.forRoom(room.id + 100, T0), StoreError);
  });

  test("conversations.addMember() is idempotent, removeMember() says whether there was one", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    await store.conversations.addMember(id, bob, T0);
    await store.conversations.addMember(id, alice, T0 + 1);
    await store.conversations.addMember(id, alice, T0 + 2);
    assert.deepEqual(await store.conversations.membersOf(id), [alice, bob]);
    assert.deepEqual(await store.conversations.member(id, alice), {
      conversationId: id,
      userId: alice,
      joinedSeq: 0,
      readSeq: 0,
      joinedAt: T0 + 1,
    });
    assert.equal(await store.conversations.isMember(id, alice), true);
    assert.equal(await store.conversations.removeMember(id, alice), true);
    assert.equal(await store.conversations.removeMember(id, alice), false);
    assert.equal(await store.conversations.isMember(id, alice), false);
    assert.equal(await store.conversations.member(id, alice), undefined);
    await assert.rejects(store.conversations.addMember(id + 100, alice, T0), RecordNotFoundError);
  });

  test("conversations.append() numbers messages 1, 2, 3… and raises lastSeq and lastAt", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    const first = await store.conversations.append(id, message(alice, "a1", T0 + 1));
    assert.deepEqual(first, {
      duplicate: false,
      members: [],
      message: {
        conversationId: id,
        seq: 1,
        senderId: alice,
        clientId: "a1",
        at: T0 + 1,
        body: body("a1"),
        recalledAt: null,
      },
    });
    const second = await store.conversations.append(id, message(bob, "b1", T0 + 2));
    assert.equal(second.message.seq, 2);
    const conversation = await store.conversations.findById(id);
    assert.deepEqual([conversation?.lastSeq, conversation?.lastAt], [2, T0 + 2]);
    assert.deepEqual(await store.conversations.message(id, 2), second.message);
    assert.equal(await store.conversations.message(id, 3), undefined);
  });

  test("conversations.append() of a sender's client id again answers the stored message and stores nothing", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    const stored = await store.conversations.append(id, message(alice, "x", T0));
    const again = await store.conversations.append(id, { ...message(alice, "x", T0 + 5), body: body("changed") });
    assert.deepEqual(again, { duplicate: true, members: [], message: stored.message });
    const other = await store.conversations.append(id, message(bob, "x", T0 + 6));
    assert.deepEqual([other.duplicate, other.message.seq], [false, 2], "another sender's x is another message");
    const system = [1, 2].map(() =>
      store.conversations.append(id, { senderId: null, clientId: null, at: T0, body: body("s") })
    );
    assert.deepEqual((await Promise.all(system)).map((r) => r.message.seq), [3, 4], "server lines are never merged");
    assert.equal((await store.conversations.findById(id))?.lastSeq, 4);
  });

  test("conversations.withMember() reads a conversation with one user's membership, or without it", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const conversation = await store.conversations.directFor(alice, bob, T0);
    await store.conversations.addMember(conversation.id, alice, T0 + 1);
    assert.deepEqual(await store.conversations.withMember(conversation.id, alice), {
      conversation,
      member: { conversationId: conversation.id, userId: alice, joinedSeq: 0, readSeq: 0, joinedAt: T0 + 1 },
    });
    assert.deepEqual(await store.conversations.withMember(conversation.id, carol), { conversation, member: undefined });
    assert.equal(await store.conversations.withMember(conversation.id + 100, alice), undefined);
  });

  test("conversations.append() answers the members it read with the message, ascending", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const room = await store.rooms.createRoom("周末爬山", "group", alice, T0);
    const { id } = await store.conversations.forRoom(room.id, T0);
    for (const user of [carol, alice, bob]) await store.conversations.addMember(id, user, T0);
    const results = await Promise.all(
      [1, 2, 3].map((n) => store.conversations.append(id, message(alice, `c${n}`, T0))),
    );
    assert.deepEqual(results.map((r) => r.members), [[alice, bob, carol], [alice, bob, carol], [alice, bob, carol]]);
    await store.conversations.removeMember(id, carol);
    assert.deepEqual((await store.conversations.append(id, message(bob, "b", T0))).members, [alice, bob]);
  });

  test("conversations.append() asMember stores a member's message and refuses anyone else's with NotMemberError", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    await store.conversations.addMember(id, alice, T0);
    await store.conversations.addMember(id, bob, T0);
    const sent = await store.conversations.append(id, { ...message(alice, "a", T0), asMember: true });
    assert.equal(sent.message.seq, 1);
    await assert.rejects(
      store.conversations.append(id, { ...message(carol, "c", T0), asMember: true }),
      NotMemberError,
    );
    await assert.rejects(
      store.conversations.append(id + 100, { ...message(alice, "x", T0), asMember: true }),
      RecordNotFoundError,
    );
    await store.conversations.removeMember(id, alice);
    await assert.rejects(
      store.conversations.append(id, { ...message(alice, "a", T0), asMember: true }),
      NotMemberError,
      "a resend of a stored client id is refused too once the sender left",
    );
    assert.equal((await store.conversations.findById(id))?.lastSeq, 1, "nothing more was stored");
  });

  test("conversations.append() asMember is checked when its batch commits: a membership ended before stops it", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    await store.conversations.addMember(id, alice, T0);
    await store.conversations.addMember(id, bob, T0);
    // Submitted to the group commit, which runs a turn later; the removal takes the lock first.
    const sending = store.conversations.append(id, { ...message(alice, "late", T0), asMember: true });
    const others = store.conversations.append(id, { ...message(bob, "fine", T0), asMember: true });
    assert.equal(await store.conversations.removeMember(id, alice), true);
    await assert.rejects(sending, NotMemberError);
    assert.deepEqual((await others).members, [bob], "the rest of the batch commits");
    const { messages } = await store.conversations.page(id, { after: 0, limit: 10 });
    assert.deepEqual(messages.map((m) => m.clientId), ["fine"]);
  });

  test("conversations.append() to an unknown conversation throws RecordNotFoundError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    await assert.rejects(store.conversations.append(999, message(alice, "x", T0)), RecordNotFoundError);
  });

  test("conversations.append(): appends made together are each numbered in call order and all stored", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    const results = await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) => store.conversations.append(id, message(i % 2 ? bob : alice, `c${i}`, T0 + i)),
      ),
    );
    assert.deepEqual(results.map((r) => r.message.seq), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.deepEqual(results.map((r) => r.message.clientId), Array.from({ length: 40 }, (_, i) => `c${i}`));
    assert.equal((await store.conversations.page(id, { after: 0, limit: 100 })).messages.length, 40);
  });

  test("conversations.append(): one that fails among many fails alone", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    const results = await Promise.allSettled([
      store.conversations.append(id, message(alice, "a", T0)),
      store.conversations.append(id + 100, message(alice, "lost", T0)),
      store.conversations.append(id, message(alice, "b", T0)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
    assert.ok(results[1].status === "rejected" && results[1].reason instanceof RecordNotFoundError);
    assert.deepEqual(
      (await store.conversations.page(id, { after: 0, limit: 10 })).messages.map((m) => [m.seq, m.clientId]),
      [[1, "a"], [2, "b"]],
    );
  });

  test("conversations.append() in a transaction is rolled back with it", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    const failure = new Error("undo");
    await assert.rejects(
      store.transaction(async (tx) => {
        assert.equal((await tx.conversations.append(id, message(alice, "a", T0))).message.seq, 1);
        throw failure;
      }),
      (err) => err === failure,
    );
    assert.equal((await store.conversations.findById(id))?.lastSeq, 0);
    assert.equal((await store.conversations.append(id, message(alice, "a", T0))).message.seq, 1);
  });

  test("conversations.append() on the store inside its own transaction throws TypeError", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    await store.transaction(async () => {
      assert.throws(() => store.conversations.append(id, message(alice, "a", T0)), TypeError);
      await Promise.resolve();
    });
  });

  test("close() commits the appends already made before it closes", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const { id } = await store.conversations.directFor(alice, bob, T0);
    const pending = [1, 2, 3].map((n) => store.conversations.append(id, message(alice, `c${n}`, T0)));
    const closed = store.close();
    assert.deepEqual((await Promise.all(pending)).map((r) => r.message.seq), [1, 2, 3]);
    await closed;
  });

  test("conversations.page() pages backward from the newest and forward from a seq, without gaps or repeats", async (store) => {
    const { id, alice, bob } = await chat(store, 25);
    const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);
    const newest = await store.conversations.page(id, { limit: 10 });
    assert.deepEqual([seqs(newest), newest.hasMore], [range(16, 25), true]);
    const older = await store.conversations.page(id, { before: 16, limit: 10 });
    assert.deepEqual([seqs(older), older.hasMore], [range(6, 15), true]);
    const oldest = await store.conversations.page(id, { before: 6, limit: 10 });
    assert.deepEqual([seqs(oldest), oldest.hasMore], [range(1, 5), false]);
    const forward = await store.conversations.page(id, { after: 0, limit: 10 });
    assert.deepEqual([seqs(forward), forward.hasMore], [range(1, 10), true]);
    const next = await store.conversations.page(id, { after: 20, limit: 10 });
    assert.deepEqual([seqs(next), next.hasMore], [range(21, 25), false]);
    const exact = await store.conversations.page(id, { after: 15, limit: 10 });
    assert.deepEqual([seqs(exact), exact.hasMore], [range(16, 25), false], "exactly the rest: nothing more");
    const window = await store.conversations.page(id, { after: 5, before: 9, limit: 10 });
    assert.deepEqual([seqs(window), window.hasMore], [[6, 7, 8], false]);
    assert.deepEqual(newest.messages.slice(0, 2).map((m) => m.senderId), [bob, alice], "16 is Bob's, 17 Alice's");
  });

  test("conversations.page() shows nothing at or below floor, whichever the direction", async (store) => {
    const { id } = await chat(store, 10);
    const back = await store.conversations.page(id, { floor: 6, limit: 3 });
    assert.deepEqual([back.messages.map((m) => m.seq), back.hasMore], [[8, 9, 10], true]);
    const all = await store.conversations.page(id, { floor: 6, limit: 10 });
    assert.deepEqual([all.messages.map((m) => m.seq), all.hasMore], [[7, 8, 9, 10], false]);
    const forward = await store.conversations.page(id, { floor: 6, after: 2, limit: 2 });
    assert.deepEqual([forward.messages.map((m) => m.seq), forward.hasMore], [[7, 8], true]);
    assert.deepEqual((await store.conversations.page(id + 100, { limit: 5 })).messages, []);
  });

  test("conversations.markRead() only moves forward, never past lastSeq, and only for a member", async (store) => {
    const { id, alice, bob, carol } = await chat(store, 5);
    assert.equal(await store.conversations.markRead(id, bob, 3), 3);
    assert.equal(await store.conversations.markRead(id, bob, 2), 3, "never back");
    assert.equal(await store.conversations.markRead(id, bob, 99), 5, "never past the last message");
    assert.equal((await store.conversations.member(id, bob))?.readSeq, 5);
    assert.equal((await store.conversations.member(id, alice))?.readSeq, 0, "one member's position only");
    assert.equal(await store.conversations.markRead(id, carol, 1), undefined);
  });

  test("conversations.recall() deletes the sender's body once, and only the sender's", async (store) => {
    const { id, alice, bob } = await chat(store, 2);
    assert.equal(await store.conversations.recall(id, 1, bob, T0 + 50), undefined, "message 1 is Alice's");
    const recalled = await store.conversations.recall(id, 1, alice, T0 + 50);
    assert.deepEqual(recalled, { ...(await store.conversations.message(id, 1))!, body: null, recalledAt: T0 + 50 });
    assert.equal(recalled?.seq, 1);
    assert.equal(recalled?.senderId, alice);
    assert.equal(await store.conversations.recall(id, 1, alice, T0 + 60), undefined, "already recalled");
    assert.equal(await store.conversations.recall(id, 9, alice, T0 + 60), undefined);
    assert.equal((await store.conversations.message(id, 2))?.recalledAt, null);
  });

  test("conversations.referencesBlob() is true for members who may see a message with the blob until it is recalled", async (store) => {
    const { id, alice, bob, carol } = await chat(store, 0);
    const sha = new Uint8Array(32).fill(7);
    const other = new Uint8Array(32).fill(8);
    await store.conversations.append(id, { ...message(alice, "img", T0), blobs: [sha] });
    assert.equal(await store.conversations.referencesBlob(bob, sha), true);
    assert.equal(await store.conversations.referencesBlob(alice, sha), true);
    assert.equal(await store.conversations.referencesBlob(carol, sha), false, "not a member");
    assert.equal(await store.conversations.referencesBlob(bob, other), false);
    await store.conversations.removeMember(id, bob);
    assert.equal(await store.conversations.referencesBlob(bob, sha), false, "no longer a member");
    await store.conversations.recall(id, 1, alice, T0 + 1);
    assert.equal(await store.conversations.referencesBlob(alice, sha), false, "recalled");
  });

  test("conversations.referencesBlob() is false for a room member who joined after the message", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const room = await store.rooms.createRoom("room", "group", alice, T0);
    const { id } = await store.conversations.forRoom(room.id, T0);
    await store.conversations.addMember(id, alice, T0);
    const sha = new Uint8Array(32).fill(7);
    await store.conversations.append(id, { ...message(alice, "img", T0), blobs: [sha] });
    await store.conversations.addMember(id, bob, T0 + 1);
    assert.deepEqual(
      { ...(await store.conversations.member(id, bob))! },
      { conversationId: id, userId: bob, joinedSeq: 1, readSeq: 1, joinedAt: T0 + 1 },
      "a room's member starts after the last message, with nothing unread",
    );
    assert.equal(await store.conversations.referencesBlob(bob, sha), false);
    assert.equal(await store.conversations.referencesBlob(alice, sha), true);
  });

  test("conversations.listFor() counts others' unread messages and shows the last, most recent conversation first", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const withBob = await store.conversations.directFor(alice, bob, T0);
    const withCarol = await store.conversations.directFor(alice, carol, T0);
    for (const [conversation, peer] of [[withBob, bob], [withCarol, carol]] as const) {
      await store.conversations.addMember(conversation.id, alice, T0);
      await store.conversations.addMember(conversation.id, peer, T0);
    }
    await store.conversations.append(withBob.id, message(bob, "b1", T0 + 1));
    await store.conversations.append(withBob.id, message(bob, "b2", T0 + 2));
    await store.conversations.append(withBob.id, message(alice, "a1", T0 + 3));
    await store.conversations.append(withBob.id, { senderId: null, clientId: null, at: T0 + 4, body: body("s") });
    await store.conversations.append(withBob.id, message(bob, "b3", T0 + 5));
    await store.conversations.append(withCarol.id, message(carol, "c1", T0 + 9));
    await store.conversations.recall(withBob.id, 5, bob, T0 + 6);
    const list = await store.conversations.listFor(alice);
    assert.deepEqual(list.map((l) => [l.conversation.id, l.unread, l.last?.seq]), [
      [withCarol.id, 1, 1],
      [withBob.id, 2, 5],
    ], "own messages, server lines and a recalled one do not count");
    assert.equal(list[1].last?.recalledAt, T0 + 6);
    assert.deepEqual(list[1].member, {
      conversationId: withBob.id,
      userId: alice,
      joinedSeq: 0,
      readSeq: 0,
      joinedAt: T0,
    });
    assert.equal(list[1].roomName, null);
    await store.conversations.markRead(withBob.id, alice, 1);
    assert.equal((await store.conversations.listingFor(withBob.id, alice))?.unread, 1);
    assert.equal((await store.conversations.listingFor(withBob.id, bob))?.unread, 1, "Alice's a1 is Bob's to read");
    assert.equal(await store.conversations.listingFor(withCarol.id, bob), undefined);
  });

  test("conversations.listFor() lists a room's conversation with its name and conversations without messages last", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const room = await store.rooms.createRoom("周末爬山", "group", alice, T0);
    const inRoom = await store.conversations.forRoom(room.id, T0);
    const direct = await store.conversations.directFor(alice, bob, T0);
    const quiet = await store.conversations.forRoom((await store.rooms.createRoom("quiet", "group", alice, T0)).id, T0);
    for (const { id } of [inRoom, direct, quiet]) await store.conversations.addMember(id, alice, T0);
    await store.conversations.append(inRoom.id, message(alice, "hi", T0 + 1));
    const list = await store.conversations.listFor(alice);
    assert.deepEqual(list.map((l) => [l.conversation.id, l.roomName, l.last?.seq ?? null]), [
      [inRoom.id, "周末爬山", 1],
      [quiet.id, "quiet", null],
      [direct.id, null, null],
    ]);
    assert.deepEqual(await store.conversations.listFor(bob), []);
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
    const { transaction, release } = await aliceRolledBackLater(store);
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
    const { transaction, release } = await aliceRolledBackLater(store);
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
