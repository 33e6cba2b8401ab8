// The store suite's cases for the rooms repository (types_rooms.ts): registered by runStoreSuite with its other cases.

import assert from "node:assert/strict";
import { RecordNotFoundError, StoreError } from "./errors.ts";
import type { Store } from "./types.ts";

const T0 = 1_700_000_000_000;

async function createUsers(store: Store, ...keys: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const key of keys) {
    const user = await store.users.create({
      username: key.toUpperCase(),
      usernameKey: key,
      nickname: `${key} nick`,
      registrationRecord: new Uint8Array([1]),
      createdAt: T0,
    });
    ids.push(user.id);
  }
  return ids;
}

function ids(records: readonly { id: number }[]): number[] {
  return records.map((record) => record.id);
}

/** A 32-byte hash that differs per `n`, standing in for SHA-256 of a room code. */
function hash(n: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (n * 29 + i) & 0xff);
}

/**
 * Registers the rooms cases.
 *
 * @param test The suite's way of registering one case on a fresh store.
 */
export function roomStoreCases(test: (title: string, fn: (store: Store) => Promise<void>) => void): void {
  test("rooms.createRoom() returns the stored room, private unless asked, without an owner yet", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const group = await store.rooms.createRoom("Book club", "group", alice, T0 + 1);
    const open = await store.rooms.createRoom("Chess", "group", alice, T0 + 2, true);
    assert.deepEqual({ ...group }, {
      id: group.id,
      name: "Book club",
      kind: "group",
      public: false,
      ownerId: null,
      createdBy: alice,
      createdAt: T0 + 1,
    });
    assert.equal(open.public, true);
    assert.deepEqual(await store.rooms.findById(group.id), group);
    assert.equal(await store.rooms.findById(open.id + 1000), undefined);
  });

  test("rooms.createRoom() with a missing creator or unknown kind throws StoreError", async (store) => {
    await assert.rejects(store.rooms.createRoom("ghost", "group", 4242, T0), StoreError);
    await assert.rejects(store.rooms.createRoom("odd", "channel" as "group", null, T0), StoreError);
  });

  test("rooms.lobby() is the one lobby, public, with no creator and no owner; a second cannot be made", async (store) => {
    const lobby = await store.rooms.lobby();
    assert.deepEqual({ ...lobby, id: 0, name: "", createdAt: 0 }, {
      id: 0,
      name: "",
      kind: "lobby",
      public: true,
      ownerId: null,
      createdBy: null,
      createdAt: 0,
    });
    assert.deepEqual(await store.rooms.findById(lobby.id), lobby);
    await assert.rejects(store.rooms.createRoom("大厅", "lobby", null, T0), StoreError);
    assert.deepEqual(await store.rooms.lobby(), lobby);
  });

  test("rooms.roomsOf() lists only the user's rooms, ordered by id, with their owner", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const r1 = await store.rooms.createRoom("one", "group", alice, T0);
    const r2 = await store.rooms.createRoom("two", "group", bob, T0);
    const r3 = await store.rooms.createRoom("three", "group", bob, T0);
    await store.rooms.addMember(r3.id, alice, "member", T0);
    await store.rooms.addMember(r1.id, alice, "owner", T0);
    await store.rooms.addMember(r2.id, bob, "owner", T0);
    assert.deepEqual(await store.rooms.roomsOf(alice), [{ ...r1, ownerId: alice }, r3]);
    assert.deepEqual(await store.rooms.roomsOf(bob), [{ ...r2, ownerId: bob }]);
    assert.deepEqual(await store.rooms.roomsOf(alice + bob + 1000), []);
  });

  test("rooms.addMember() is idempotent: an existing membership keeps its role and join time", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    await store.rooms.addMember(room.id, alice, "owner", T0);
    await store.rooms.addMember(room.id, alice, "member", T0 + 1);
    assert.deepEqual(ids(await store.rooms.roomsOf(alice)), [room.id]);
    assert.deepEqual(await store.rooms.membersOf(room.id), [{
      roomId: room.id,
      userId: alice,
      role: "owner",
      joinedAt: T0,
    }]);
  });

  test("rooms.addMember() for a missing user or room throws StoreError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    await assert.rejects(store.rooms.addMember(room.id, alice + 1000, "member", T0), StoreError);
    await assert.rejects(store.rooms.addMember(room.id + 1000, alice, "member", T0), StoreError);
    assert.deepEqual(await store.rooms.roomsOf(alice), []);
  });

  test("rooms.addMember() with an unknown role, or a second owner, throws StoreError", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    await assert.rejects(store.rooms.addMember(room.id, alice, "king" as "member", T0), StoreError);
    await store.rooms.addMember(room.id, alice, "owner", T0);
    await assert.rejects(store.rooms.addMember(room.id, bob, "owner", T0), StoreError);
    assert.equal(await store.rooms.member(room.id, bob), undefined);
  });

  test("rooms.membersOf() lists the room's members with role and join time, ordered by user id", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const room = await store.rooms.createRoom("one", "group", carol, T0);
    const other = await store.rooms.createRoom("two", "group", alice, T0);
    await store.rooms.addMember(room.id, carol, "owner", T0);
    await store.rooms.addMember(room.id, alice, "member", T0 + 2);
    await store.rooms.addMember(room.id, bob, "admin", T0 + 1);
    await store.rooms.addMember(other.id, bob, "owner", T0);
    assert.deepEqual(await store.rooms.membersOf(room.id), [
      { roomId: room.id, userId: alice, role: "member", joinedAt: T0 + 2 },
      { roomId: room.id, userId: bob, role: "admin", joinedAt: T0 + 1 },
      { roomId: room.id, userId: carol, role: "owner", joinedAt: T0 },
    ]);
    assert.deepEqual(await store.rooms.membersOf(other.id + room.id + 1000), []);
    assert.equal(await store.rooms.memberCount(room.id), 3);
    assert.equal(await store.rooms.memberCount(other.id + room.id + 1000), 0);
    assert.deepEqual(await store.rooms.member(room.id, bob), {
      roomId: room.id,
      userId: bob,
      role: "admin",
      joinedAt: T0 + 1,
    });
    assert.equal(await store.rooms.member(other.id, carol), undefined);
  });

  test("rooms.removeMember() ends one membership, says whether there was one, and remembers who left", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    await store.rooms.addMember(room.id, alice, "owner", T0);
    await store.rooms.addMember(room.id, bob, "member", T0);
    assert.equal(await store.rooms.hasLeft(room.id, bob), false);
    assert.equal(await store.rooms.removeMember(room.id, bob, T0 + 1), true);
    assert.equal(await store.rooms.hasLeft(room.id, bob), true);
    assert.equal(await store.rooms.removeMember(room.id, bob, T0 + 2), false);
    assert.equal(await store.rooms.removeMember(room.id, carol, T0 + 2), false);
    assert.equal(await store.rooms.hasLeft(room.id, carol), false, "never a member: nothing to remember");
    assert.deepEqual((await store.rooms.membersOf(room.id)).map((m) => m.userId), [alice]);
    assert.equal(await store.rooms.removeMember(room.id, alice, T0 + 3), true, "an owner goes like anyone");
    assert.equal((await store.rooms.findById(room.id))?.ownerId, null);
    await store.rooms.addMember(room.id, bob, "member", T0 + 4);
    assert.equal(await store.rooms.hasLeft(room.id, bob), false, "joined again");
    await store.rooms.delete(room.id);
    assert.equal(await store.rooms.hasLeft(room.id, alice), false, "gone with the room");
  });

  test("rooms.coMemberIdsOf() lists everyone sharing a room once, without self, ascending", async (store) => {
    const [alice, bob, carol, dave, erin] = await createUsers(store, "alice", "bob", "carol", "dave", "erin");
    const r1 = await store.rooms.createRoom("one", "group", alice, T0);
    const r2 = await store.rooms.createRoom("two", "group", alice, T0);
    const r3 = await store.rooms.createRoom("three", "group", erin, T0);
    for (const user of [alice, carol, dave]) await store.rooms.addMember(r1.id, user, "member", T0);
    for (const user of [dave, alice, bob]) await store.rooms.addMember(r2.id, user, "member", T0); // dave: two rooms
    for (const user of [bob, erin]) await store.rooms.addMember(r3.id, user, "member", T0); // erin: not alice's
    await store.friends.addFriendship(alice, erin, T0); // friendship does not make a co-member
    assert.deepEqual(await store.rooms.coMemberIdsOf(alice), [bob, carol, dave]);
    assert.deepEqual(await store.rooms.coMemberIdsOf(erin), [bob]);
    assert.deepEqual(await store.rooms.coMemberIdsOf(bob), [alice, dave, erin]);
  });

  test("rooms.coMemberIdsOf() is empty for a user alone in a room or in none", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const room = await store.rooms.createRoom("solo", "group", alice, T0);
    await store.rooms.addMember(room.id, alice, "owner", T0);
    assert.deepEqual(await store.rooms.coMemberIdsOf(alice), []);
    assert.deepEqual(await store.rooms.coMemberIdsOf(bob), []);
  });

  test("rooms.rename() renames; an unknown room throws RecordNotFoundError", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    await store.rooms.rename(room.id, "读书会");
    assert.equal((await store.rooms.findById(room.id))?.name, "读书会");
    await assert.rejects(store.rooms.rename(room.id + 1000, "x"), RecordNotFoundError);
  });

  test("rooms.transferOwnership() swaps owner and member at once; a non-member is refused and nothing changes", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    await store.rooms.addMember(room.id, alice, "owner", T0);
    await store.rooms.addMember(room.id, bob, "member", T0);
    await assert.rejects(store.rooms.transferOwnership(room.id, carol), RecordNotFoundError);
    assert.equal((await store.rooms.findById(room.id))?.ownerId, alice);
    await store.rooms.transferOwnership(room.id, bob);
    assert.equal((await store.rooms.findById(room.id))?.ownerId, bob);
    assert.deepEqual((await store.rooms.membersOf(room.id)).map((m) => [m.userId, m.role]), [
      [alice, "member"],
      [bob, "owner"],
    ]);
    await store.rooms.transferOwnership(room.id, bob);
    assert.equal((await store.rooms.findById(room.id))?.ownerId, bob, "to the owner: nothing changes");
  });

  test("rooms.setInviteCode() makes a code name the room; a new one or null makes the old one name nothing", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    const other = await store.rooms.createRoom("two", "group", alice, T0);
    await store.rooms.setInviteCode(room.id, hash(1));
    assert.deepEqual(await store.rooms.findByInviteCode(hash(1)), room);
    await store.rooms.setInviteCode(room.id, hash(2));
    assert.equal(await store.rooms.findByInviteCode(hash(1)), undefined);
    assert.equal((await store.rooms.findByInviteCode(hash(2)))?.id, room.id);
    await assert.rejects(store.rooms.setInviteCode(other.id, hash(2)), StoreError, "a hash names one room");
    await assert.rejects(store.rooms.setInviteCode(other.id, new Uint8Array(31)), StoreError);
    await assert.rejects(store.rooms.setInviteCode(other.id + room.id + 1000, hash(3)), RecordNotFoundError);
    await store.rooms.setInviteCode(room.id, null);
    assert.equal(await store.rooms.findByInviteCode(hash(2)), undefined);
  });

  test("rooms.listPublic() lists public groups by member count, then id, with the asker's membership", async (store) => {
    const [alice, bob, carol] = await createUsers(store, "alice", "bob", "carol");
    const small = await store.rooms.createRoom("small", "group", alice, T0, true);
    const big = await store.rooms.createRoom("big", "group", bob, T0, true);
    const hidden = await store.rooms.createRoom("hidden", "group", bob, T0);
    const alsoSmall = await store.rooms.createRoom("also small", "group", carol, T0, true);
    await store.rooms.addMember(small.id, alice, "owner", T0);
    for (const user of [bob, carol, alice]) {
      await store.rooms.addMember(big.id, user, user === bob ? "owner" : "member", T0);
    }
    await store.rooms.addMember(hidden.id, bob, "owner", T0);
    await store.rooms.addMember(alsoSmall.id, carol, "owner", T0);
    const listed = await store.rooms.listPublic(carol, 10);
    assert.deepEqual(listed.map((entry) => [entry.room.name, entry.memberCount, entry.member]), [
      ["big", 3, true],
      ["small", 1, false],
      ["also small", 1, true],
    ]);
    assert.deepEqual(listed[0].room, { ...big, ownerId: bob });
    assert.deepEqual((await store.rooms.listPublic(carol, 1)).map((entry) => entry.room.id), [big.id]);
  });

  test("rooms.lobbyReferencesBlob() finds a blob of a lobby message not recalled, and no other room's", async (store) => {
    const [alice] = await createUsers(store, "alice");
    const lobby = await store.conversations.forRoom((await store.rooms.lobby()).id, T0);
    const group = await store.rooms.createRoom("one", "group", alice, T0);
    const other = await store.conversations.forRoom(group.id, T0);
    const post = (conversationId: number, n: number) =>
      store.conversations.append(conversationId, {
        senderId: alice,
        clientId: `c${n}`,
        at: T0 + n,
        body: new Uint8Array([n]),
        blobs: [hash(n)],
      });
    await post(other.id, 1);
    assert.equal(await store.rooms.lobbyReferencesBlob(hash(1)), false, "a group's blob is its members'");
    const { message } = await post(lobby.id, 2);
    assert.equal(await store.rooms.lobbyReferencesBlob(hash(2)), true);
    await store.conversations.recall(lobby.id, message.seq, alice, T0 + 3);
    assert.equal(await store.rooms.lobbyReferencesBlob(hash(2)), false, "recalled");
  });

  test("rooms.delete() removes the room and its members, and says whether there was one", async (store) => {
    const [alice, bob] = await createUsers(store, "alice", "bob");
    const room = await store.rooms.createRoom("one", "group", alice, T0);
    await store.rooms.addMember(room.id, alice, "owner", T0);
    await store.rooms.addMember(room.id, bob, "member", T0);
    await store.rooms.setInviteCode(room.id, hash(1));
    assert.equal(await store.rooms.delete(room.id), true);
    assert.equal(await store.rooms.delete(room.id), false);
    assert.equal(await store.rooms.findById(room.id), undefined);
    assert.deepEqual(await store.rooms.roomsOf(bob), []);
    assert.deepEqual(await store.rooms.membersOf(room.id), []);
    assert.equal(await store.rooms.findByInviteCode(hash(1)), undefined);
  });
}
