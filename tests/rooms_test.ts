// Rooms and the lobby over real sockets (PROTOCOL.md §13): making a room with friends, inviting, joining public rooms
// and by code, leaving, the owner's tools and who may use them, the system lines in a room's history, what a removed
// member can no longer do, deleting; and the lobby, where users who are not friends chat and the online count reaches
// only those who watch it, at most once per interval of the server's clock.

import assert from "node:assert/strict";
import type { Message } from "../core/protocol/ops/messages.ts";
import type { Room } from "../core/protocol/ops/rooms.ts";
import { OPS, PUSHES } from "../core/protocol/registry.ts";
import { FakeClock } from "../core/time/clock.ts";
import { expectCode, withClients } from "./_accounts_helpers.ts";
import {
  befriend,
  logInAgain,
  next,
  type Person,
  received,
  say,
  shareImage,
  signUp,
  stillServes,
} from "./_chat_helpers.ts";
import { hollowPng } from "./_images.ts";

/** The whole history of a conversation as one member reads it. */
async function historyOf(person: Person, conversationId: number): Promise<Message[]> {
  const { messages, hasMore } = await person.client.call(OPS.history, { conversationId, limit: 200 });
  assert.equal(hasMore, false);
  return messages;
}

/** The system lines of a history, as `event:userId:by:name` (absent parts empty), and the texts as they are. */
function lines(messages: readonly Message[]): string[] {
  return messages.map(({ body }) =>
    body.type === "system"
      ? `${body.event}:${body.userId ?? ""}:${body.by ?? ""}:${body.name ?? ""}`
      : body.type === "text"
      ? body.text
      : body.type
  );
}

/** Makes a room owned by `owner` with `members` (who must be the owner's friends). */
async function makeRoom(owner: Person, name: string, members: Person[], isPublic = false): Promise<Room> {
  const memberIds = members.map((m) => m.profile.id);
  return (await owner.client.call(OPS.createRoom, { name, memberIds, public: isPublic })).room;
}

Deno.test("a room made with friends tells them at once; a non-friend refuses the whole room", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice", "tcp", "爱丽丝");
    const bob = await signUp(context, "bob", "ws");
    const carol = await signUp(context, "carol");
    const dave = await signUp(context, "dave");
    await befriend(alice, bob);
    await befriend(alice, carol);

    await expectCode(
      alice.client.call(OPS.createRoom, { name: "Hike", memberIds: [bob.profile.id, dave.profile.id] }),
      "not_allowed",
      "a room with a stranger in it",
    );
    await expectCode(
      alice.client.call(OPS.createRoom, { name: "Ghosts", memberIds: [bob.profile.id, 9999] }),
      "not_allowed",
      "an account that does not exist is refused the same way",
    );
    assert.deepEqual(received(bob.pushes, PUSHES.roomUpdated), [], "nothing was made");
    await stillServes(alice);

    const room = await makeRoom(alice, "  读书会  ", [bob, carol, bob, alice]);
    assert.deepEqual(room, {
      id: room.id,
      name: "读书会",
      kind: "group",
      public: false,
      ownerId: alice.profile.id,
      conversationId: room.conversationId,
    });
    assert.deepEqual((await next(bob.pushes, PUSHES.roomUpdated)).room, room);
    const added = (await next(carol.pushes, PUSHES.conversationAdded, (c) => c.conversation.kind === "room"))
      .conversation;
    assert.deepEqual([added.id, added.kind, added.roomId, added.title], [
      room.conversationId,
      "room",
      room.id,
      "读书会",
    ]);
    const expected = [
      `created::${alice.profile.id}:读书会`,
      `joined:${bob.profile.id}:${alice.profile.id}:`,
      `joined:${carol.profile.id}:${alice.profile.id}:`,
    ];
    for (const person of [alice, bob, carol]) {
      assert.deepEqual(lines(await historyOf(person, room.conversationId)), expected, person.profile.username);
    }
    // The lines were delivered live too, to every member, in order.
    await next(carol.pushes, PUSHES.message, (m) => m.message.seq === 3);
    assert.deepEqual(received(carol.pushes, PUSHES.message).map((m) => m.message.seq), [1, 2, 3]);
    assert.deepEqual(received(dave.pushes, PUSHES.message), [], "nothing reaches a stranger");

    // A member list with presence: online first, then by nickname.
    await dave.client.call(OPS.logout, {});
    bob.client.close();
    await bob.client.closed;
    const { members, onlineCount } = await carol.client.call(OPS.roomMembers, { roomId: room.id });
    assert.equal(onlineCount, 3, "Bob is within the grace period");
    assert.deepEqual(members.map((m) => [m.user.nickname, m.role, m.online]), [
      ["Bob", "member", true],
      ["Carol", "member", true],
      ["爱丽丝", "owner", true],
    ]);
    await expectCode(dave.client.call(OPS.roomMembers, { roomId: room.id }), "not_logged_in", "logged out");

    const bundle = (await logInAgain(context, carol)).bundle;
    assert.deepEqual(bundle.rooms.filter((r) => r.kind === "group"), [room]);
    assert.equal(bundle.rooms.filter((r) => r.kind === "lobby").length, 1, "and the lobby, every user's");
  }, { flags: ["--server.presenceGraceMs=60000"] });
});

