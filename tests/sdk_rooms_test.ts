// The SDK's rooms against a real server: a room made with a friend shows on both sides with its conversation, a text
// in it reaches the other, a rename reaches the other by room_updated, a member who leaves loses the room and its
// conversation; joins by invite code and from the public list, a removal (with its reason), a hand-over and a delete
// each reach every member's state, over TCP and over WebSocket; a room's members stay live while shown; and a watched
// lobby holds its online count, its recent history and its live messages, each once through a reconnect.

import assert from "node:assert/strict";
import { MemoryDeviceKeyStore, type Message, OPS, ProtocolError } from "../core/client/mod.ts";
import { FakeClock } from "../core/time/clock.ts";
import { deadline } from "./_harness.ts";
import { befriend, cuttable, me, PASSWORD, signUp, until, untilState, withServer } from "./_sdk.ts";

Deno.test("two SDK friends share a room: made, chatted in, renamed on both sides, and left", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "爱丽丝", "ws");
    const bob = await signUp(server, track, "bob", "Bob", "tcp");
    await befriend(alice, bob);

    const room = await alice.createRoom("Tea", { memberIds: [me(bob)] });
    assert.deepEqual([room.name, room.kind, room.ownerId, room.public], ["Tea", "group", me(alice), false]);
    const mine = alice.getSnapshot();
    assert.ok(mine.rooms.some((r) => r.id === room.id), "the creator's state holds the room");
    assert.ok(mine.conversations.some((c) => c.id === room.conversationId), "and its conversation");
    await until(
      bob,
      (s) => s.rooms.some((r) => r.id === room.id) && s.conversations.some((c) => c.id === room.conversationId),
      "bob's state holds the room and its conversation",
    );

    const sent = alice.sendText(room.conversationId, "第一行\nsecond line");
    const message = await sent.done;
    await until(
      bob,
      (s) => s.messages[room.conversationId]?.messages.some((m) => m.seq === message.seq) ?? false,
      "the text reaches bob",
    );
    const got = bob.getSnapshot().messages[room.conversationId].messages.find((m) => m.seq === message.seq)!;
    assert.deepEqual(got.body, { type: "text", text: "第一行\nsecond line" });

    const renamed = await alice.renameRoom(room.id, "Coffee");
    assert.equal(renamed.name, "Coffee");
    assert.equal(alice.getSnapshot().rooms.find((r) => r.id === room.id)?.name, "Coffee");
    await until(bob, (s) => s.rooms.find((r) => r.id === room.id)?.name === "Coffee", "the rename reaches bob");

    const { members } = await alice.roomMembers(room.id);
    assert.deepEqual(
      members.map((m) => [m.user.id, m.role]).sort(),
      [[me(alice), "owner"], [me(bob), "member"]].sort(),
    );
    assert.equal(alice.getSnapshot().roomMembers[room.id].members, members);

    await bob.leaveRoom(room.id);
    const left = bob.getSnapshot();
    assert.ok(!left.rooms.some((r) => r.id === room.id), "the room leaves bob's state");
    assert.ok(!left.conversations.some((c) => c.id === room.conversationId), "and its conversation");
    assert.ok(alice.getSnapshot().rooms.some((r) => r.id === room.id), "the owner keeps it");
  });
});

