import assert from "node:assert/strict";
import { lobbyOnline, membersPresence, roomList, roomMembersByRoom } from "./rooms.ts";

const tea = { id: 8, name: "Tea", kind: "group", public: false, ownerId: 1, conversationId: 30 };
const lobby = { id: 7, name: "Lobby", kind: "lobby", public: true, ownerId: null, conversationId: 3 };
const bob = { user: { id: 2, username: "bob", nickname: "Bob" }, role: "member", online: true };
const amy = { user: { id: 1, username: "amy", nickname: "amy" }, role: "owner", online: false };

Deno.test("roomList() adds a room it does not hold at the end and replaces one it holds in place", () => {
  const added = roomList([lobby], { type: "roomUpdated", room: tea });
  assert.deepEqual(added.map((room) => room.id), [7, 8]);
  const renamed = roomList(added, { type: "roomUpdated", room: { ...tea, name: "Coffee" } });
  assert.deepEqual(renamed.map((room) => room.name), ["Lobby", "Coffee"]);
});

Deno.test("roomList() returns the same list for an update that changes nothing and for an unknown removal", () => {
  const list = [lobby, tea];
  assert.equal(roomList(list, { type: "roomUpdated", room: { ...tea } }), list);
  assert.equal(roomList(list, { type: "roomRemoved", roomId: 99 }), list);
  assert.equal(roomList(list, { type: "lobbyCount", onlineCount: 3 }), list);
});

Deno.test("roomList() drops a removed room", () => {
  assert.deepEqual(roomList([lobby, tea], { type: "roomRemoved", roomId: 8 }), [lobby]);
});

Deno.test("roomMembersByRoom() keeps each answer in the server's order and forgets a removed room's members", () => {
  const held = roomMembersByRoom({}, { type: "roomMembers", roomId: 8, members: [bob, amy], onlineCount: 1 });
  assert.deepEqual(held[8].members.map((member) => member.user.id), [2, 1]);
  assert.equal(held[8].onlineCount, 1);
  const again = roomMembersByRoom(held, { type: "roomMembers", roomId: 8, members: [amy], onlineCount: 0 });
  assert.deepEqual(again[8].members, [amy]);
  assert.deepEqual(roomMembersByRoom(again, { type: "roomRemoved", roomId: 8 }), {});
  assert.equal(roomMembersByRoom(again, { type: "roomRemoved", roomId: 99 }), again);
});

Deno.test("lobbyOnline() takes each count and ignores other room actions", () => {
  assert.equal(lobbyOnline(null, { type: "lobbyCount", onlineCount: 4 }), 4);
  assert.equal(lobbyOnline(4, { type: "lobbyCount", onlineCount: 2 }), 2);
  assert.equal(lobbyOnline(2, { type: "roomRemoved", roomId: 8 }), 2);
});

Deno.test("membersPresence() moves a member who comes online up, in the server's order, and recounts", () => {
  const zed = { user: { id: 3, username: "zed", nickname: "Zed" }, role: "member", online: false };
  const state = { 8: { members: [bob, amy, zed], onlineCount: 1 } };
  const next = membersPresence(state, [{ userId: 3, online: true, lastSeenAt: null }]);
  assert.deepEqual(next[8].members.map((m) => [m.user.id, m.online]), [[2, true], [3, true], [1, false]]);
  assert.equal(next[8].onlineCount, 2);
  const gone = membersPresence(next, [{ userId: 2, online: false, lastSeenAt: 9 }]);
  assert.deepEqual(gone[8].members.map((m) => m.user.id), [3, 2, 1], "'Bob' sorts before 'amy' by code point");
  assert.equal(gone[8].onlineCount, 1);
});

Deno.test("membersPresence() updates the user in every room, and keeps what no presence changes by identity", () => {
  const tea8 = { members: [bob, amy], onlineCount: 1 };
  const other = { members: [amy], onlineCount: 0 };
  const state = { 8: tea8, 9: { members: [bob], onlineCount: 1 }, 10: other };
  const next = membersPresence(state, [{ userId: 2, online: false, lastSeenAt: 5 }]);
  assert.equal(next[8].onlineCount, 0);
  assert.equal(next[9].members[0].online, false);
  assert.equal(next[10], other);
  assert.equal(membersPresence(state, [{ userId: 2, online: true, lastSeenAt: null }]), state);
  assert.equal(membersPresence(state, [{ userId: 77, online: true, lastSeenAt: null }]), state);
});