Deno.test("a member invites friends only; those in already are skipped; the invited hear it", async () => {
  await withClients(async (context) => {
    const [alice, bob, carol, dave] = await Promise.all(
      ["alice", "bob", "carol", "dave"].map((name) => signUp(context, name)),
    );
    await befriend(alice, bob);
    await befriend(bob, carol);
    const room = await makeRoom(alice, "Chess", [bob]);

    await expectCode(
      bob.client.call(OPS.inviteToRoom, { roomId: room.id, userIds: [carol.profile.id, dave.profile.id] }),
      "not_allowed",
      "Dave is not Bob's friend",
    );
    assert.deepEqual(await bob.client.call(OPS.inviteToRoom, { roomId: room.id, userIds: [carol.profile.id] }), {
      added: [carol.profile.id],
    });
    assert.deepEqual((await next(carol.pushes, PUSHES.roomUpdated)).room, room);
    assert.deepEqual(
      await bob.client.call(OPS.inviteToRoom, { roomId: room.id, userIds: [carol.profile.id, alice.profile.id] }),
      { added: [] },
      "members already are skipped",
    );
    await expectCode(
      dave.client.call(OPS.inviteToRoom, { roomId: room.id, userIds: [] }),
      "not_found",
      "a stranger cannot tell the room exists",
    );
    assert.deepEqual(lines(await historyOf(carol, room.conversationId)), [
      `joined:${carol.profile.id}:${bob.profile.id}:`,
    ], "a new member sees only what came after they joined, their own line first");
  });
});

Deno.test("public rooms are listed and joined; any room is joined by its current code, and a new code ends the old", async () => {
  await withClients(async (context) => {
    const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((name) => signUp(context, name)));
    const open = await makeRoom(alice, "Open", [], true);
    const closed = await makeRoom(alice, "Closed", []);

    const { rooms } = await bob.client.call(OPS.listPublicRooms, {});
    assert.deepEqual(rooms, [{ id: open.id, name: "Open", memberCount: 1, member: false }]);
    await expectCode(bob.client.call(OPS.joinRoom, { roomId: closed.id }), "not_found", "a private room");
    await expectCode(bob.client.call(OPS.joinRoom, { roomId: 9999 }), "not_found", "no room");
    const joined = await bob.client.call(OPS.joinRoom, { roomId: open.id });
    assert.deepEqual(joined.room, open);
    assert.deepEqual(await bob.client.call(OPS.joinRoom, { roomId: open.id }), joined, "joining again changes nothing");
    assert.deepEqual((await bob.client.call(OPS.listPublicRooms, {})).rooms, [
      { id: open.id, name: "Open", memberCount: 2, member: true },
    ]);
    assert.equal((await next(alice.pushes, PUSHES.message)).message.body.type, "system", "the owner hears the join");

    await expectCode(bob.client.call(OPS.roomInviteCode, { roomId: open.id }), "not_allowed", "a member's code");
    await expectCode(bob.client.call(OPS.roomInviteCode, { roomId: closed.id }), "not_found", "a stranger's code");
    const { code: first } = await alice.client.call(OPS.roomInviteCode, { roomId: closed.id });
    const { code: second } = await alice.client.call(OPS.roomInviteCode, { roomId: closed.id });
    assert.notEqual(first, second);
    await expectCode(carol.client.call(OPS.joinRoomByCode, { code: first }), "room_code_invalid", "a rotated code");
    await expectCode(carol.client.call(OPS.joinRoomByCode, { code: "nope" }), "room_code_invalid", "no code at all");
    const byCode = await carol.client.call(OPS.joinRoomByCode, { code: ` ${second.toUpperCase()}\n` });
    assert.deepEqual(byCode.room, closed);
    assert.deepEqual(
      (await carol.client.call(OPS.roomMembers, { roomId: closed.id })).members.map((m) => m.user.id),
      [alice.profile.id, carol.profile.id],
      "both online, then by nickname",
    );
  });
});

