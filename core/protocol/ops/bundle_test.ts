// Tests for the login bundle, shared by login_finish and resume (PROTOCOL.md §10.3).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import { loginFinish } from "./accounts.ts";
import { LOGIN_BUNDLE, loginBundle } from "./bundle.ts";
import { resume } from "./devices.ts";

const bundle = {
  user: { id: 1, username: "alice", nickname: "Alice", font: { family: null, size: null } },
  friends: [],
  rooms: [],
  friendRequests: [{ id: 4, from: null, note: null, status: "deferred", createdAt: 5 }],
  conversations: [],
  users: [],
};

Deno.test("the login bundle takes a friend request whose sender is gone", () => {
  assert.deepEqual(parseValue(loginBundle, bundle), { ok: true, value: bundle });
});

Deno.test("login_finish and resume answer the same bundle keys, each with its own extras", () => {
  const keys = Object.keys(LOGIN_BUNDLE);
  const loginKeys = Object.keys(loginFinish.response.pipe[1].entries);
  const resumeKeys = Object.keys(resume.response.pipe[1].entries);
  assert.deepEqual(loginKeys.sort(), [...keys, "proof", "deviceId"].sort());
  assert.deepEqual(resumeKeys.sort(), [...keys, "deviceId"].sort());
  assert.equal(parseValue(loginFinish.response, { ...bundle, proof: new Uint8Array(32), deviceId: null }).ok, true);
  assert.deepEqual(parseValue(resume.response, { ...bundle, deviceId: null }), {
    ok: false,
    path: "deviceId",
    message: "Field deviceId must be an id, not null",
  });
});