Deno.test("a watched lobby holds its recent history and live messages in order, each once through a reconnect", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "爱丽丝", "tcp");
    const clock = new FakeClock();
    const link = cuttable(server, "ws", {
      clock,
      deviceKeys: new MemoryDeviceKeyStore(),
      backoff: { random: () => 0.5 },
    });
    const bob = track(link.connection);
    await bob.register("bob", "Bob", PASSWORD);
    await bob.login("bob", PASSWORD, { remember: "Browser" });
    const lobby = bob.getSnapshot().lobby;
    assert.ok(lobby, "the bundle names the lobby");
    assert.equal(lobby.watching, false);
    for (let i = 1; i <= 3; i++) await alice.sendText(lobby.conversationId, `早 ${i}`).done;
    assert.equal(bob.getSnapshot().messages[lobby.conversationId], undefined, "nothing is held before watching");

    const count = await bob.watchLobby();
    assert.equal(count, 2);
    const watched = bob.getSnapshot();
    assert.deepEqual(watched.lobby, { ...lobby, online: 2, watching: true });
    assert.equal(watched.lobbyOnline, 2);
    assert.deepEqual(
      watched.messages[lobby.conversationId].messages.map((m) => m.body),
      [1, 2, 3].map((i) => ({
        type: "text",
        text: `早 ${i}`,
      })),
    );
    assert.ok(!watched.conversations.some((c) => c.id === lobby.conversationId), "the lobby is no conversation");

    const arrived = new Promise<Message>((resolve) => {
      const off = bob.on("message", ({ message }) => {
        if (message.conversationId !== lobby.conversationId) return;
        off();
        resolve(message);
      });
    });
    const sent = await alice.sendText(lobby.conversationId, "大家好").done;
    const message = await deadline(arrived, 20_000, "the lobby message reaches bob");
    assert.equal(message.seq, sent.seq);
    await until(bob, (s) => s.messages[lobby.conversationId]?.through === sent.seq, "bob's state holds it");

    await link.cut();
    await untilState(bob, "retrying");
    for (let i = 1; i <= 2; i++) await alice.sendText(lobby.conversationId, `while away ${i}`).done;
    bob.retryNow();
    await untilState(bob, "open");
    const last = await alice.sendText(lobby.conversationId, "back").done;
    await until(bob, (s) => s.messages[lobby.conversationId]?.through === last.seq, "bob catches up the lobby");
    const held = bob.getSnapshot().messages[lobby.conversationId].messages;
    const { messages: stored } = await alice.call(OPS.history, { conversationId: lobby.conversationId, limit: 50 });
    assert.deepEqual(held, stored, "every lobby message once, in sequence");
    assert.equal(bob.getSnapshot().lobby?.watching, true, "watched again after the reconnect");

    await bob.watchLobby(false);
    assert.equal(bob.getSnapshot().lobby?.watching, false);
    assert.equal(bob.getSnapshot().messages[lobby.conversationId], undefined, "an unwatched lobby holds nothing");
  });
});

Deno.test("a room's members shown through the SDK stay live: presence re-sorts them, a join adds one, unwatch stops", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "Alice", "tcp");
    const bob = await signUp(server, track, "bob", "Bob", "ws");
    const carol = await signUp(server, track, "carol", "Carol", "tcp");
    await befriend(alice, bob);
    await befriend(bob, carol);
    const room = await alice.createRoom("Tea", { memberIds: [me(bob)] });
    await until(bob, (s) => s.rooms.some((r) => r.id === room.id), "bob is in the room");
    const carolId = me(carol);
    await bob.inviteToRoom(room.id, [carolId]);

    const { members } = await alice.roomMembers(room.id);
    assert.deepEqual(members.map((m) => [m.user.nickname, m.online]), [["Alice", true], ["Bob", true], [
      "Carol",
      true,
    ]]);

    // Carol is no friend of Alice's: only watching the room's members tells Alice she left.
    await carol.logout();
    await until(
      alice,
      (s) =>
        s.roomMembers[room.id]?.members.at(-1)?.user.id === carolId && !s.roomMembers[room.id].members.at(-1)!.online,
      "carol shows offline, last",
    );
    await bob.logout();
    await until(alice, (s) => s.roomMembers[room.id]?.onlineCount === 1, "bob shows offline");
    assert.deepEqual(
      alice.getSnapshot().roomMembers[room.id].members.map((m) => [m.user.nickname, m.online]),
      [["Alice", true], ["Bob", false], ["Carol", false]],
    );
    await carol.login("carol", PASSWORD);
    await until(
      alice,
      (s) => s.roomMembers[room.id]?.members.map((m) => m.user.nickname).join() === "Alice,Carol,Bob",
      "carol comes back online, before bob",
    );

    const dave = await signUp(server, track, "dave", "Dave", "ws");
    const code = await alice.roomInviteCode(room.id);
    await dave.joinRoomByCode(code);
    await until(
      alice,
      (s) => s.roomMembers[room.id]?.members.some((m) => m.user.id === me(dave) && m.online) ?? false,
      "the join refreshes the list",
    );

    await alice.unwatchRoomMembers(room.id);
    assert.ok(alice.getSnapshot().roomMembers[room.id], "the last list stays");
  });
});