Deno.test("the owner's tools: each refused to a member; the history keeps every change in order", async () => {
  await withClients(async (context) => {
    const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((name) => signUp(context, name)));
    await befriend(alice, bob);
    await befriend(alice, carol);
    const room = await makeRoom(alice, "Team", [bob, carol]);
    const { roomId } = { roomId: room.id };

    for (
      const [what, call] of [
        ["rename", () => bob.client.call(OPS.renameRoom, { roomId, name: "Mine" })],
        ["remove", () => bob.client.call(OPS.removeMember, { roomId, userId: carol.profile.id })],
        ["transfer", () => bob.client.call(OPS.transferRoom, { roomId, userId: bob.profile.id })],
        ["delete", () => bob.client.call(OPS.deleteRoom, { roomId })],
        ["code", () => bob.client.call(OPS.roomInviteCode, { roomId })],
      ] as const
    ) {
      await expectCode(call(), "not_allowed", `a member's ${what}`);
    }
    await expectCode(alice.client.call(OPS.leaveRoom, { roomId }), "not_allowed", "the owner hands over first");
    await expectCode(
      alice.client.call(OPS.removeMember, { roomId, userId: alice.profile.id }),
      "not_allowed",
      "the owner removing themselves",
    );

    await say(bob, room.conversationId, "hello");
    const renamed = await alice.client.call(OPS.renameRoom, { roomId, name: "团队" });
    assert.equal(renamed.room.name, "团队");
    assert.equal((await next(bob.pushes, PUSHES.roomUpdated, (u) => u.room.name === "团队")).room.id, roomId);
    const handed = await alice.client.call(OPS.transferRoom, { roomId, userId: bob.profile.id });
    assert.equal(handed.room.ownerId, bob.profile.id);
    await expectCode(alice.client.call(OPS.renameRoom, { roomId, name: "x" }), "not_allowed", "no longer the owner");
    await bob.client.call(OPS.removeMember, { roomId, userId: carol.profile.id });
    await alice.client.call(OPS.leaveRoom, { roomId });

    assert.deepEqual(lines(await historyOf(bob, room.conversationId)), [
      `created::${alice.profile.id}:Team`,
      `joined:${bob.profile.id}:${alice.profile.id}:`,
      `joined:${carol.profile.id}:${alice.profile.id}:`,
      "hello",
      `renamed::${alice.profile.id}:团队`,
      `owner:${bob.profile.id}:${alice.profile.id}:`,
      `removed:${carol.profile.id}:${bob.profile.id}:`,
      `left:${alice.profile.id}::`,
    ]);
    assert.deepEqual(await next(carol.pushes, PUSHES.roomRemoved), { roomId, reason: "removed" });
    assert.equal((await next(carol.pushes, PUSHES.conversationRemoved)).conversationId, room.conversationId);

    // The removed member and the one who left can no longer read or post; a stranger learns nothing.
    for (const former of [carol, alice]) {
      await expectCode(say(former, room.conversationId, "still here?"), "not_allowed", "post after leaving");
      await expectCode(
        former.client.call(OPS.history, { conversationId: room.conversationId, limit: 10 }),
        "not_allowed",
        "read after leaving",
      );
      await expectCode(former.client.call(OPS.roomMembers, { roomId }), "not_allowed", "members after leaving");
    }
    const dave = await signUp(context, "dave");
    await expectCode(say(dave, room.conversationId, "hi"), "not_found", "a stranger posting");
    await expectCode(dave.client.call(OPS.roomMembers, { roomId }), "not_found", "a stranger's member list");
    await stillServes(carol);
  });
});

Deno.test("deleting a room tells its members and takes its history with it; the last owner's leave deletes too", async () => {
  await withClients(async (context) => {
    const [alice, bob] = await Promise.all(["alice", "bob"].map((name) => signUp(context, name)));
    await befriend(alice, bob);
    const room = await makeRoom(alice, "Short-lived", [bob]);
    await say(bob, room.conversationId, "bye soon");
    await alice.client.call(OPS.deleteRoom, { roomId: room.id });
    assert.deepEqual(await next(bob.pushes, PUSHES.roomRemoved), { roomId: room.id, reason: "deleted" });
    assert.equal((await next(bob.pushes, PUSHES.conversationRemoved)).conversationId, room.conversationId);
    await expectCode(bob.client.call(OPS.roomMembers, { roomId: room.id }), "not_found", "the room is gone");
    await expectCode(
      bob.client.call(OPS.history, { conversationId: room.conversationId, limit: 10 }),
      "not_found",
      "and its history",
    );
    await expectCode(alice.client.call(OPS.deleteRoom, { roomId: room.id }), "not_found", "deleted twice");

    const alone = await makeRoom(alice, "Alone", []);
    await alice.client.call(OPS.leaveRoom, { roomId: alone.id });
    await expectCode(alice.client.call(OPS.roomMembers, { roomId: alone.id }), "not_found", "left by its last member");
  });
});

