// The behaviour every Store implementation must show; each implementation's test file runs this suite.

import assert from "node:assert/strict";
import { FriendRequestExistsError, RecordNotFoundError, StoreError, UsernameTakenError } from "./errors.ts";
import type { FriendRequestRecord, NewUser, Store, UserRecord } from "./types.ts";

const T0 = 1_700_000_000_000;

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
function createUsers(store: Store, ...keys: string[]): number[] {
  return keys.map((key) => store.users.create(newUser(key)).id);
}

function ids(records: readonly { id: number }[]): number[] {
  return records.map((record) => record.id);
}

/**
 * Registers `Deno.test`s for every repository method against stores made by
 * `open`. Each test opens its own store and closes it afterwards, so `open`
 * must return a fresh, empty store every time.
 *
 * @param name Prefix of every test name, naming the implementation (e.g. "sqlite :memory:").
 * @param open Makes a fresh empty store.
 *
 * @example In an implementation's `*_test.ts` (top level: Deno.test cannot nest, so this is not run as a doc test)
 * ```ts ignore
 * import { runStoreSuite } from "./store_suite.ts";
 * import { openSqliteStore } from "./sqlite.ts";
 * runStoreSuite("sqlite :memory:", () => openSqliteStore(":memory:"));
 * ```
 */
