import assert from "node:assert/strict";
import type { LoginBundle } from "./accounts.ts";
import { watchedUsers } from "./presence_watch.ts";
import { clientReducer, initialClientState } from "./reducers.ts";

const bundle: LoginBundle = {
  user: { id: 10, username: "me", nickname: "Me", font: { family: null, size: null } },
  friends: [{ id: 1, username: "bob", nickname: "Bob", online: false, lastSeenAt: 1 }],
  rooms: [],
  friendRequests: [],
  conversations: [],
  users: [],
};

const member = (id: number) => ({ user: { id, username: `u${id}`, nickname: `U${id}` }, role: "member", online: true });

Deno.test("watchedUsers() is the friends, then the watched rooms' members, without the user or repeats", () => {
  let state = clientReducer(initialClientState, { type: "loggedIn", bundle });
  state = clientReducer(state, {
    type: "roomMembers",
    roomId: 8,
    members: [member(10), member(1), member(4)],
    onlineCount: 3,
  });
  state = clientReducer(state, { type: "roomMembers", roomId: 9, members: [member(5)], onlineCount: 1 });
  assert.deepEqual(watchedUsers(state, [8]), [1, 4]);
  assert.deepEqual(watchedUsers(state, [8, 9]), [1, 4, 5]);
  assert.deepEqual(watchedUsers(state, []), [1]);
});

Deno.test("watchedUsers() stops at the server's limit of 1000", () => {
  let state = clientReducer(initialClientState, { type: "loggedIn", bundle });
  const members = Array.from({ length: 1200 }, (_, i) => member(100 + i));
  state = clientReducer(state, { type: "roomMembers", roomId: 8, members, onlineCount: 1200 });
  const ids = watchedUsers(state, [8]);
  assert.equal(ids.length, 1000);
  assert.equal(ids[0], 1, "friends first");
});
