// Presence by subscription: watch a set of users, hear their changes (PROTOCOL.md §10.5).

import * as v from "valibot";
import { defineOp, definePush } from "../define.ts";
import { bool, id, list, map, time } from "../schema.ts";

/** Most users one `watch_presence` may name. */
export const MAX_WATCHED = 1000;

/** One user's presence; `lastSeenAt` is null while online or never seen. */
export const presenceEntry = map({ userId: id, online: bool, lastSeenAt: v.nullable(time) });

/**
 * Replaces the connection's watched set and answers the current presence of those the caller may see (friends and
 * co-members); the others are left out silently. Ordered, so the set last sent is the set kept.
 */
export const watchPresence = defineOp({
  opcode: 0x0020,
  name: "watch_presence",
  request: map({ userIds: list(id, MAX_WATCHED) }),
  response: map({ presence: list(presenceEntry) }),
  errors: [],
  auth: "user",
  ordered: true,
});

/** Push: a watched user came online or went offline. */
export const presence = definePush({ opcode: 0x0101, name: "presence", body: presenceEntry });