Deno.test("in the lobby users who are not friends chat, and lobby_count reaches only watchers, coalesced", async () => {
  const clock = new FakeClock();
  await withClients(async (context) => {
    const alice = await signUp(context, "alice");
    const bob = await signUp(context, "bob", "ws");
    const lobby = alice.bundle.rooms.find((room) => room.kind === "lobby")!;
    assert.deepEqual(bob.bundle.rooms.find((room) => room.kind === "lobby"), lobby);
    assert.deepEqual([lobby.public, lobby.ownerId], [true, null]);

    assert.deepEqual(await alice.client.call(OPS.watchLobby, { watch: true }), { onlineCount: 2 });
    assert.deepEqual(await bob.client.call(OPS.roomMembers, { roomId: lobby.id }), { members: [], onlineCount: 2 });
    const hello = await say(bob, lobby.conversationId, "大家好");
    assert.deepEqual((await next(alice.pushes, PUSHES.message)).message, hello, "a watcher hears it live");
    await say(alice, lobby.conversationId, "hi Bob");
    assert.deepEqual(lines(await historyOf(bob, lobby.conversationId)), ["大家好", "hi Bob"], "anyone may read it");
    assert.deepEqual(
      await bob.client.call(OPS.markRead, { conversationId: lobby.conversationId, seq: 99 }),
      { readSeq: 2 },
      "the lobby keeps no read position: the answer is the last message at most",
    );
    assert.deepEqual(received(bob.pushes, PUSHES.message), [], "Bob does not watch the lobby");

    // An image in the lobby is everyone's to fetch, as the lobby is; a recalled one is no one's but its uploader's.
    const png = hollowPng(3, 2);
    const image = await say(bob, lobby.conversationId, await shareImage(bob, png));
    assert.equal(image.body.type, "image");
    const name = image.body.type === "image" ? image.body.blob : new Uint8Array();
    const fetched = await alice.client.call(OPS.download, { sha256: name, offset: 0, length: png.length });
    assert.deepEqual(fetched.bytes, png);
    await bob.client.call(OPS.recallMessage, { conversationId: lobby.conversationId, seq: image.seq });
    await expectCode(
      alice.client.call(OPS.download, { sha256: name, offset: 0, length: 1 }),
      "not_found",
      "a recalled image",
    );

    for (
      const [what, call] of [
        ["leave", () => bob.client.call(OPS.leaveRoom, { roomId: lobby.id })],
        ["rename", () => bob.client.call(OPS.renameRoom, { roomId: lobby.id, name: "mine" })],
        ["invite", () => bob.client.call(OPS.inviteToRoom, { roomId: lobby.id, userIds: [] })],
        ["code", () => bob.client.call(OPS.roomInviteCode, { roomId: lobby.id })],
        ["delete", () => bob.client.call(OPS.deleteRoom, { roomId: lobby.id })],
      ] as const
    ) {
      await expectCode(call(), "not_allowed", `the lobby: ${what}`);
    }

    // Three users log in and one logs out within one interval: the watcher hears one count, the last.
    const others = [];
    for (const name of ["carol", "dave", "erin"]) others.push(await signUp(context, name));
    await others[0].client.call(OPS.logout, {});
    const interval = context.server.config.server.lobbyCountIntervalMs;
    clock.tick(interval);
    const count = await next(alice.pushes, PUSHES.lobbyCount);
    assert.deepEqual(count, { onlineCount: 4 });
    clock.tick(interval * 3);
    await stillServes(alice);
    assert.equal(received(alice.pushes, PUSHES.lobbyCount).length, 1, "nothing more while the count stays");
    assert.deepEqual(received(bob.pushes, PUSHES.lobbyCount), [], "nothing for a connection that does not watch");

    await alice.client.call(OPS.watchLobby, { watch: false });
    await others[1].client.call(OPS.logout, {});
    clock.tick(interval * 2);
    await stillServes(alice);
    assert.equal(received(alice.pushes, PUSHES.lobbyCount).length, 1, "no push after watching stopped");
  }, { clock, flags: ["--server.presenceGraceMs=0", "--server.lobbyCountIntervalMs=1000"] });
});