for (const via of ["tcp", "ws"] as const) {
  Deno.test(`SDK rooms over ${via}: join by invite code and from the public list, remove, hand over, delete`, async () => {
    await withServer(async (server, track) => {
      const alice = await signUp(server, track, "alice", "Alice", via);
      const bob = await signUp(server, track, "bob", "Bob", via);
      const carol = await signUp(server, track, "carol", "Carol", via);

      // A private room, joined by its invite code; the code before a new one stops working.
      const secret = await alice.createRoom("Secret");
      const old = await alice.roomInviteCode(secret.id);
      const code = await alice.roomInviteCode(secret.id);
      await assert.rejects(
        bob.joinRoomByCode(old),
        (e) => e instanceof ProtocolError && e.code === "room_code_invalid",
      );
      const joined = await bob.joinRoomByCode(code);
      assert.equal(joined.id, secret.id);
      assert.ok(bob.getSnapshot().rooms.some((r) => r.id === secret.id), "bob's state holds the room");
      assert.ok(bob.getSnapshot().conversations.some((c) => c.id === secret.conversationId), "and its conversation");
      assert.ok(!(await carol.listPublicRooms()).some((r) => r.id === secret.id), "a private room is not listed");

      // A public room, found in the list and joined from it.
      const open = await alice.createRoom("Open", { public: true });
      const listed = (await carol.listPublicRooms()).find((r) => r.id === open.id);
      assert.deepEqual(listed && [listed.name, listed.memberCount, listed.member], ["Open", 1, false]);
      await carol.joinRoom(open.id);
      assert.ok(carol.getSnapshot().conversations.some((c) => c.id === open.conversationId));
      assert.equal((await carol.listPublicRooms()).find((r) => r.id === open.id)?.member, true);
      await bob.joinRoom(open.id);
      await until(alice, (s) => s.messages[open.conversationId]?.messages.length === 3, "alice reads both joins");
      assert.deepEqual(
        alice.getSnapshot().messages[open.conversationId].messages.map((m) => m.body.type === "system" && m.body.event),
        ["created", "joined", "joined"],
      );

      // Removed: carol's state drops the room and its conversation, and the push says why.
      const removed = new Promise<string>((resolve) => {
        const off = carol.on("roomRemoved", ({ roomId, reason }) => {
          if (roomId !== open.id) return;
          off();
          resolve(reason);
        });
      });
      await alice.removeMember(open.id, me(carol));
      assert.equal(await deadline(removed, 20_000, "carol hears she was removed"), "removed");
      await until(
        carol,
        (s) => !s.rooms.some((r) => r.id === open.id) && !s.conversations.some((c) => c.id === open.conversationId),
        "the room leaves carol's state",
      );
      await assert.rejects(carol.sendText(open.conversationId, "still here?").done);

      // Handed over: both sides see the new owner; the old owner may no longer rename it.
      const handed = await alice.transferRoom(open.id, me(bob));
      assert.equal(handed.ownerId, me(bob));
      assert.equal(alice.getSnapshot().rooms.find((r) => r.id === open.id)?.ownerId, me(bob));
      await until(bob, (s) => s.rooms.find((r) => r.id === open.id)?.ownerId === me(bob), "bob learns he owns it");
      await assert.rejects(
        alice.renameRoom(open.id, "Mine"),
        (e) => e instanceof ProtocolError && e.code === "not_allowed",
      );

      // Deleted by its new owner: every member's state drops it.
      await bob.deleteRoom(open.id);
      assert.ok(!bob.getSnapshot().rooms.some((r) => r.id === open.id));
      await until(
        alice,
        (s) => !s.rooms.some((r) => r.id === open.id) && !s.conversations.some((c) => c.id === open.conversationId),
        "the deleted room leaves alice's state",
      );
      assert.ok(alice.getSnapshot().rooms.some((r) => r.id === secret.id), "the other room stays");
    });
  });
}

Deno.test("a stranger's lobby message names its sender by nickname in the SDK, by push and by history after a reconnect", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "爱丽丝", "tcp");
    const carol = await signUp(server, track, "carol", "小卡", "ws");
    const clock = new FakeClock();
    const link = cuttable(server, "ws", {
      clock,
      deviceKeys: new MemoryDeviceKeyStore(),
      backoff: { random: () => 0.5 },
    });
    const bob = track(link.connection);
    await bob.register("bob", "Bob", PASSWORD);
    await bob.login("bob", PASSWORD, { remember: "Browser" });
    const lobby = bob.getSnapshot().lobby!;
    await bob.watchLobby();
    assert.equal(bob.getSnapshot().users[me(alice)], undefined, "Alice is a stranger to Bob");

    const hello = await alice.sendText(lobby.conversationId, "大家好").done;
    await until(bob, (s) => s.messages[lobby.conversationId]?.through === hello.seq, "Bob holds Alice's message");
    assert.deepEqual(bob.getSnapshot().users[me(alice)], { id: me(alice), username: "alice", nickname: "爱丽丝" });

    await link.cut();
    await untilState(bob, "retrying");
    const away = await carol.sendText(lobby.conversationId, "while Bob was away").done;
    bob.retryNow();
    await untilState(bob, "open");
    await until(bob, (s) => s.messages[lobby.conversationId]?.through === away.seq, "Bob catches up the lobby");
    assert.deepEqual(
      bob.getSnapshot().users[me(carol)],
      { id: me(carol), username: "carol", nickname: "小卡" },
      "a sender Bob never heard live is named by the history page",
    );
  });
});
