// The login bundle (PROTOCOL.md §10.3): what login_finish and resume answer besides their own keys.

import type { LoginBundle, Profile } from "../../../core/protocol/ops/bundle.ts";
import { roomsOf } from "../rooms/view.ts";
import type { Repositories, UserRecord } from "../../store/types.ts";
import { conversationsOf } from "../messages/conversations.ts";
import { friendRequestView, friendView, type IsOnline } from "../friends/view.ts";

export type { IsOnline };

/**
 * The public profile of a user.
 *
 * @param user The stored user.
 * @returns `{ id, username, nickname, font }`.
 */
export function profile(user: UserRecord): Profile {
  return {
    id: user.id,
    username: user.username,
    nickname: user.nickname,
    font: { family: user.fontFamily, size: user.fontSize },
  };
}

/**
 * Builds a user's login bundle: profile, friends with their presence now, rooms, open friend requests (a deferred
 * one is in every bundle until answered: "later" asks again at the next login), and conversations and their last
 * messages' senders as `sync` has them.
 *
 * @param store Where the user's friends, rooms and requests are.
 * @param isOnline Whether a friend is online now.
 * @param user The user who logged in.
 * @returns The bundle.
 */
export async function loginBundle(store: Repositories, isOnline: IsOnline, user: UserRecord): Promise<LoginBundle> {
  const friends = await Promise.all((await store.friends.friendsOf(user.id)).map((f) => friendView(f, isOnline)));
  const requests = await store.friends.openRequestsFor(user.id);
  const friendRequests = await Promise.all(requests.map((request) => friendRequestView(store, request)));
  return {
    user: profile(user),
    friends,
    rooms: await roomsOf(store, user.id),
    friendRequests,
    ...await conversationsOf(store, user.id),
  };
}
