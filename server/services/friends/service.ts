// The friends service: finding users, friend requests, removing friends and blocks (PROTOCOL.md §12).

import { parseUsername } from "../../../core/protocol/accounts.ts";
import { PUSHES } from "../../../core/protocol/registry.ts";
import type { Clock } from "../../../core/time/clock.ts";
import { push } from "../../hub/push.ts";
import type { Hub } from "../../hub/types.ts";
import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import type { FriendRequestRecord, Store, Transaction, UserRecord } from "../../store/types.ts";
import { announceConversation } from "../messages/conversations.ts";
import { waitText } from "../_audit.ts";
import { friendRequestView, friendView, userRef } from "./view.ts";

/** How long after a rejection the same request may not be sent again (PROTOCOL.md §12.2, rule 7). */
export const RESEND_AFTER_REJECTION_MS = 7 * 24 * 60 * 60 * 1000;

/** What the friends service needs. */
export interface FriendsDeps {
  store: Store;
  hub: Hub;
  clock: Clock;
}

/** A wait in words: "3 days", "5 h", or as the throttles say it when shorter. */
function waitWords(ms: number): string {
  const hours = Math.ceil(ms / (60 * 60 * 1000));
  if (hours > 48) return `${Math.ceil(hours / 24)} days`;
  return hours > 2 ? `${hours} h` : waitText(ms);
}

const notFound = () => new RequestError("not_found", "No such user");

function isOpen(request: FriendRequestRecord): boolean {
  return request.status === "pending" || request.status === "deferred";
}

