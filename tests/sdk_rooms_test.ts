// The SDK's rooms against a real server: a room made with a friend shows on both sides with its conversation, a text
// in it reaches the other, a rename reaches the other by room_updated, a member who leaves loses the room and its
// conversation, and the lobby answers its online count and delivers its messages to a connection that watches it.

import assert from "node:assert/strict";
import type { Message } from "../core/client/mod.ts";
import { deadline } from "./_harness.ts";
import { befriend, me, signUp, until, withServer } from "./_sdk.ts";

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

Deno.test("a watched lobby gives the online count and delivers a message posted to it", async () => {
  await withServer(async (server, track) => {
    const alice = await signUp(server, track, "alice", "爱丽丝", "tcp");
    const bob = await signUp(server, track, "bob", "Bob", "ws");
    const lobby = bob.getSnapshot().rooms.find((r) => r.kind === "lobby");
    assert.ok(lobby, "the bundle names the lobby");

    const count = await bob.watchLobby();
    assert.equal(count, 2);
    assert.equal(bob.getSnapshot().lobbyOnline, 2);

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
    assert.deepEqual(message.body, { type: "text", text: "大家好" });
  });
});
