// Conversations as a user's list shows them, who may use one, delivery to members, and the server's own lines.

import type { UserRef } from "../../../core/protocol/ops/friends.ts";
import type { Conversation, Message, SYSTEM_EVENTS } from "../../../core/protocol/ops/messages.ts";
import type { PushBodyOf } from "../../../core/protocol/define.ts";
import { PUSHES } from "../../../core/protocol/registry.ts";
import { push } from "../../hub/push.ts";
import type { Hub } from "../../hub/types.ts";
import { RequestError } from "../../rpc/errors.ts";
import type {
  ConversationListing,
  ConversationMemberRecord,
  ConversationRecord,
  Repositories,
  Transaction,
} from "../../store/types.ts";
import { encodeBody, toMessage } from "./body.ts";
import { userRef } from "../friends/view.ts";

/**
 * A conversation as the user's list shows it (PROTOCOL.md §14.1).
 *
 * @param store Where the peer's name is.
 * @param listing The store's listing for the user.
 * @returns The summary; a peer whose account is gone shows as null with an empty title.
 */
export async function conversationView(store: Repositories, listing: ConversationListing): Promise<Conversation> {
  const { conversation, member } = listing;
  let peer: Conversation["peer"] = null;
  if (conversation.kind === "direct") {
    const peerId = conversation.userA === member.userId ? conversation.userB : conversation.userA;
    const user = peerId === null ? undefined : await store.users.findById(peerId);
    if (user) peer = userRef(user);
  }
  return {
    id: conversation.id,
    kind: conversation.kind,
    roomId: conversation.roomId,
    peer,
    title: peer?.nickname ?? listing.roomName ?? "",
    lastSeq: conversation.lastSeq,
    readSeq: member.readSeq,
    unread: listing.unread,
    last: listing.last ? toMessage(listing.last) : null,
    lastAt: conversation.lastAt,
  };
}

/**
 * The senders of messages, each once (PROTOCOL.md §14.2): what an answer carrying them names them by. Only users who
 * sent one of these messages are named, so an answer tells no more of users than the messages the caller may read.
 *
 * @param store Where the names are.
 * @param messages The messages the answer carries (null for none).
 * @returns A user reference per distinct sender, by ascending id; the server's lines and deleted accounts add none.
 */
export async function sendersOf(store: Repositories, messages: Iterable<Message | null>): Promise<UserRef[]> {
  const ids = new Set<number>();
  for (const message of messages) if (message?.senderId != null) ids.add(message.senderId);
  return (await store.users.findByIds([...ids])).map(userRef);
}

/**
 * Every conversation of the user, most recent activity first, and the senders of their last messages: what `sync`
 * and the login bundle answer.
 *
 * @param store The store.
 * @param userId The user.
 * @returns The conversations and the users who sent their last messages.
 */
export async function conversationsOf(
  store: Repositories,
  userId: number,
): Promise<{ conversations: Conversation[]; users: UserRef[] }> {
  const conversations = await Promise.all(
    (await store.conversations.listFor(userId)).map((l) => conversationView(store, l)),
  );
  return { conversations, users: await sendersOf(store, conversations.map((conversation) => conversation.last)) };
}

/**
 * The refusal of a conversation's former member, for reading and writing alike: the same words whether a friendship
 * ended, either side blocked, or a room was left, so a blocked user cannot tell a block (PROTOCOL.md §12.3).
 */
export const noLongerMember = () => new RequestError("not_allowed", "You are no longer a member of this conversation");

/**
 * What the rooms service says of a room's conversation to a user who has no member row in it (PROTOCOL.md §13): the
 * lobby is open to everyone logged in, a former member is told they may no longer use it.
 */
export interface RoomConversations {
  /** `open` for the lobby, `left` for a former member of the room, else undefined. */
  standing(roomId: number, userId: number): Promise<"open" | "left" | undefined>;
  /** Who hears the room's messages live besides its members: the lobby's watchers; empty for other rooms. */
  listeners(roomId: number): Promise<readonly number[]>;
}

/**
 * The conversation and the caller's membership, for an operation that names a conversation (PROTOCOL.md §14.1).
 *
 * @param store The store.
 * @param conversationId The conversation named.
 * @param userId The caller.
 * @param rooms The rooms service's say over room conversations the caller has no member row in.
 * @returns Both; `open` when the caller may use the conversation without being a member (the lobby), whose `member`
 *   then stands for everyone: nothing hidden before, nothing read.
 * @throws {RequestError} `not_found` for an unknown conversation or one the caller never was in; `not_allowed` for a
 *   direct conversation of the caller's pair while they are not friends, and for a room the caller left.
 */
