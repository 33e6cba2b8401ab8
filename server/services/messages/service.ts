// The messages service: sending, history, sync, read positions and recall (PROTOCOL.md §14).

import type { SendableBody } from "../../../core/protocol/ops/messages.ts";
import { PUSHES } from "../../../core/protocol/registry.ts";
import type { Clock } from "../../../core/time/clock.ts";
import type { Hub } from "../../hub/types.ts";
import { stateSlot } from "../../rpc/context.ts";
import { RequestError } from "../../rpc/errors.ts";
import { defineService, type Service } from "../../rpc/service.ts";
import { NotMemberError, RecordNotFoundError } from "../../store/errors.ts";
import type { AppendResult, Store } from "../../store/types.ts";
import { blobsOf, checkSendable, encodeBody, type MessageLimits, sentMessage, toMessage } from "./body.ts";
import {
  conversationsOf,
  deliverMessage,
  deliverToMembers,
  noLongerMember,
  requireMember,
  type RoomConversations,
  sendersOf,
} from "./conversations.ts";

/** What the server knows of an uploaded image, checked when it was uploaded (PROTOCOL.md §15.3). */
export interface ReferencedBlob {
  size: number;
  mime: string;
  width: number;
  height: number;
}

/**
 * Whether a user may put a blob in a message: the blobs service's answer (it exists, and they uploaded it or may
 * read it), with what its upload showed it to be.
 */
export interface BlobReferences {
  mayReference(userId: number, sha256: Uint8Array): Promise<ReferencedBlob | undefined>;
}

/** What the messages service needs. */
export interface MessagesDeps {
  store: Store;
  hub: Hub;
  clock: Clock;
  /** `server.limits.messageTextChars`, `imageBytes`, `imagePixels`, `thumbnailBytes`. */
  limits: MessageLimits;
  /** `server.recallWindowMs`. */
  recallWindowMs: number;
  /** The blob store's check for image bodies. */
  blobs: BlobReferences;
  /** The rooms service's say over the lobby and former members. */
  rooms: RoomConversations;
}

/**
 * The conversations a connection's login was found a member of when it sent there: its next sends there skip that
 * read (the append checks membership again in its transaction). Kept per connection, for the user logged in on it.
 */
const sends = stateSlot("messages.sends", () => ({ userId: 0, conversations: new Set<number>() }));

/** The conversations `userId` was seen a member of on this connection; forgotten when another user logs in on it. */
function conversationsSeen(seen: { userId: number; conversations: Set<number> }, userId: number): Set<number> {
  if (seen.userId !== userId) {
    seen.userId = userId;
    seen.conversations.clear();
  }
  return seen.conversations;
}

/**
 * The messages service.
 *
 * @param deps Store, hub, clock, limits, the recall window, the blob check and the rooms service's say.
 * @returns The service.
 */
