// Conversations and messages: send, history, sync, read positions and recall (PROTOCOL.md §14).

import * as v from "valibot";
import { defineOp, definePush } from "../define.ts";
import * as s from "../schema.ts";
import { userRef } from "./friends.ts";

/** Longest client message id, in characters (code points). */
export const MAX_CLIENT_ID = 64;
/** Most messages one `history` answers. */
export const MAX_HISTORY = 200;
/** What a system line records in a room's history (§13). */
export const SYSTEM_EVENTS = ["created", "joined", "left", "removed", "renamed", "owner"] as const;
/** The kinds of conversation: a pair of friends, or a room. */
export const CONVERSATION_KINDS = ["direct", "room"] as const;

/** A whole number from 0: a sequence number where 0 means "before the first message". */
const seqOrZero = v.pipe(s.int, v.minValue(0, "must be a whole number from 0"));
/** A message's sequence number: from 1. */
const seq = v.pipe(s.int, v.minValue(1, "must be a sequence number (a whole number from 1)"));
const positive = v.pipe(s.int, v.minValue(1, "must be a whole number from 1"));

/** Multi-line text; its length limit is the server's (`too_large`), only an empty text is refused here. */
export const textBody = s.map({
  type: v.literal("text"),
  text: v.pipe(s.string, v.check((text) => text.trim() !== "", "must not be empty")),
});

/**
 * An image stored as a blob (§15): its SHA-256, what the upload found (type, size, pixels) and an optional thumbnail
 * the sending client made.
 */
export const imageBody = s.map({
  type: v.literal("image"),
  blob: s.bytes(32),
  mime: s.string,
  width: positive,
  height: positive,
  size: positive,
  thumbnail: v.nullish(s.anyBytes),
});

/** A line the server writes into a room's history: who did what (§13). */
export const systemBody = s.map({
  type: v.literal("system"),
  event: s.oneOf(SYSTEM_EVENTS),
  userId: v.nullish(s.id),
  by: v.nullish(s.id),
  name: v.nullish(s.string),
});

/** What a recalled message's body becomes: its content is gone from the server. */
export const recalledBody = s.map({ type: v.literal("recalled") });

const KNOWN_BODIES = { text: textBody, image: imageBody, system: systemBody, recalled: recalledBody } as const;
const SENDABLE_BODIES = { text: textBody, image: imageBody } as const;

/** A body whose type this version does not know: kept whole, so a newer server's messages still arrive. */
const futureBody = v.pipe(
  v.custom<{ type: string }>(s.isMap, s.mustBe("a map")),
  v.looseObject(
    { type: s.string },
    (issue) => issue.path?.at(-1)?.origin === "key" ? "is missing" : s.mustBe("a map")(issue),
  ),
);

/** Picks a body's schema by its `type`, so a failure names the field of that type that does not fit. */
function byType(known: Readonly<Record<string, v.GenericSchema>>, other: v.GenericSchema) {
  return v.lazy((input) => {
    const type = s.isMap(input) ? input.type : undefined;
    return typeof type === "string" && Object.hasOwn(known, type) ? known[type] : other;
  });
}

/** Any of the known bodies. */
export type MessageBody = v.InferOutput<typeof KNOWN_BODIES[keyof typeof KNOWN_BODIES]>;
/** What a client may send: text or an image. */
export type SendableBody = v.InferOutput<typeof SENDABLE_BODIES[keyof typeof SENDABLE_BODIES]>;

/**
 * A message's body as the server delivers it: a typed map whose `type` says how to read the rest. Known types are
 * checked field by field; a type this version does not know passes whole (typed here as the known ones only, so a
 * client shows anything else as unsupported).
 */
export const messageBody = byType(KNOWN_BODIES, futureBody) as unknown as v.GenericSchema<MessageBody, MessageBody>;

/** A body `send_message` takes: text or an image. */
export const sendableBody = byType(
  SENDABLE_BODIES,
  s.map({ type: s.oneOf(Object.keys(SENDABLE_BODIES) as (keyof typeof SENDABLE_BODIES)[]) }),
) as unknown as v.GenericSchema<SendableBody, SendableBody>;

/**
 * A message: its place in the conversation (`seq`, from 1, given by the server), who sent it (null for a system
 * line), the sender's `clientId`, the server's time, the body, and when it was recalled (null if it was not).
 */
export const message = s.map({
  conversationId: s.id,
  seq,
  senderId: v.nullable(s.id),
  clientId: v.nullable(s.string),
  at: s.time,
  body: messageBody,
  recalledAt: v.nullable(s.time),
});