export function runStoreSuite(name: string, open: () => Store | Promise<Store>): void {
  function test(title: string, fn: (store: Store) => void | Promise<void>): void {
    Deno.test(`${name}: ${title}`, async () => {
      const store = await open();
      try {
        await fn(store);
      } finally {
        store.close();
      }
    });
  }

  // users

  test("users.create() returns the stored user with a fresh id and empty profile", (store) => {
    const input = newUser("alice");
    const alice = store.users.create(input);
    assert.ok(Number.isInteger(alice.id) && alice.id > 0);
    assert.deepEqual({ ...alice }, {
      id: alice.id,
      username: "ALICE",
      nickname: "alice nick",
      registrationRecord: input.registrationRecord,
      createdAt: T0,
      lastSeenAt: null,
      fontFamily: null,
      fontSize: null,
    });
    assert.notEqual(store.users.create(newUser("bob")).id, alice.id);
  });

  test("users.create() rejects a duplicate usernameKey with UsernameTakenError", (store) => {
    const first = store.users.create(newUser("alice"));
    assert.throws(
      () => store.users.create(newUser("alice", { username: "Alice", nickname: "impostor" })),
      (err: unknown) => {
        assert.ok(err instanceof UsernameTakenError);
        assert.ok(err instanceof StoreError);
        assert.equal(err.name, "UsernameTakenError");
        assert.equal(err.usernameKey, "alice");
        assert.ok(err.cause !== undefined);
        return true;
      },
    );
    assert.deepEqual(store.users.findByKey("alice"), first);
  });

  test("users.create() allows the same display username under different keys", (store) => {
    store.users.create(newUser("alice", { username: "Alice" }));
    const other = store.users.create(newUser("alice2", { username: "Alice" }));
    assert.equal(other.username, "Alice");
  });

  test("users.create() round-trips a Chinese nickname and username", (store) => {
    const created = store.users.create(newUser("xiaoming", { username: "小明", nickname: "小明 🐉 你好，世界" }));
    const found = store.users.findById(created.id);
    assert.equal(found?.username, "小明");
    assert.equal(found?.nickname, "小明 🐉 你好，世界");
  });

  test("users.create() stores registration record bytes exactly, including zeros and a view's offset", (store) => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) % 256);
    const backing = new Uint8Array(300).fill(0xee);
    backing.set(all, 20);
    const view = backing.subarray(20, 276);
    const created = store.users.create(newUser("alice", { registrationRecord: view }));
    const found = store.users.findByKey("alice");
    assert.ok(found?.registrationRecord instanceof Uint8Array);
    assert.deepEqual(found.registrationRecord, all);
    assert.deepEqual(created.registrationRecord, all);
  });

  test("users.findByKey() matches the normalised key exactly and returns undefined for an unknown key", (store) => {
    const alice = store.users.create(newUser("alice"));
    assert.equal(store.users.findByKey("alice")?.id, alice.id);
    assert.equal(store.users.findByKey("ALICE"), undefined);
    assert.equal(store.users.findByKey("nobody"), undefined);
  });

  test("users.findById() returns the user, or undefined for an unknown id", (store) => {
    const alice = store.users.create(newUser("alice"));
    assert.deepEqual(store.users.findById(alice.id), alice);
    assert.equal(store.users.findById(alice.id + 1000), undefined);
  });

  test("users.setNickname() replaces the nickname", (store) => {
    const [alice] = createUsers(store, "alice");
    store.users.setNickname(alice, "爱丽丝");
    assert.equal(store.users.findById(alice)?.nickname, "爱丽丝");
  });

  test("users.setRegistrationRecord() replaces the record bytes", (store) => {
    const [alice] = createUsers(store, "alice");
    store.users.setRegistrationRecord(alice, new Uint8Array([0, 0, 255, 1]));
    assert.deepEqual(store.users.findById(alice)?.registrationRecord, new Uint8Array([0, 0, 255, 1]));
  });

  test("users.setFont() sets and clears the font preference", (store) => {
    const [alice] = createUsers(store, "alice");
    store.users.setFont(alice, "Noto Sans SC", 16);
    assert.deepEqual([store.users.findById(alice)?.fontFamily, store.users.findById(alice)?.fontSize], [
      "Noto Sans SC",
      16,
    ]);
    store.users.setFont(alice, null, null);
    assert.deepEqual([store.users.findById(alice)?.fontFamily, store.users.findById(alice)?.fontSize], [null, null]);
  });

  test("users.setFont() rejects a fractional or non-positive size with StoreError", (store) => {
    const [alice] = createUsers(store, "alice");
    assert.throws(() => store.users.setFont(alice, "serif", 12.5), StoreError);
    assert.throws(() => store.users.setFont(alice, "serif", 0), StoreError);
    assert.equal(store.users.findById(alice)?.fontSize, null);
  });

  test("users.setLastSeen() records the time", (store) => {
    const [alice] = createUsers(store, "alice");
    store.users.setLastSeen(alice, T0 + 5);
    assert.equal(store.users.findById(alice)?.lastSeenAt, T0 + 5);
  });

  test("users update methods throw RecordNotFoundError for an unknown id", (store) => {
    const missing = 4242;
    const isNotFound = (err: unknown) =>
      err instanceof RecordNotFoundError && err.table === "users" && err.id === missing;
    assert.throws(() => store.users.setNickname(missing, "x"), isNotFound);
    assert.throws(() => store.users.setRegistrationRecord(missing, new Uint8Array([1])), isNotFound);
    assert.throws(() => store.users.setFont(missing, null, null), isNotFound);
    assert.throws(() => store.users.setLastSeen(missing, T0), isNotFound);
  });

  // friendships

  test("social.addFriendship() is symmetric and idempotent", (store) => {
    const [alice, bob] = createUsers(store, "alice", "bob");
    store.social.addFriendship(bob, alice, T0);
    store.social.addFriendship(alice, bob, T0 + 1);
    store.social.addFriendship(bob, alice, T0 + 2);
    assert.deepEqual(ids(store.social.friendsOf(alice)), [bob]);
    assert.deepEqual(ids(store.social.friendsOf(bob)), [alice]);
  });

  test("social.friendsOf() returns full user records ordered by id, from both sides", (store) => {
    const [alice, bob, carol, dave] = createUsers(store, "alice", "bob", "carol", "dave");
    store.social.addFriendship(dave, bob, T0); // bob is user_a of this row
    store.social.addFriendship(alice, bob, T0); // bob is user_b of this row
    store.social.addFriendship(carol, bob, T0);
    const friends: UserRecord[] = store.social.friendsOf(bob);
    assert.deepEqual(ids(friends), [alice, carol, dave]);
    assert.deepEqual(friends[0], store.users.findById(alice));
    assert.deepEqual(store.social.friendsOf(alice + 1000), []);
  });

  test("social.addFriendship() with oneself throws StoreError", (store) => {
    const [alice] = createUsers(store, "alice");
    assert.throws(() => store.social.addFriendship(alice, alice, T0), StoreError);
    assert.deepEqual(store.social.friendsOf(alice), []);
  });

  test("social.addFriendship() with a missing user throws StoreError", (store) => {
    const [alice] = createUsers(store, "alice");
    assert.throws(() => store.social.addFriendship(alice, alice + 1000, T0), StoreError);
  });

  // rooms

  test("social.createRoom() returns the stored room; the lobby may have no creator", (store) => {
    const [alice] = createUsers(store, "alice");
    const lobby = store.social.createRoom("大厅", "lobby", null, T0);
    const group = store.social.createRoom("Book club", "group", alice, T0 + 1);
    assert.deepEqual({ ...lobby }, { id: lobby.id, name: "大厅", kind: "lobby", createdBy: null, createdAt: T0 });
    assert.deepEqual({ ...group }, {
      id: group.id,
      name: "Book club",
      kind: "group",
      createdBy: alice,
      createdAt: T0 + 1,
    });
    assert.notEqual(lobby.id, group.id);
  });

  test("social.createRoom() with a missing creator or unknown kind throws StoreError", (store) => {
    assert.throws(() => store.social.createRoom("ghost", "group", 4242, T0), StoreError);
    assert.throws(() => store.social.createRoom("odd", "channel" as "group", null, T0), StoreError);
  });

  test("social.roomsOf() lists only the user's rooms, ordered by id", (store) => {
    const [alice, bob] = createUsers(store, "alice", "bob");
    const r1 = store.social.createRoom("one", "group", alice, T0);
    const r2 = store.social.createRoom("two", "group", bob, T0);
    const r3 = store.social.createRoom("three", "lobby", null, T0);
    store.social.addMember(r3.id, alice, "member", T0);
    store.social.addMember(r1.id, alice, "owner", T0);
    store.social.addMember(r2.id, bob, "owner", T0);
    assert.deepEqual(store.social.roomsOf(alice), [r1, r3]);
    assert.deepEqual(store.social.roomsOf(bob), [r2]);
    assert.deepEqual(store.social.roomsOf(alice + bob + 1000), []);
  });

  test("social.addMember() is idempotent", (store) => {
    const [alice] = createUsers(store, "alice");
    const room = store.social.createRoom("one", "group", alice, T0);
    store.social.addMember(room.id, alice, "owner", T0);
    store.social.addMember(room.id, alice, "member", T0 + 1);
    assert.deepEqual(ids(store.social.roomsOf(alice)), [room.id]);
  });

  test("social.addMember() for a missing user or room throws StoreError", (store) => {
    const [alice] = createUsers(store, "alice");
    const room = store.social.createRoom("one", "group", alice, T0);
    assert.throws(() => store.social.addMember(room.id, alice + 1000, "member", T0), StoreError);
    assert.throws(() => store.social.addMember(room.id + 1000, alice, "member", T0), StoreError);
    assert.deepEqual(store.social.roomsOf(alice), []);
  });

  test("social.addMember() with an unknown role throws StoreError", (store) => {
    const [alice] = createUsers(store, "alice");
    const room = store.social.createRoom("one", "group", alice, T0);
    assert.throws(() => store.social.addMember(room.id, alice, "king" as "member", T0), StoreError);
  });

  // contacts

  test("social.contactsOf() unions friends and room co-members without duplicates or self", (store) => {
    const [alice, bob, carol, dave, erin, frank] = createUsers(store, "alice", "bob", "carol", "dave", "erin", "frank");
    store.social.addFriendship(alice, bob, T0); // friend only
    store.social.addFriendship(carol, alice, T0); // friend and co-member
    const r1 = store.social.createRoom("one", "group", alice, T0);
    const r2 = store.social.createRoom("two", "group", alice, T0);
    for (const user of [alice, carol, dave]) store.social.addMember(r1.id, user, "member", T0);
    for (const user of [alice, dave, erin]) store.social.addMember(r2.id, user, "member", T0); // dave shares two rooms
    store.social.addFriendship(bob, frank, T0); // friend of a friend: not a contact
    assert.deepEqual(store.social.contactsOf(alice).toSorted((x, y) => x - y), [bob, carol, dave, erin]);
    assert.deepEqual(store.social.contactsOf(frank), [bob]);
    assert.deepEqual(store.social.contactsOf(erin).toSorted((x, y) => x - y), [alice, dave]);
  });

  test("social.contactsOf() is empty for a user with no friends or rooms", (store) => {
    const [alice] = createUsers(store, "alice");
    const room = store.social.createRoom("solo", "group", alice, T0);
    store.social.addMember(room.id, alice, "owner", T0);
    assert.deepEqual(store.social.contactsOf(alice), []);
  });

  // friend requests

  test("social.createFriendRequest() returns a pending request", (store) => {
    const [alice, bob] = createUsers(store, "alice", "bob");
    const request = store.social.createFriendRequest(alice, bob, T0);
    assert.deepEqual({ ...request }, {
      id: request.id,
      fromUser: alice,
      toUser: bob,
      status: "pending",
      createdAt: T0,
      updatedAt: T0,
    });
  });

  test("social.createFriendRequest() for an existing pair throws FriendRequestExistsError naming it", (store) => {
    const [alice, bob] = createUsers(store, "alice", "bob");
    const first = store.social.createFriendRequest(alice, bob, T0);
    store.social.setFriendRequestStatus(first.id, "rejected", T0 + 1);
    assert.throws(() => store.social.createFriendRequest(alice, bob, T0 + 2), (err: unknown) => {
      assert.ok(err instanceof FriendRequestExistsError);
      assert.ok(err instanceof StoreError);
      assert.deepEqual([err.fromUser, err.toUser, err.requestId], [alice, bob, first.id]);
      return true;
    });
    // The opposite direction is a different pair.
    assert.equal(store.social.createFriendRequest(bob, alice, T0 + 3).fromUser, bob);
  });

  test("social.createFriendRequest() to oneself or a missing user throws StoreError", (store) => {
    const [alice] = createUsers(store, "alice");
    assert.throws(() => store.social.createFriendRequest(alice, alice, T0), StoreError);
    assert.throws(() => store.social.createFriendRequest(alice, alice + 1000, T0), StoreError);
  });

  test("social.openRequestsFor() includes pending and deferred, excludes accepted and rejected, oldest first", (store) => {
    const [alice, bob, carol, dave, erin] = createUsers(store, "alice", "bob", "carol", "dave", "erin");
    const fromErin = store.social.createFriendRequest(erin, alice, T0 + 40);
    const fromBob = store.social.createFriendRequest(bob, alice, T0 + 10);
    const fromCarol = store.social.createFriendRequest(carol, alice, T0 + 20);
    const fromDave = store.social.createFriendRequest(dave, alice, T0 + 30);
    store.social.createFriendRequest(alice, bob, T0); // sent by alice: not for her
    store.social.setFriendRequestStatus(fromBob.id, "deferred", T0 + 50);
    store.social.setFriendRequestStatus(fromCarol.id, "accepted", T0 + 50);
    store.social.setFriendRequestStatus(fromDave.id, "rejected", T0 + 50);
    const open: FriendRequestRecord[] = store.social.openRequestsFor(alice);
    assert.deepEqual(ids(open), [fromBob.id, fromErin.id]);
    assert.deepEqual([open[0].status, open[1].status], ["deferred", "pending"]);
    assert.deepEqual(store.social.openRequestsFor(carol), []);
  });

  test("social.setFriendRequestStatus() updates status and updatedAt only", (store) => {
    const [alice, bob] = createUsers(store, "alice", "bob");
    const request = store.social.createFriendRequest(alice, bob, T0);
    store.social.setFriendRequestStatus(request.id, "deferred", T0 + 9);
    assert.deepEqual(store.social.openRequestsFor(bob), [{ ...request, status: "deferred", updatedAt: T0 + 9 }]);
  });

  test("social.setFriendRequestStatus() throws RecordNotFoundError for an unknown id and StoreError for an unknown status", (store) => {
    const [alice, bob] = createUsers(store, "alice", "bob");
    const request = store.social.createFriendRequest(alice, bob, T0);
    assert.throws(
      () => store.social.setFriendRequestStatus(request.id + 1000, "accepted", T0),
      (err: unknown) => err instanceof RecordNotFoundError && err.table === "friend_requests",
    );
    assert.throws(() => store.social.setFriendRequestStatus(request.id, "maybe" as "pending", T0), StoreError);
    assert.equal(store.social.openRequestsFor(bob)[0].status, "pending");
  });

  // invites

  /** A 32-byte hash that differs per `n`, standing in for SHA-256 of a code. */
  const hash = (n: number) => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i) % 256);
  const DAY = 24 * 3600_000;

  test("invites.create() returns an unused invite that findUsable() finds until it expires", (store) => {
    const created = store.invites.create(hash(1), T0, T0 + DAY);
    assert.deepEqual({ ...created }, {
      codeHash: hash(1),
      createdAt: T0,
      expiresAt: T0 + DAY,
      usedAt: null,
      usedBy: null,
    });
    assert.deepEqual(store.invites.findUsable(hash(1), T0 + DAY - 1), created);
    assert.equal(store.invites.findUsable(hash(1), T0 + DAY), undefined, "expired at expiresAt");
    assert.equal(store.invites.findUsable(hash(2), T0), undefined, "unknown");
  });

  test("invites.create() rejects a duplicate hash, a hash that is not 32 bytes and a past expiry", (store) => {
    store.invites.create(hash(1), T0, T0 + DAY);
    assert.throws(() => store.invites.create(hash(1), T0, T0 + DAY), StoreError);
    assert.throws(() => store.invites.create(new Uint8Array(31), T0, T0 + DAY), StoreError);
    assert.throws(() => store.invites.create(hash(2), T0, T0), StoreError);
  });

  test("invites.consume() spends a code once and records who used it", (store) => {
    const [alice, bob] = createUsers(store, "alice", "bob");
    store.invites.create(hash(1), T0, T0 + DAY);
    assert.equal(store.invites.consume(hash(1), alice, T0 + 5), true);
    assert.equal(store.invites.consume(hash(1), bob, T0 + 6), false, "a used code is spent");
    assert.equal(store.invites.findUsable(hash(1), T0 + 7), undefined);
    assert.equal(store.invites.consume(hash(2), bob, T0 + 6), false, "an unknown code");
  });

  test("invites.consume() refuses an expired code", (store) => {
    const [alice] = createUsers(store, "alice");
    store.invites.create(hash(1), T0, T0 + DAY);
    assert.equal(store.invites.consume(hash(1), alice, T0 + DAY), false);
    assert.equal(store.invites.consume(hash(1), alice, T0 + DAY - 1), true);
  });

  test("invites.consume() that fails inside the user's transaction rolls the user back", (store) => {
    store.invites.create(hash(1), T0, T0 + DAY);
    const register = (key: string) =>
      store.transaction(() => {
        const user = store.users.create(newUser(key));
        if (!store.invites.consume(hash(1), user.id, T0 + 1)) throw new Error("invite spent");
        return user;
      });
    const alice = register("alice");
    assert.throws(() => register("bob"), /invite spent/);
    assert.equal(store.users.findByKey("bob"), undefined, "no account without a code");
    assert.equal(store.users.findByKey("alice")?.id, alice.id);
  });

  // transactions and lifecycle

  test("transaction() commits and returns fn's result", (store) => {
    const id = store.transaction(() => {
      const alice = store.users.create(newUser("alice"));
      store.users.setNickname(alice.id, "in a transaction");
      return alice.id;
    });
    assert.equal(store.users.findById(id)?.nickname, "in a transaction");
  });

  test("transaction() that throws rolls back and rethrows the same error", (store) => {
    const [bob] = createUsers(store, "bob");
    const boom = new Error("boom");
    assert.throws(
      () =>
        store.transaction(() => {
          store.users.create(newUser("alice"));
          store.users.setNickname(bob, "changed");
          throw boom;
        }),
      (err: unknown) => err === boom,
    );
    assert.equal(store.users.findByKey("alice"), undefined);
    assert.equal(store.users.findById(bob)?.nickname, "bob nick");
  });

  test("transaction() rolls back when a store call inside it fails", (store) => {
    assert.throws(
      () =>
        store.transaction(() => {
          const alice = store.users.create(newUser("alice"));
          store.social.addMember(999, alice.id, "member", T0);
        }),
      StoreError,
    );
    assert.equal(store.users.findByKey("alice"), undefined);
  });

  test("transaction() nested inside another rolls back only its own writes when it throws", (store) => {
    store.transaction(() => {
      store.users.create(newUser("alice"));
      assert.throws(() =>
        store.transaction(() => {
          store.users.create(newUser("bob"));
          throw new Error("inner");
        })
      );
      store.users.create(newUser("carol"));
    });
    assert.ok(store.users.findByKey("alice"));
    assert.equal(store.users.findByKey("bob"), undefined);
    assert.ok(store.users.findByKey("carol"));
  });

  test("transaction() rejects an async function with TypeError and writes nothing", (store) => {
    assert.throws(
      () =>
        store.transaction(async () => {
          store.users.create(newUser("alice"));
          await Promise.resolve();
        }),
      TypeError,
    );
    assert.equal(store.users.findByKey("alice"), undefined);
    // The store is still usable afterwards.
    store.transaction(() => store.users.create(newUser("bob")));
    assert.ok(store.users.findByKey("bob"));
  });

  test("close() makes later calls throw StoreError and is safe to repeat", (store) => {
    store.close();
    store.close();
    assert.throws(() => store.users.findByKey("alice"), StoreError);
    assert.throws(() => store.transaction(() => 1), StoreError);
  });
}