/** A note as stored: trimmed, and none when nothing is left. */
function noteOf(note: string | null | undefined): string | null {
  const trimmed = note?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

/**
 * Makes two users friends in a transaction: the friendship, and both as members of their direct conversation (made
 * the first time, reused after).
 *
 * @returns The conversation's id.
 */
async function befriend(tx: Transaction, a: number, b: number, at: number): Promise<number> {
  await tx.friends.addFriendship(a, b, at);
  const { id } = await tx.conversations.directFor(a, b, at);
  await tx.conversations.addMember(id, a, at);
  await tx.conversations.addMember(id, b, at);
  return id;
}

/**
 * Ends a friendship in a transaction: both leave their direct conversation, whose history stays.
 *
 * @returns The conversation's id.
 */
async function unfriend(tx: Transaction, a: number, b: number, at: number): Promise<number> {
  await tx.friends.removeFriendship(a, b);
  const { id } = await tx.conversations.directFor(a, b, at);
  await tx.conversations.removeMember(id, a);
  await tx.conversations.removeMember(id, b);
  return id;
}

/**
 * The friends service.
 *
 * @param deps Store, hub (delivery and presence) and clock.
 * @returns The service.
 */
export function friendsService({ store, hub, clock }: FriendsDeps): Service {
  const isOnline = (userId: number) => hub.isOnline(userId);

  /** Tells both of a new friendship: `friend_added`, then the conversation they share. */
  async function announceFriendship(a: UserRecord, b: UserRecord, conversationId: number): Promise<void> {
    for (const [user, other] of [[a, b], [b, a]]) {
      await hub.deliver(
        [user.id],
        push(PUSHES.friendAdded, { friend: await friendView(other, isOnline), conversationId }),
      );
      await announceConversation(store, hub, conversationId, user.id);
    }
  }

  /** Tells both that their friendship ended: `friend_removed`, then the conversation they no longer share. */
  async function announceUnfriending(a: number, b: number, conversationId: number): Promise<void> {
    for (const [user, other] of [[a, b], [b, a]]) {
      await hub.deliver([user], push(PUSHES.friendRemoved, { userId: other }));
      await hub.deliver([user], push(PUSHES.conversationRemoved, { conversationId }));
    }
  }

  /** Both users, for the announcements after a transaction. */
  async function users(a: number, b: number): Promise<[UserRecord, UserRecord] | undefined> {
    const [first, second] = await Promise.all([store.users.findById(a), store.users.findById(b)]);
    return first && second ? [first, second] : undefined;
  }

  return defineService({
    name: "friends",
    ops: {
      async findUser({ username }, { user }) {
        const parsed = parseUsername(username);
        if ("error" in parsed) throw notFound();
        const found = await store.users.findByKey(parsed.key);
        // Someone who blocked the caller is, for the caller, nobody.
        if (!found || (found.id !== user.id && await store.friends.isBlocked(found.id, user.id))) throw notFound();
        return { user: userRef(found) };
      },

      async sendFriendRequest({ userId, note }, { user }) {
        if (userId === user.id) throw new RequestError("not_allowed", "You cannot send yourself a friend request");
        const now = clock.now();
        const outcome = await store.transaction(async (tx) => {
          const target = await tx.users.findById(userId);
          if (!target || await tx.friends.isBlocked(userId, user.id)) throw notFound();
          if (await tx.friends.isBlocked(user.id, userId)) {
            throw new RequestError("not_allowed", "You blocked this user: unblock them first");
          }
          if (await tx.friends.areFriends(user.id, userId)) {
            throw new RequestError("already_friends", "You are friends already");
          }
          const theirs = await tx.friends.requestBetween(userId, user.id);
          if (theirs && isOpen(theirs)) {
            // They asked first: asking back is accepting.
            const conversationId = await befriend(tx, user.id, userId, now);
            await tx.friends.setFriendRequestStatus(theirs.id, "accepted", now);
            const request = { ...theirs, status: "accepted" as const, updatedAt: now };
            return { accepted: true, request: await friendRequestView(tx, request), conversationId };
          }
          const mine = await tx.friends.requestBetween(user.id, userId);
          let request: FriendRequestRecord;
          if (mine) {
            if (isOpen(mine)) throw new RequestError("already_requested", "Your request is waiting for an answer");
            const wait = mine.status === "rejected" ? mine.updatedAt + RESEND_AFTER_REJECTION_MS - now : 0;
            if (wait > 0) {
              throw new RequestError("rate_limited", `You can ask again in ${waitWords(wait)}`, { retryAfterMs: wait });
            }
            request = await tx.friends.reopenFriendRequest(mine.id, noteOf(note), now);
          } else {
            request = await tx.friends.createFriendRequest(user.id, userId, now, noteOf(note));
          }
          return { accepted: false, request: await friendRequestView(tx, request), conversationId: 0 };
        });
        if (outcome.accepted) {
          const pair = await users(user.id, userId);
          if (pair) await announceFriendship(pair[0], pair[1], outcome.conversationId);
        } else {
          await hub.deliver([userId], push(PUSHES.friendRequest, { request: outcome.request }));
        }
        return { request: outcome.request };
      },

      async answerFriendRequest({ requestId, answer }, { user }) {
        const now = clock.now();
        const outcome = await store.transaction(async (tx) => {
          const request = await tx.friends.findRequest(requestId);
          if (!request || request.toUser !== user.id || !isOpen(request)) {
            throw new RequestError("not_found", "No open friend request with this id");
          }
          const status = answer === "accept" ? "accepted" : answer === "reject" ? "rejected" : "deferred";
          await tx.friends.setFriendRequestStatus(request.id, status, now);
          const conversationId = answer === "accept" ? await befriend(tx, request.fromUser, user.id, now) : undefined;
          return { request: await friendRequestView(tx, { ...request, status, updatedAt: now }), conversationId };
        });
        if (outcome.conversationId === undefined) return { request: outcome.request };
        const pair = outcome.request.from ? await users(outcome.request.from.id, user.id) : undefined;
        if (!pair) return { request: outcome.request, conversationId: outcome.conversationId };
        await announceFriendship(pair[0], pair[1], outcome.conversationId);
        return {
          request: outcome.request,
          friend: await friendView(pair[0], isOnline),
          conversationId: outcome.conversationId,
        };
      },

      async removeFriend({ userId }, { user }) {
        const now = clock.now();
        const conversationId = await store.transaction(async (tx) => {
          if (!await tx.friends.areFriends(user.id, userId)) {
            throw new RequestError("not_found", "Not a friend of yours");
          }
          return await unfriend(tx, user.id, userId, now);
        });
        await announceUnfriending(user.id, userId, conversationId);
        return {};
      },

      async blockUser({ userId }, { user }) {
        if (userId === user.id) throw new RequestError("not_allowed", "You cannot block yourself");
        const now = clock.now();
        const ended = await store.transaction(async (tx) => {
          if (!await tx.users.findById(userId)) throw notFound();
          await tx.friends.block(user.id, userId, now);
          await tx.friends.deleteOpenRequestsBetween(user.id, userId);
          return await tx.friends.areFriends(user.id, userId) ? await unfriend(tx, user.id, userId, now) : undefined;
        });
        // Told exactly as a removal is: the blocked user learns of no block.
        if (ended !== undefined) await announceUnfriending(user.id, userId, ended);
        // Presence no longer crosses the block, even between members of one room (PROTOCOL.md §10.5).
        await hub.unwatchPair(user.id, userId);
        return {};
      },

      async unblockUser({ userId }, { user }) {
        if (!await store.friends.unblock(user.id, userId)) {
          throw new RequestError("not_found", "You have not blocked this user");
        }
        return {};
      },

      async listBlocked(_body, { user }) {
        const blocked = await store.friends.blockedBy(user.id);
        return { blocked: blocked.map(({ user: other, blockedAt }) => ({ ...userRef(other), blockedAt })) };
      },
    },
  });
}
