import assert from "node:assert/strict";
import type { FriendRequest } from "./chat_types.ts";
import { blockedUsers, incomingRequests, learnUsers, sentRequests } from "./friends.ts";

const eve = { id: 5, username: "eve", nickname: "Eve" };
const request: FriendRequest = { id: 1, from: eve, note: "我是你的同学", status: "pending", createdAt: 1 };
const friend = { ...eve, online: true, lastSeenAt: null };

Deno.test("incomingRequests() adds a pushed request, and a renewed one replaces its older form", () => {
  const list = incomingRequests([], { type: "friendRequest", request });
  assert.deepEqual(list, [request]);
  const renewed = { ...request, note: "again", createdAt: 9 };
  assert.deepEqual(incomingRequests(list, { type: "friendRequest", request: renewed }), [renewed]);
});

Deno.test("incomingRequests() leaves a request answered 'later' deferred and takes accepted or rejected ones off", () => {
  const list = [request];
  const later = incomingRequests(list, { type: "friendRequestAnswered", request, answer: "later" });
  assert.deepEqual(later, [{ ...request, status: "deferred" }]);
  assert.deepEqual(incomingRequests(later, { type: "friendRequestAnswered", request, answer: "accept" }), []);
  assert.deepEqual(incomingRequests(list, { type: "friendRequestAnswered", request, answer: "reject" }), []);
  const unknown = { ...request, id: 99 };
  assert.equal(incomingRequests(list, { type: "friendRequestAnswered", request: unknown, answer: "reject" }), list);
});

Deno.test("a friendship ends the requests between the two, both ways", () => {
  const added = { type: "friendAdded" as const, friend, conversationId: 3 };
  assert.deepEqual(incomingRequests([request], added), []);
  const sent = sentRequests([], { type: "friendRequestSent", userId: 5, request: { ...request, from: null } });
  assert.equal(sent.length, 1);
  assert.deepEqual(sentRequests(sent, added), []);
});

Deno.test("asking someone who asked first accepts their request instead of adding one", () => {
  const accepted = { ...request, status: "accepted" };
  const action = { type: "friendRequestSent" as const, userId: 5, request: accepted };
  assert.deepEqual(incomingRequests([request], action), []);
  assert.deepEqual(sentRequests([], action), []);
});

Deno.test("blockedUsers() is the last list_blocked answer", () => {
  const list = [{ ...eve, blockedAt: 7 }];
  assert.equal(blockedUsers([], { type: "blocked", list }), list);
  assert.deepEqual(blockedUsers(list, { type: "users", users: [] }), list);
});

Deno.test("learnUsers() adds and renames users and keeps the directory when nothing is new", () => {
  const users = learnUsers({}, [eve, null, undefined]);
  assert.deepEqual(users, { 5: eve });
  assert.equal(learnUsers(users, [{ ...eve }]), users);
  assert.equal(learnUsers(users, [{ ...eve, nickname: "Evie" }])[5].nickname, "Evie");
});
