// Users, friends and friend requests as the wire shows them (PROTOCOL.md §12): one shape for the friends service,
// the login bundle, conversation peers and room members.

import type { Friend, FriendRequest, UserRef } from "../../../core/protocol/ops/friends.ts";
import type { FriendRequestRecord, Repositories, UserRecord } from "../../store/types.ts";

/** Tells whether a user counts as online (the hub's answer). */
export type IsOnline = (userId: number) => boolean | Promise<boolean>;

/**
 * A user as others see them named.
 *
 * @param user The stored user.
 * @returns `{ id, username, nickname }`.
 */
export function userRef(user: UserRecord): UserRef {
  return { id: user.id, username: user.username, nickname: user.nickname };
}

/**
 * A friend with their presence now.
 *
 * @param user The stored friend.
 * @param isOnline Whether they are online now.
 * @returns The friend; `lastSeenAt` only while offline.
 */
export async function friendView(user: UserRecord, isOnline: IsOnline): Promise<Friend> {
  const online = await isOnline(user.id);
  return { ...userRef(user), online, lastSeenAt: online ? null : user.lastSeenAt };
}

/**
 * A friend request as the wire shows it.
 *
 * @param repos The store or a transaction: where its sender is.
 * @param request The stored request.
 * @returns The request; a sender whose account is gone shows as null.
 */
export async function friendRequestView(repos: Repositories, request: FriendRequestRecord): Promise<FriendRequest> {
  const from = await repos.users.findById(request.fromUser);
  return {
    id: request.id,
    from: from ? userRef(from) : null,
    note: request.note,
    status: request.status,
    createdAt: request.createdAt,
  };
}
