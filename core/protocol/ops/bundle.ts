// The public profile and the login bundle, defined once for login_finish and resume (PROTOCOL.md §10.3).

import * as v from "valibot";
import * as s from "../schema.ts";
import { friend, friendRequest } from "./friends.ts";
import { conversation, senders } from "./messages.ts";
import { room } from "./rooms.ts";

// Defined with the friends operations, whose answers and pushes carry them too; exported here as before.
export { friend, friendRequest };

/** A user's public profile: `font` family and size are null for the client's default. */
export const profile = s.map({
  id: s.id,
  username: s.string,
  nickname: s.string,
  font: s.map({ family: v.nullable(s.string), size: v.nullable(s.int) }),
});

// Defined with the room operations, whose answers and pushes carry it too; exported here as before.
export { room };

/** The keys of the login bundle, spread into the answers of `login_finish` and `resume`. */
export const LOGIN_BUNDLE = {
  user: profile,
  friends: s.list(friend),
  rooms: s.list(room),
  /** Pending and deferred requests to the user, oldest first: a deferred one is asked again at every login. */
  friendRequests: s.list(friendRequest),
  /** The user's conversations, as `sync` answers them (§14). */
  conversations: s.list(conversation),
  /** The senders of the conversations' last messages, as `sync` answers them (§14.2). */
  users: senders,
} as const;

/** The login bundle alone. */
export const loginBundle = s.map(LOGIN_BUNDLE);

/** A user's public profile. */
export type Profile = v.InferOutput<typeof profile>;
/** What the server sends after a login or a resume (PROTOCOL.md §10.3). */
export type LoginBundle = v.InferOutput<typeof loginBundle>;