export function messagesService(deps: MessagesDeps): Service {
  const { store, hub, clock, limits, recallWindowMs, blobs, rooms } = deps;
  /** Who hears a conversation live besides its members: the lobby's watchers. */
  const listeners = async (roomId: number | null) => roomId === null ? [] : await rooms.listeners(roomId);
  /** Refuses an image the sender may not reference, or whose body says other than its upload showed. */
  const checkImage = async (userId: number, body: SendableBody & { type: "image" }) => {
    const blob = await blobs.mayReference(userId, body.blob);
    if (!blob) throw new RequestError("not_found", "No uploaded image with this hash: upload it first");
    // The body must describe the image the server checked, not what the sender claims it is.
    if (
      blob.mime !== body.mime || blob.size !== body.size || blob.width !== body.width || blob.height !== body.height
    ) {
      throw new RequestError("bad_image", "The image's type, size or dimensions differ from its upload");
    }
  };

  return defineService({
    name: "messages",
    ops: {
      async sendMessage({ conversationId, clientId, body }, { user, orderFixed, state }) {
        const seen = conversationsSeen(state(sends), user.id);
        // A conversation this login was found a member of before needs no read now: the append checks membership in
        // its own transaction anyway, and a member's conversation is not the lobby (open, with listeners).
        const again = seen.has(conversationId);
        let open = false;
        let also: readonly number[] = [];
        if (again) {
          try {
            checkSendable(body, limits);
            if (body.type === "image") await checkImage(user.id, body);
          } catch (error) {
            // A former member is told that first, as on a first send.
            await requireMember(store, conversationId, user.id, rooms);
            throw error;
          }
        } else {
          const found = await requireMember(store, conversationId, user.id, rooms);
          checkSendable(body, limits);
          if (body.type === "image") await checkImage(user.id, body);
          open = found.open === true;
          // Read before the append, so that nothing is awaited between its commit and the delivery. Only the lobby
          // has listeners, and only the lobby is open; a watcher who comes in while the batch commits reads it in
          // history.
          if (open) also = await listeners(found.conversation.roomId);
          else seen.add(conversationId);
        }
        // Acknowledged once durable: append resolves after its group commit. A member's send is checked again in
        // that transaction, so a membership ended meanwhile (unfriend, block, leave, removal) stops it.
        let appended: AppendResult;
        try {
          const appending = store.conversations.append(conversationId, {
            senderId: user.id,
            clientId,
            at: clock.now(),
            body: encodeBody(body),
            blobs: blobsOf(body),
            asMember: !open,
          });
          // Queued: its sequence number comes before that of any send made after it, so this connection's next send
          // may start now and share its commit (PROTOCOL.md §3).
          orderFixed();
          appended = await appending;
        } catch (error) {
          if (error instanceof NotMemberError) {
            seen.delete(conversationId);
            // Not checked before this send: the refusal a first send would get (a room may say not_found).
            if (again) await requireMember(store, conversationId, user.id, rooms);
            throw noLongerMember();
          }
          // The room was deleted after the check.
          if (error instanceof RecordNotFoundError) throw new RequestError("not_found", "No such conversation");
          throw error;
        }
        // A new message carries the body as sent (checked by the schema, and what its stored bytes encode): decoding
        // those bytes again would build the same value. A duplicate's is the one stored the first time.
        const message = appended.duplicate ? toMessage(appended.message) : sentMessage(appended.message, body);
        // A resend after a lost answer: the others had it the first time. Delivered without a read in between: the
        // sends of one batch resume in one turn, so each connection gets their pushes in one record.
        // The sender is named from the session, so a send costs no query for it.
        const sender = { id: user.id, username: user.username, nickname: user.nickname };
        if (!appended.duplicate) await deliverMessage(hub, [...appended.members, ...also], sender, message);
        return { message };
      },

      async history({ conversationId, before, after, limit }, { user }) {
        const { member } = await requireMember(store, conversationId, user.id, rooms);
        const page = await store.conversations.page(conversationId, {
          before: before ?? undefined,
          after: after ?? undefined,
          floor: member.joinedSeq,
          limit,
        });
        const messages = page.messages.map(toMessage);
        // One query for the page's senders, all of whom sent a message the caller may read.
        return { messages, hasMore: page.hasMore, users: await sendersOf(store, messages) };
      },

      async sync(_body, { user }) {
        return await conversationsOf(store, user.id);
      },

      async markRead({ conversationId, seq }, { user }) {
        const { conversation, open } = await requireMember(store, conversationId, user.id, rooms);
        // The lobby keeps no read position (PROTOCOL.md §13.4): the answer is the position asked for, stored nowhere.
        if (open) return { readSeq: Math.min(seq, conversation.lastSeq) };
        const readSeq = await store.conversations.markRead(conversationId, user.id, seq);
        // Gone between the check and the write: answered as if the check had come after.
        if (readSeq === undefined) throw noLongerMember();
        return { readSeq };
      },

      async recallMessage({ conversationId, seq }, { user }) {
        const { conversation, member } = await requireMember(store, conversationId, user.id, rooms);
        const record = await store.conversations.message(conversationId, seq);
        if (!record || seq <= member.joinedSeq) throw new RequestError("not_found", "No such message");
        if (record.senderId !== user.id) throw new RequestError("not_allowed", "Only its sender can recall a message");
        // A repeat (an answer lost on the way) is answered as it is now.
        if (record.recalledAt !== null) return { message: toMessage(record) };
        const now = clock.now();
        if (now - record.at > recallWindowMs) {
          throw new RequestError("recall_expired", `A message can be recalled within ${recallWindowMs / 1000} s`);
        }
        const recalled = await store.conversations.recall(conversationId, seq, user.id, now);
        // Recalled by a request that overtook this one: that one told the others.
        if (!recalled) return { message: toMessage((await store.conversations.message(conversationId, seq))!) };
        const message = toMessage(recalled);
        const also = await listeners(conversation.roomId);
        const sender = { id: user.id, username: user.username, nickname: user.nickname };
        await deliverToMembers(store, hub, conversationId, user.id, PUSHES.messageRecalled, message, sender, also);
        return { message };
      },
    },
  });
}
