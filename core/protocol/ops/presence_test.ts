// Tests for presence by subscription: watch_presence and the presence push (PROTOCOL.md §10.5).

import assert from "node:assert/strict";
import { parseValue } from "../parse.ts";
import { MAX_WATCHED, presence, watchPresence } from "./presence.ts";

Deno.test("watch_presence takes up to 1000 user ids, an empty list included", () => {
  const ids = Array.from({ length: MAX_WATCHED }, (_, i) => i + 1);
  assert.equal(parseValue(watchPresence.request, { userIds: ids }).ok, true);
  assert.equal(parseValue(watchPresence.request, { userIds: [] }).ok, true, "watching nobody stops every push");
  assert.deepEqual(parseValue(watchPresence.request, { userIds: [...ids, MAX_WATCHED + 1] }), {
    ok: false,
    path: "userIds",
    message: "Field userIds must hold at most 1000 items",
  });
});

Deno.test("a presence entry has lastSeenAt null while online", () => {
  assert.equal(parseValue(presence.body, { userId: 2, online: true, lastSeenAt: null }).ok, true);
  assert.deepEqual(parseValue(watchPresence.response, { presence: [{ userId: 2, online: "yes", lastSeenAt: null }] }), {
    ok: false,
    path: "presence.0.online",
    message: "Field presence.0.online must be true or false, not a string",
  });
});