Deno.test("a block hides presence both ways even between members of one room; other members still see both", async () => {
  await withClients(async (context) => {
    const [alice, bob, carol] = await Promise.all(["alice", "bob", "carol"].map((name) => signUp(context, name)));
    await befriend(alice, bob);
    await befriend(alice, carol);
    await makeRoom(alice, "Book club", [bob, carol]);
    const watch = (person: Person, ...others: Person[]) =>
      person.client.call(OPS.watchPresence, { userIds: others.map((other) => other.profile.id) })
        .then(({ presence }) => presence.map((p) => p.userId));
    assert.deepEqual(await watch(bob, carol), [carol.profile.id], "co-members see each other");
    assert.deepEqual(await watch(carol, bob), [bob.profile.id], "Carol watches Bob before the block");

    await bob.client.call(OPS.blockUser, { userId: carol.profile.id });
    assert.deepEqual(await watch(bob, carol, alice), [alice.profile.id], "the blocker no longer sees the blocked");
    assert.deepEqual(await watch(carol, bob, alice), [alice.profile.id], "nor the blocked the blocker");
    assert.deepEqual(await watch(alice, bob, carol), [bob.profile.id, carol.profile.id], "the others see both");

    // A watch made before the block ends with it: Bob's logout reaches Alice, and not Carol. The server pushes to
    // watchers before it answers the logout, so Carol's answer to a request sent after it comes after any push.
    await bob.client.call(OPS.unblockUser, { userId: carol.profile.id });
    assert.deepEqual(await watch(carol, bob, alice), [bob.profile.id, alice.profile.id], "unblocked, seen again");
    await bob.client.call(OPS.blockUser, { userId: carol.profile.id });
    await bob.client.call(OPS.logout, {});
    await next(alice.pushes, PUSHES.presence, (p) => p.userId === bob.profile.id && !p.online);
    await stillServes(carol);
    assert.deepEqual(received(carol.pushes, PUSHES.presence).filter((p) => p.userId === bob.profile.id), []);
  });
});

Deno.test("answers and pushes name only the senders of messages the caller may read, by their current nickname", async () => {
  await withClients(async (context) => {
    const alice = await signUp(context, "alice", "tcp", "爱丽丝");
    const bob = await signUp(context, "bob", "ws");
    const carol = await signUp(context, "carol");
    await befriend(alice, bob);
    await befriend(alice, carol);
    const ref = ({ profile: { id, username, nickname } }: Person) => ({ id, username, nickname });

    const room = await makeRoom(alice, "读书会", [bob]);
    const early = await say(bob, room.conversationId, "before Carol came");
    const heard = await next(alice.pushes, PUSHES.message, (m) => m.message.seq === early.seq);
    assert.deepEqual(heard, { message: early, sender: ref(bob) }, "a push names its sender");

    await alice.client.call(OPS.inviteToRoom, { roomId: room.id, userIds: [carol.profile.id] });
    const joined = await next(bob.pushes, PUSHES.message, (m) => m.message.body.type === "system" && m.message.seq > 2);
    assert.equal(joined.sender, null, "the server's line has no sender");
    await alice.client.call(OPS.setNickname, { nickname: "Ali" });
    const welcome = await say(alice, room.conversationId, "welcome");
    const told = await next(carol.pushes, PUSHES.message, (m) => m.message.seq === welcome.seq);
    assert.deepEqual(told.sender, { ...ref(alice), nickname: "Ali" }, "named as she is called now");

    const page = await carol.client.call(OPS.history, { conversationId: room.conversationId, limit: 200 });
    assert.ok(!page.messages.some((m) => m.senderId === bob.profile.id), "Bob's line came before Carol joined");
    assert.deepEqual(page.users, [{ ...ref(alice), nickname: "Ali" }], "so Bob is not named to her");
    const all = await bob.client.call(OPS.history, { conversationId: room.conversationId, limit: 200 });
    assert.deepEqual(all.users.map((u) => u.id).sort(), [alice.profile.id, bob.profile.id].sort(), "each sender once");

    const { conversations, users } = await carol.client.call(OPS.sync, {});
    assert.equal(conversations.find((c) => c.id === room.conversationId)?.last?.seq, welcome.seq);
    assert.deepEqual(users, [{ ...ref(alice), nickname: "Ali" }], "the sender of each last message");
  });
});
