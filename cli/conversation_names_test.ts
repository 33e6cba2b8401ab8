import assert from "node:assert/strict";
import { type ClientState, type ConversationSummary, initialClientState, type Room } from "../core/client/mod.ts";
import { directSummary } from "./_summary_fixture.ts";
import { conversationHandle, findConversation, findRoom } from "./conversation_names.ts";
import { UsageError } from "./exit_codes.ts";

function direct(id: number, username: string, nickname: string): ConversationSummary {
  return directSummary(id, { id: id + 100, username, nickname });
}

function room(id: number, name: string, conversationId: number, kind = "group"): Room {
  return { id, name, kind, public: false, ownerId: kind === "lobby" ? null : 1, conversationId };
}

const state: ClientState = {
  ...initialClientState,
  conversations: [direct(10, "dev", "Dev"), direct(11, "bob", "鲍勃")],
  rooms: [room(1, "Lobby", 1, "lobby"), room(2, "dev", 12), room(3, "读书会", 13), room(4, "读书会", 14)],
};

Deno.test("findConversation() names a friend by username in any case, a room by name or #id, and the lobby", () => {
  assert.deepEqual(findConversation(state, "BOB"), {
    conversationId: 11,
    kind: "direct",
    roomId: null,
    title: "鲍勃",
    handle: "bob",
  });
  assert.equal(findConversation(state, "#3")?.conversationId, 13);
  assert.deepEqual(findConversation(state, "lobby"), {
    conversationId: 1,
    kind: "lobby",
    roomId: 1,
    title: "Lobby",
    handle: "lobby",
  });
  assert.equal(findConversation(state, "carol"), undefined);
  assert.equal(findConversation(state, "#9"), undefined);
});

Deno.test("findConversation() refuses an ambiguous name as a usage error listing what to type instead", () => {
  assert.throws(
    () => findConversation(state, "dev"),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message === '"dev" names 2 conversations: dev (friend Dev), #2 (room dev); name one of them as shown',
  );
  assert.throws(() => findConversation(state, "读书会"), /#3 \(room 读书会\), #4 \(room 读书会\)/);
  assert.equal(findConversation(state, "@dev")?.conversationId, 10, "@ names only a friend");
  assert.equal(findConversation(state, "#2")?.conversationId, 12, "# names only a room");
});

Deno.test("findRoom() finds rooms and the lobby, never a friend", () => {
  assert.equal(findRoom(state, "dev")?.id, 2);
  assert.equal(findRoom(state, "lobby")?.kind, "lobby");
  assert.equal(findRoom(state, "bob"), undefined);
  assert.throws(() => findRoom(state, "读书会"), /names 2 rooms: #3, #4/);
});

Deno.test("conversationHandle() gives what findConversation() takes back", () => {
  assert.equal(conversationHandle(direct(11, "bob", "鲍勃")), "bob");
  const roomConversation = { ...direct(13, "x", "读书会"), kind: "room" as const, roomId: 3, peer: null };
  assert.equal(conversationHandle(roomConversation), "#3");
  assert.equal(findConversation(state, conversationHandle(roomConversation))?.conversationId, 13);
});
