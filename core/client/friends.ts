// Friend requests both ways, blocked users, and the users the client knows by name (PROTOCOL.md §12).

import type { BlockedUser, Friend, FriendRequest, UserRef } from "./chat_types.ts";

/** A request the user sent during this session, with whom it went to (the request itself names only its sender). */
export interface SentFriendRequest {
  userId: number;
  request: FriendRequest;
}

/** What can happen to friends, requests and blocks. */
export type FriendsAction =
  /** The `friend_request` push: someone asked the user. */
  | { type: "friendRequest"; request: FriendRequest }
  /** The user answered a request; `accept` and `reject` take it off the list, `later` leaves it `deferred`. */
  | { type: "friendRequestAnswered"; request: FriendRequest; answer: "accept" | "reject" | "later" }
  /** The user sent a request to `userId`; an `accepted` answer means they had asked first (PROTOCOL.md §12.2). */
  | { type: "friendRequestSent"; userId: number; request: FriendRequest }
  /** The `friend_added` push (or an accept's answer): a friendship began. */
  | { type: "friendAdded"; friend: Friend; conversationId: number }
  /** The `friend_removed` push (or a remove's or a block's answer): a friendship ended. */
  | { type: "friendRemoved"; userId: number }
  /** The answer of `list_blocked`. */
  | { type: "blocked"; list: readonly BlockedUser[] }
  /** Users learnt by name (`find_user`, room members…), for previews and screens. */
  | { type: "users"; users: readonly UserRef[] };

/**
 * The open requests to the user after an action: a new or renewed one is added (replacing one of the same id), an
 * answered one is taken off or left `deferred`, and a friendship with the sender ends any of theirs.
 *
 * @param state The requests, oldest first.
 * @param action What happened.
 * @returns The next list; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { incomingRequests } from "./friends.ts";
 * const request = { id: 1, from: { id: 5, username: "eve", nickname: "Eve" }, note: "hi", status: "pending", createdAt: 1 };
 * incomingRequests([request], { type: "friendRequestAnswered", request, answer: "later" })[0].status; // "deferred"
 * ```
 */
export function incomingRequests(state: readonly FriendRequest[], action: FriendsAction): readonly FriendRequest[] {
  switch (action.type) {
    case "friendRequest": {
      const others = state.filter((request) => request.id !== action.request.id);
      return [...others, action.request];
    }
    case "friendRequestAnswered": {
      const index = state.findIndex((request) => request.id === action.request.id);
      if (index === -1) return state;
      if (action.answer !== "later") return state.filter((_, i) => i !== index);
      const deferred = { ...action.request, status: "deferred" };
      return state.map((request, i) => i === index ? deferred : request);
    }
    case "friendRequestSent":
      // Asking someone whose own request is open accepts theirs.
      return action.request.status === "accepted" ? withoutSender(state, action.userId) : state;
    case "friendAdded":
      return withoutSender(state, action.friend.id);
    default:
      return state;
  }
}

function withoutSender(state: readonly FriendRequest[], userId: number): readonly FriendRequest[] {
  const left = state.filter((request) => request.from?.id !== userId);
  return left.length === state.length ? state : left;
}

/**
 * The requests the user sent in this session and that are still open: a new one is added, a friendship with its
 * recipient ends it.
 *
 * @param state The sent requests.
 * @param action What happened.
 * @returns The next list; `state` itself when nothing changed.
 */
export function sentRequests(state: readonly SentFriendRequest[], action: FriendsAction): readonly SentFriendRequest[] {
  switch (action.type) {
    case "friendRequestSent": {
      const others = state.filter((sent) => sent.userId !== action.userId);
      return action.request.status === "accepted"
        ? others
        : [...others, { userId: action.userId, request: action.request }];
    }
    case "friendAdded": {
      const left = state.filter((sent) => sent.userId !== action.friend.id);
      return left.length === state.length ? state : left;
    }
    default:
      return state;
  }
}

/**
 * The users the user blocked: the last `list_blocked` answer.
 *
 * @param state The list.
 * @param action What happened.
 * @returns The next list; `state` itself when nothing changed.
 */
export function blockedUsers(state: readonly BlockedUser[], action: FriendsAction): readonly BlockedUser[] {
  return action.type === "blocked" ? action.list : state;
}

/**
 * Adds users to a directory by id; a user already known with the same names keeps the same object.
 *
 * @param state The directory.
 * @param users Users to learn.
 * @returns The next directory; `state` itself when nothing changed.
 *
 * @example
 * ```ts
 * import { learnUsers } from "./friends.ts";
 * learnUsers({}, [{ id: 2, username: "bob", nickname: "Bob" }])[2].nickname; // "Bob"
 * ```
 */
export function learnUsers(
  state: Readonly<Record<number, UserRef>>,
  users: readonly (UserRef | null | undefined)[],
): Readonly<Record<number, UserRef>> {
  let next: Record<number, UserRef> | undefined;
  for (const user of users) {
    if (!user) continue;
    const known = (next ?? state)[user.id];
    if (known && known.username === user.username && known.nickname === user.nickname) continue;
    next ??= { ...state };
    next[user.id] = { id: user.id, username: user.username, nickname: user.nickname };
  }
  return next ?? state;
}
