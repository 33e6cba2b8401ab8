// Tests for the room operations' bodies: names, member lists, codes, and the room and member shapes (PROTOCOL.md §13).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import {
  createRoom,
  inviteToRoom,
  joinRoomByCode,
  lobbyCount,
  MAX_ROOM_CODE,
  MAX_ROOM_INVITEES,
  MAX_ROOM_NAME,
  renameRoom,
  room,
  roomMembers,
  roomRemoved,
  watchLobby,
} from "./rooms.ts";

const sample = { id: 6, name: "读书会", kind: "group", public: true, ownerId: 1, conversationId: 12 };

Deno.test("create_room takes a name of 1 to 64 characters counted as code points, friends' ids and public", () => {
  const ok = (name: string) => parseValue(createRoom.request, { name, memberIds: [], public: true });
  assert.equal(ok("𠮷".repeat(MAX_ROOM_NAME)).ok, true, "64 characters outside the BMP fit");
  assert.deepEqual(ok("x".repeat(MAX_ROOM_NAME + 1)), {
    ok: false,
    path: "name",
    message: "Field name must be 1 to 64 characters",
  });
  assert.deepEqual(ok(""), { ok: false, path: "name", message: "Field name must be 1 to 64 characters" });
  assert.deepEqual(ok("   "), { ok: false, path: "name", message: "Field name must not be empty" });
  assert.deepEqual(ok("two\nlines"), {
    ok: false,
    path: "name",
    message: "Field name cannot hold control characters or line breaks",
  });
});

Deno.test("create_room's public flag may be left out, and its members are ids, at most 100", () => {
  assert.deepEqual(parseValue(createRoom.request, { name: "a", memberIds: [2] }), {
    ok: true,
    value: { name: "a", memberIds: [2] },
  });
  const many = Array.from({ length: MAX_ROOM_INVITEES + 1 }, (_, i) => i + 1);
  assert.deepEqual(parseValue(createRoom.request, { name: "a", memberIds: many }), {
    ok: false,
    path: "memberIds",
    message: "Field memberIds must hold at most 100 items",
  });
  assert.equal(parseValue(inviteToRoom.request, { roomId: 1, userIds: [0] }).ok, false, "0 is no id");
  assert.equal(parseValue(renameRoom.request, { roomId: 1, name: "\u200bx" }).ok, false, "a format character");
});

Deno.test("join_room_by_code takes a string up to 64 units; the server decides whether it is a code", () => {
  assert.equal(parseValue(joinRoomByCode.request, { code: "nope" }).ok, true);
  assert.deepEqual(parseValue(joinRoomByCode.request, { code: "x".repeat(MAX_ROOM_CODE + 1) }), {
    ok: false,
    path: "code",
    message: "Field code must be at most 64 characters",
  });
});

Deno.test("a room names its owner (null for the lobby) and its conversation", () => {
  assert.equal(parseValue(room, sample).ok, true);
  assert.equal(parseValue(room, { ...sample, kind: "lobby", ownerId: null }).ok, true);
  assert.equal(parseValue(room, { ...sample, kind: "channel" }).ok, true, "a newer kind still reads");
  assert.deepEqual(parseValue(room, { ...sample, conversationId: null }), {
    ok: false,
    path: "conversationId",
    message: "Field conversationId must be an id, not null",
  });
});

Deno.test("room_members answers members with their role and presence, and the online count", () => {
  const member = { user: { id: 2, username: "bob", nickname: "Bob" }, role: "member", online: false };
  assert.equal(parseValue(roomMembers.response, { members: [member], onlineCount: 0 }).ok, true);
  assert.equal(parseValue(roomMembers.response, { members: [], onlineCount: 7 }).ok, true, "the lobby's answer");
  assert.equal(parseValue(roomMembers.response, { members: [] }).ok, false, "the count is always there");
});

Deno.test("watch_lobby takes true or false; lobby_count and room_removed carry what they say", () => {
  assert.equal(parseValue(watchLobby.request, { watch: false }).ok, true);
  assert.equal(parseValue(watchLobby.request, {}).ok, false);
  assert.equal(parseValue(lobbyCount.body, { onlineCount: 3 }).ok, true);
  assert.equal(parseValue(roomRemoved.body, { roomId: 6, reason: "deleted" }).ok, true);
});
