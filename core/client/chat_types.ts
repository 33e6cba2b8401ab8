// The shapes of friends, conversations and messages the SDK's state holds, as the protocol defines them
// (core/protocol/ops/friends.ts and messages.ts, PROTOCOL.md §12 and §14), under the names screens use.

import type { ResponseOf } from "../protocol/define.ts";
import type { OPS } from "../protocol/registry.ts";
import type { Conversation, Message, MessageBody, SendableBody } from "../protocol/ops/messages.ts";
import type { Friend, FriendRequest, UserRef } from "../protocol/ops/friends.ts";

export type { Conversation, Friend, FriendRequest, Message, MessageBody, SendableBody, UserRef };

/** One user the caller blocked, and since when. */
export type BlockedUser = ResponseOf<typeof OPS.listBlocked>["blocked"][number];

/** A text message's body: any text, several lines included. */
export type TextBody = Extract<MessageBody, { type: "text" }>;

/** An image stored as a blob (PROTOCOL.md §15), named by its SHA-256, with an optional thumbnail. */
export type ImageBody = Extract<MessageBody, { type: "image" }>;

/** A line the server writes into a room's history. */
export type SystemBody = Extract<MessageBody, { type: "system" }>;

/** What a recalled message's body becomes. */
export type RecalledBody = Extract<MessageBody, { type: "recalled" }>;
