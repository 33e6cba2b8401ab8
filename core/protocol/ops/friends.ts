// Friends and blocks: find a user, friend requests with a note, remove, block and unblock (PROTOCOL.md §12).

import * as v from "valibot";
import { NOT_IN_DISPLAY_NAME } from "../accounts.ts";
import { defineOp, definePush } from "../define.ts";
import * as s from "../schema.ts";

/** Longest note a friend request may carry, in characters (code points). */
export const MAX_REQUEST_NOTE = 200;

/** Longest username `find_user` takes; longer ones are no username (§10.1 allows 32), so the schema stops them early. */
export const MAX_FIND_USERNAME = 64;

/** How a user is named to others: no presence, no font. */
export const userRef = s.map({ id: s.id, username: s.string, nickname: s.string });

/** A friend as the login bundle and `friend_added` show them; `lastSeenAt` is null while online or never seen. */
export const friend = s.map({
  id: s.id,
  username: s.string,
  nickname: s.string,
  online: s.bool,
  lastSeenAt: v.nullable(s.time),
});

/** The statuses of a friend request: `deferred` is "ask me later", open like `pending`. */
export const FRIEND_REQUEST_STATUSES = ["pending", "accepted", "rejected", "deferred"] as const;

/**
 * A friend request; `from` is null when its sender no longer exists, `note` when the sender wrote none. `status` is
 * one of {@link FRIEND_REQUEST_STATUSES}; a string on the wire, so that an older client reads a newer status.
 */
export const friendRequest = s.map({
  id: s.id,
  from: v.nullable(userRef),
  note: v.nullable(s.string),
  status: s.string,
  createdAt: s.time,
});

/** The answers to a friend request. */
export const FRIEND_ANSWERS = ["accept", "reject", "later"] as const;

const note = v.pipe(
  s.chars(0, MAX_REQUEST_NOTE),
  v.check((text) => !NOT_IN_DISPLAY_NAME.test(text), "cannot hold control characters or line breaks"),
);

/** Looks a user up by exact username (any case); `not_found` for no such user and for one who blocked the caller. */
export const findUser = defineOp({
  opcode: 0x0030,
  name: "find_user",
  request: s.map({ username: s.text(MAX_FIND_USERNAME) }),
  response: s.map({ user: userRef }),
  errors: ["not_found"],
  auth: "user",
});

/**
 * Asks a user to be friends, with an optional note. A request to someone whose own request to the caller is open
 * accepts that one instead: both become friends at once.
 */
export const sendFriendRequest = defineOp({
  opcode: 0x0031,
  name: "send_friend_request",
  request: s.map({ userId: s.id, note: v.nullish(note) }),
  response: s.map({ request: friendRequest }),
  errors: ["not_found", "not_allowed", "already_friends", "already_requested", "rate_limited"],
  auth: "user",
  ordered: true,
});

/** Accepts, rejects or defers ("later": asked again at the next login) an open request to the caller. */
export const answerFriendRequest = defineOp({
  opcode: 0x0032,
  name: "answer_friend_request",
  request: s.map({ requestId: s.id, answer: s.oneOf(FRIEND_ANSWERS) }),
  response: s.map({ request: friendRequest, friend: v.nullish(friend), conversationId: v.nullish(s.id) }),
  errors: ["not_found"],
  auth: "user",
  ordered: true,
});

/** Ends a friendship, for both; the conversation's history stays stored for a later friendship. */
export const removeFriend = defineOp({
  opcode: 0x0033,
  name: "remove_friend",
  request: s.map({ userId: s.id }),
  response: s.map({}),
  errors: ["not_found"],
  auth: "user",
  ordered: true,
});

/** Blocks a user: any friendship and open request between the two end, and neither can reach the other. */
export const blockUser = defineOp({
  opcode: 0x0034,
  name: "block_user",
  request: s.map({ userId: s.id }),
  response: s.map({}),
  errors: ["not_found", "not_allowed"],
  auth: "user",
  ordered: true,
});

/** Lifts a block the caller made; the friendship it ended does not come back. */
export const unblockUser = defineOp({
  opcode: 0x0035,
  name: "unblock_user",
  request: s.map({ userId: s.id }),
  response: s.map({}),
  errors: ["not_found"],
  auth: "user",
  ordered: true,
});

/** One user the caller blocked, and since when. */
export const blockedUser = s.map({ id: s.id, username: s.string, nickname: s.string, blockedAt: s.time });

/** The users the caller blocked, most recent first. */
export const listBlocked = defineOp({
  opcode: 0x0036,
  name: "list_blocked",
  request: s.map({}),
  response: s.map({ blocked: s.list(blockedUser) }),
  errors: [],
  auth: "user",
});

/** Push: someone asked the user to be friends (to the recipient, if online; otherwise in the next login bundle). */
export const friendRequestPush = definePush({
  opcode: 0x0110,
  name: "friend_request",
  body: s.map({ request: friendRequest }),
});

/** Push: a friendship began (to both), with the direct conversation the two now share. */
export const friendAdded = definePush({
  opcode: 0x0111,
  name: "friend_added",
  body: s.map({ friend, conversationId: s.id }),
});

/** Push: a friendship ended (to both: by `remove_friend` or by a block, alike). */
export const friendRemoved = definePush({ opcode: 0x0112, name: "friend_removed", body: s.map({ userId: s.id }) });

/** A friend request as clients see it. */
export type FriendRequest = v.InferOutput<typeof friendRequest>;
/** A friend as clients see them. */
export type Friend = v.InferOutput<typeof friend>;
/** A user as named to others. */
export type UserRef = v.InferOutput<typeof userRef>;