/**
 * A conversation as the user's list shows it: for a direct one the `peer`, for a room its id; `title` is the peer's
 * nickname or the room's name; the last sequence number, the user's read position, how many messages from others
 * came after it, and the last message.
 */
export const conversation = s.map({
  id: s.id,
  kind: s.oneOf(CONVERSATION_KINDS),
  roomId: v.nullable(s.id),
  peer: v.nullable(userRef),
  title: s.string,
  lastSeq: seqOrZero,
  readSeq: seqOrZero,
  unread: seqOrZero,
  last: v.nullable(message),
  lastAt: v.nullable(s.time),
});

/**
 * The senders of the messages an answer or a push carries (PROTOCOL.md §14.2): each distinct one once, so a client
 * names a stranger's message (the lobby, a room whose members it never listed) without asking who they are.
 */
export const senders = s.list(userRef);

const clientId = v.pipe(
  s.chars(1, MAX_CLIENT_ID),
  v.check((id) => !/[\p{Cc}]/u.test(id), "cannot hold control characters"),
);

/**
 * Sends a message; the server gives it the next sequence number and its time. Idempotent by `clientId`: sending again
 * with the same id answers the stored message and delivers nothing twice. Ordered, so one connection's messages keep
 * the order they were sent in.
 */
export const sendMessage = defineOp({
  opcode: 0x0050,
  name: "send_message",
  request: s.map({ conversationId: s.id, clientId, body: sendableBody }),
  response: s.map({ message }),
  errors: ["not_found", "not_allowed", "too_large", "bad_image"],
  auth: "user",
  ordered: true,
});

/**
 * A page of a conversation's messages in sequence order: after `after` (forward), or else before `before` (backward,
 * the newest page when neither is given). `hasMore` says whether more lie further in the direction of paging.
 */
export const history = defineOp({
  opcode: 0x0051,
  name: "history",
  request: s.map({
    conversationId: s.id,
    before: v.nullish(seq),
    after: v.nullish(seqOrZero),
    limit: v.pipe(
      s.int,
      v.minValue(1, `must be 1 to ${MAX_HISTORY}`),
      v.maxValue(MAX_HISTORY, `must be 1 to ${MAX_HISTORY}`),
    ),
  }),
  response: s.map({ messages: s.list(message), hasMore: s.bool, users: senders }),
  errors: ["not_found", "not_allowed"],
  auth: "user",
});

/**
 * Every conversation of the user with its last sequence number, read position, unread count and last message, and
 * the senders of those last messages.
 */
export const sync = defineOp({
  opcode: 0x0052,
  name: "sync",
  request: s.map({}),
  response: s.map({ conversations: s.list(conversation), users: senders }),
  errors: [],
  auth: "user",
});

/** Moves the user's read position forward to `seq` (never back, never past the last message). */
export const markRead = defineOp({
  opcode: 0x0053,
  name: "mark_read",
  request: s.map({ conversationId: s.id, seq: seqOrZero }),
  response: s.map({ readSeq: seqOrZero }),
  errors: ["not_found", "not_allowed"],
  auth: "user",
});

/** The sender takes a message back within the server's window; it keeps its place and becomes a "recalled" line. */
export const recallMessage = defineOp({
  opcode: 0x0054,
  name: "recall_message",
  request: s.map({ conversationId: s.id, seq }),
  response: s.map({ message }),
  errors: ["not_found", "not_allowed", "recall_expired"],
  auth: "user",
});

/** A pushed message and its sender (PROTOCOL.md §14.2): null for a line the server writes. */
const pushedMessage = s.map({ message, sender: v.nullable(userRef) });

/** Push: a new message in one of the user's conversations (to every member online but its sender), and its sender. */
export const messagePush = definePush({ opcode: 0x0120, name: "message", body: pushedMessage });

/**
 * Push: a message was recalled; `message` is its new form (to every member online but the sender), `sender` who
 * sent and recalled it.
 */
export const messageRecalled = definePush({ opcode: 0x0121, name: "message_recalled", body: pushedMessage });

/** Push: the user became a member of a conversation (a new friend, a room joined), with its last message's sender. */
export const conversationAdded = definePush({
  opcode: 0x0122,
  name: "conversation_added",
  body: s.map({ conversation, users: senders }),
});

/** Push: the user is no longer a member of a conversation (a friendship ended, a room left); its history stays. */
export const conversationRemoved = definePush({
  opcode: 0x0123,
  name: "conversation_removed",
  body: s.map({ conversationId: s.id }),
});

/** A message as clients see it. */
export type Message = v.InferOutput<typeof message>;
/** A conversation summary as clients see it. */
export type Conversation = v.InferOutput<typeof conversation>;