export async function requireMember(
  store: Repositories,
  conversationId: number,
  userId: number,
  rooms: RoomConversations,
): Promise<{ conversation: ConversationRecord; member: ConversationMemberRecord; open?: true }> {
  const found = await store.conversations.withMember(conversationId, userId);
  if (found) {
    const { conversation, member } = found;
    if (member) return { conversation, member };
    if (conversation.userA === userId || conversation.userB === userId) {
      throw noLongerMember();
    }
    const standing = conversation.roomId === null ? undefined : await rooms.standing(conversation.roomId, userId);
    if (standing === "open") {
      const everyone = { conversationId, userId, joinedSeq: 0, readSeq: 0, joinedAt: conversation.createdAt };
      return { conversation, member: everyone, open: true };
    }
    if (standing === "left") throw noLongerMember();
  }
  throw new RequestError("not_found", "No such conversation");
}

/**
 * Pushes a conversation's change to its members who are logged in, and to its listeners, but one.
 *
 * @param store Who the members are.
 * @param hub Delivery.
 * @param conversationId The conversation.
 * @param except Who is not told: the member whose request caused it, and who has the answer.
 * @param def `PUSHES.message` or `PUSHES.messageRecalled`.
 * @param message The message.
 * @param sender Who sent it, or null for the server's line.
 * @param listeners Who hears it besides the members (the lobby's watchers, {@link RoomConversations.listeners}).
 */
export async function deliverToMembers(
  store: Repositories,
  hub: Hub,
  conversationId: number,
  except: number | null,
  def: typeof PUSHES.message | typeof PUSHES.messageRecalled,
  message: Message,
  sender: UserRef | null,
  listeners: readonly number[] = [],
): Promise<void> {
  const members = [...await store.conversations.membersOf(conversationId), ...listeners].filter((id) => id !== except);
  const body: PushBodyOf<typeof PUSHES.message> = { message, sender };
  await hub.deliver(members, push(def, body));
}

/**
 * Pushes a new message to those given but one, at once: no read comes between, so the deliveries of the messages
 * committed in one batch are all queued in one turn and leave each connection together (PROTOCOL.md §9.2).
 *
 * @param hub Delivery.
 * @param recipients The conversation's members as the append read them, and its listeners.
 * @param sender The sender, who has the answer instead and is not told.
 * @param message The message.
 */
export function deliverMessage(
  hub: Hub,
  recipients: Iterable<number>,
  sender: UserRef,
  message: Message,
): Promise<void> {
  const body: PushBodyOf<typeof PUSHES.message> = { message, sender };
  return hub.deliver([...recipients].filter((id) => id !== sender.id), push(PUSHES.message, body));
}

/**
 * Tells a user they became a member of a conversation: `conversation_added` with it as their list shows it.
 *
 * @param store The store.
 * @param hub Delivery.
 * @param conversationId The conversation.
 * @param userId The new member.
 */
export async function announceConversation(
  store: Repositories,
  hub: Hub,
  conversationId: number,
  userId: number,
): Promise<void> {
  const listing = await store.conversations.listingFor(conversationId, userId);
  // Left again meanwhile: its conversation_removed is on its way, and nothing is to be added.
  if (!listing) return;
  const conversation = await conversationView(store, listing);
  const users = await sendersOf(store, [conversation.last]);
  await hub.deliver([userId], push(PUSHES.conversationAdded, { conversation, users }));
}

/** What a line of the server's in a room's history says (PROTOCOL.md §14.2). */
export interface SystemEvent {
  event: (typeof SYSTEM_EVENTS)[number];
  /** Whom it is about. */
  userId?: number;
  /** Who did it. */
  by?: number;
  /** A room's new name. */
  name?: string;
}

/**
 * Appends a line of the server's to a conversation in the caller's transaction (the rooms service's joins, leaves,
 * renames…). Delivering it is the caller's, once the transaction has committed (see {@link deliverToMembers}).
 *
 * @param tx The transaction.
 * @param conversationId The room's conversation.
 * @param event What happened.
 * @param at The server's time.
 * @returns The message as stored.
 */
export async function appendSystem(
  tx: Transaction,
  conversationId: number,
  event: SystemEvent,
  at: number,
): Promise<Message> {
  const body = { type: "system" as const, ...event };
  const { message } = await tx.conversations.append(conversationId, {
    senderId: null,
    clientId: null,
    at,
    body: encodeBody(body),
  });
  return toMessage(message);
}
