// The shapes of friends, conversations and messages the SDK's state holds (PROTOCOL.md §12, §14).
//
// TEMPORARY: written against core/protocol/ops/{friends,messages}.ts of the chat branch before it landed on main. Once
// it has, every type here becomes a re-export of the protocol's (`Message`, `Conversation`, `FriendRequest`…), so the
// state can never drift from the wire.

/** How a user is named to others: no presence, no font (PROTOCOL.md §12). */
export interface UserRef {
  id: number;
  username: string;
  nickname: string;
}

/** A friend request; `from` is null when its sender no longer exists, `note` when the sender wrote none. */
export interface FriendRequest {
  id: number;
  from: UserRef | null;
  note: string | null;
  /** `pending`, `deferred` ("later"), `accepted`, `rejected`; a status this client does not know reads as pending. */
  status: string;
  createdAt: number;
}

/** A friend as the login bundle and `friend_added` show them; `lastSeenAt` is null while online or never seen. */
export interface Friend {
  id: number;
  username: string;
  nickname: string;
  online: boolean;
  lastSeenAt: number | null;
}

/** One user the caller blocked, and since when. */
export interface BlockedUser {
  id: number;
  username: string;
  nickname: string;
  blockedAt: number;
}

/** A text message's body: any text, several lines included. */
export interface TextBody {
  type: "text";
  text: string;
}

/** An image stored as a blob (PROTOCOL.md §15), named by its SHA-256, with an optional thumbnail. */
export interface ImageBody {
  type: "image";
  blob: Uint8Array;
  mime: string;
  width: number;
  height: number;
  size: number;
  thumbnail?: Uint8Array | null;
}

/** A line the server writes into a room's history. */
export interface SystemBody {
  type: "system";
  event: "created" | "joined" | "left" | "removed" | "renamed" | "owner";
  userId?: number | null;
  by?: number | null;
  name?: string | null;
}

/** What a recalled message's body becomes. */
export interface RecalledBody {
  type: "recalled";
}

/** Any of the known bodies; a body of a type this version does not know arrives whole and is shown as unsupported. */
export type MessageBody = TextBody | ImageBody | SystemBody | RecalledBody;

/** What a client may send: text or an image. */
export type SendableBody = TextBody | ImageBody;

/** A message (PROTOCOL.md §14.2): its place (`seq`, from 1), sender (null: the server's line), client id, body. */
export interface Message {
  conversationId: number;
  seq: number;
  senderId: number | null;
  clientId: string | null;
  at: number;
  body: MessageBody;
  recalledAt: number | null;
}

/** A conversation as `sync` and the login bundle list it (PROTOCOL.md §14.1). */
export interface Conversation {
  id: number;
  kind: "direct" | "room";
  roomId: number | null;
  peer: UserRef | null;
  title: string;
  lastSeq: number;
  readSeq: number;
  unread: number;
  last: Message | null;
  lastAt: number | null;
}
