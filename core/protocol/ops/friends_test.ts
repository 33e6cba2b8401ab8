// Tests for the friends and blocks operations: notes, answers and the shapes they share (PROTOCOL.md §12).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import {
  answerFriendRequest,
  findUser,
  friendRequest,
  MAX_FIND_USERNAME,
  MAX_REQUEST_NOTE,
  sendFriendRequest,
} from "./friends.ts";

Deno.test("send_friend_request takes a note of up to 200 characters, null or none", () => {
  for (const note of ["", "我是小明，周末一起爬山", "𠮷".repeat(MAX_REQUEST_NOTE), null, undefined]) {
    assert.equal(parseValue(sendFriendRequest.request, { userId: 2, note }).ok, true, String(note));
  }
  assert.deepEqual(parseValue(sendFriendRequest.request, { userId: 2, note: "x".repeat(MAX_REQUEST_NOTE + 1) }), {
    ok: false,
    path: "note",
    message: "Field note must be 0 to 200 characters",
  });
});

Deno.test("a friend request's note is one line: no line breaks or control characters", () => {
  for (const note of ["first\nsecond", "bell\u0007", "rtl\u202e"]) {
    assert.deepEqual(parseValue(sendFriendRequest.request, { userId: 2, note }), {
      ok: false,
      path: "note",
      message: "Field note cannot hold control characters or line breaks",
    });
  }
});

Deno.test("answer_friend_request takes accept, reject or later and nothing else", () => {
  for (const answer of ["accept", "reject", "later"]) {
    assert.equal(parseValue(answerFriendRequest.request, { requestId: 1, answer }).ok, true);
  }
  assert.deepEqual(parseValue(answerFriendRequest.request, { requestId: 1, answer: "ignore" }), {
    ok: false,
    path: "answer",
    message: 'Field answer must be one of "accept", "reject", "later"',
  });
});

Deno.test("answer_friend_request answers without a friend for reject and later", () => {
  const request = {
    id: 1,
    from: { id: 2, username: "bob", nickname: "Bob" },
    note: null,
    status: "rejected",
    createdAt: 3,
  };
  assert.deepEqual(parseValue(answerFriendRequest.response, { request }), { ok: true, value: { request } });
});

Deno.test("find_user refuses a name far longer than any username before looking", () => {
  assert.equal(parseValue(findUser.request, { username: "a".repeat(MAX_FIND_USERNAME) }).ok, true);
  assert.equal(parseValue(findUser.request, { username: "a".repeat(MAX_FIND_USERNAME + 1) }).ok, false);
});

Deno.test("a friend request reads a status this version does not know, for a newer server", () => {
  const request = { id: 1, from: null, note: null, status: "expired", createdAt: 3 };
  assert.deepEqual(parseValue(friendRequest, request), { ok: true, value: request });
});
