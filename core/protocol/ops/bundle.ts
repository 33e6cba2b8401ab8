// The public profile and the login bundle, defined once for login_finish and resume (PROTOCOL.md §10.3).

import * as v from "valibot";
import * as s from "../schema.ts";

/** A user's public profile: `font` family and size are null for the client's default. */
export const profile = s.map({
  id: s.id,
  username: s.string,
  nickname: s.string,
  font: s.map({ family: v.nullable(s.string), size: v.nullable(s.int) }),
});

/** A friend as the login bundle lists them; `lastSeenAt` is null while online or never seen. */
export const friend = s.map({
  id: s.id,
  username: s.string,
  nickname: s.string,
  online: s.bool,
  lastSeenAt: v.nullable(s.time),
});

/** A room the user is a member of. */
export const room = s.map({ id: s.id, name: s.string, kind: s.string });

/** A pending or deferred friend request to the user; `from` is null when its sender no longer exists. */
export const friendRequest = s.map({
  id: s.id,
  from: v.nullable(s.map({ id: s.id, username: s.string, nickname: s.string })),
  status: s.string,
  createdAt: s.time,
});

/** The keys of the login bundle, spread into the answers of `login_finish` and `resume`. */
export const LOGIN_BUNDLE = {
  user: profile,
  friends: s.list(friend),
  rooms: s.list(room),
  friendRequests: s.list(friendRequest),
  /** Conversation summaries, filled in by messaging; empty for now. */
  conversations: s.list(s.anyValue),
} as const;

/** The login bundle alone. */
export const loginBundle = s.map(LOGIN_BUNDLE);

/** A user's public profile. */
export type Profile = v.InferOutput<typeof profile>;
/** What the server sends after a login or a resume (PROTOCOL.md §10.3). */
export type LoginBundle = v.InferOutput<typeof loginBundle>;
