// Records and repository interfaces of the Mimi store (the async contract); implementations (e.g. SQLite) live beside it.
//
// Every method returns a promise, so a store that talks to a server (PostgreSQL) fits the same contract as the SQLite
// one. Failures arrive as rejections with the typed errors of errors.ts; "throws X" below means "rejects with X".

import type { BlobRepository } from "./types_blobs.ts";
import type { RoomRepository } from "./types_rooms.ts";
export type * from "./types_blobs.ts";
export type * from "./types_rooms.ts";

/** A registered account as stored. Timestamps are milliseconds since the Unix epoch. */
export interface UserRecord {
  id: number;
  /** The username as the user typed it (display form). */
  username: string;
  /**
   * The normalised form of `username` given at creation, unique among users. It is the account's OPAQUE identifier,
   * so callers use it as stored rather than deriving it again from `username`.
   */
  usernameKey: string;
  nickname: string;
  /** The OPAQUE registration record; opaque bytes to the store. */
  registrationRecord: Uint8Array;
  createdAt: number;
  lastSeenAt: number | null;
  fontFamily: string | null;
  fontSize: number | null;
}

/** What `UserRepository.create` needs. */
export interface NewUser {
  username: string;
  /** The caller's normalised form of `username` (e.g. case-folded); unique. */
  usernameKey: string;
  nickname: string;
  registrationRecord: Uint8Array;
  createdAt: number;
}

/** Accounts. Update methods throw RecordNotFoundError when `id` names no user. */
export interface UserRepository {
  /**
   * Stores a new user with a fresh id and an empty profile (`lastSeenAt`, `fontFamily`, `fontSize` null).
   * Throws UsernameTakenError when `usernameKey` exists: the key is the only uniqueness the store enforces, so two
   * racing registrations of one name cannot both succeed, whatever the caller checked before.
   */
  create(user: NewUser): Promise<UserRecord>;
  /** The user whose key equals `usernameKey` exactly (the store does not normalise), else undefined. */
  findByKey(usernameKey: string): Promise<UserRecord | undefined>;
  findById(id: number): Promise<UserRecord | undefined>;
  /** The users of these ids, by ascending id, each once; ids of no user are left out (one query for a page). */
  findByIds(ids: readonly number[]): Promise<UserRecord[]>;
  setNickname(id: number, nickname: string): Promise<void>;
  setRegistrationRecord(id: number, record: Uint8Array): Promise<void>;
  /** `size` must be a positive integer or null; anything else throws StoreError. */
  setFont(id: number, family: string | null, size: number | null): Promise<void>;
  setLastSeen(id: number, at: number): Promise<void>;
}

/** A friend request; `deferred` means "ask me later" and keeps it open. */
export interface FriendRequestRecord {
  id: number;
  fromUser: number;
  toUser: number;
  status: "pending" | "accepted" | "rejected" | "deferred";
  /** What the sender wrote to the recipient; null for nothing. */
  note: string | null;
  /** When it was sent, or last sent again (`reopenFriendRequest`). */
  createdAt: number;
  /** When its status last changed: for a rejected request, when it was rejected. */
  updatedAt: number;
}

/** A user someone blocked, and since when. */
export interface BlockedUserRecord {
  user: UserRecord;
  blockedAt: number;
}

/** Friendships and friend requests. Failed constraints (e.g. a missing user) throw StoreError. */
export interface FriendRepository {
  /** Friends of a user (both directions of a friendship), ordered by id. */
  friendsOf(userId: number): Promise<UserRecord[]>;
  /** Ids of the user's friends, ascending: `friendsOf` without the records. */
  friendIdsOf(userId: number): Promise<number[]>;
  /** Friend requests TO the user with status pending or deferred, oldest first (by createdAt, then id). */
  openRequestsFor(userId: number): Promise<FriendRequestRecord[]>;
  /** Idempotent and symmetric: (a, b) and (b, a) are one friendship. A friendship with oneself throws StoreError. */
  addFriendship(a: number, b: number, at: number): Promise<void>;
  /**
   * Stores a pending request with its note (null or absent: none). Throws FriendRequestExistsError (carrying the
   * existing id) when the pair already has a request in that direction, whatever its status; StoreError for a request
   * to oneself or a missing user.
   */
  createFriendRequest(fromUser: number, toUser: number, at: number, note?: string | null): Promise<FriendRequestRecord>;
  /** Sets status and updatedAt only. Throws RecordNotFoundError when `id` names no request. */
  setFriendRequestStatus(id: number, status: FriendRequestRecord["status"], at: number): Promise<void>;
  /** The request with this id, whatever its status, or undefined. */
  findRequest(id: number): Promise<FriendRequestRecord | undefined>;
  /** The request from `fromUser` to `toUser` (that direction only), whatever its status, or undefined. */
  requestBetween(fromUser: number, toUser: number): Promise<FriendRequestRecord | undefined>;
  /**
   * Sends an existing request again: status pending, the new note, `createdAt` and `updatedAt` set to `at`; its id
   * stays. Returns it. Throws RecordNotFoundError when `id` names no request.
   */
  reopenFriendRequest(id: number, note: string | null, at: number): Promise<FriendRequestRecord>;
  /** Deletes the open (pending or deferred) requests between the two, in both directions; returns how many went. */
  deleteOpenRequestsBetween(a: number, b: number): Promise<number>;
  /** Whether the two are friends (symmetric). */
  areFriends(a: number, b: number): Promise<boolean>;
  /** Ends the friendship (symmetric); returns whether there was one. */
  removeFriendship(a: number, b: number): Promise<boolean>;
  /**
   * Records that `blocker` blocked `blocked`. Idempotent: blocking again keeps the first time. StoreError for a block
   * of oneself or a missing user.
   */
  block(blocker: number, blocked: number, at: number): Promise<void>;
  /** Lifts the block; returns whether there was one. Only that direction: the other user's block of this one stays. */
  unblock(blocker: number, blocked: number): Promise<boolean>;
  /** Whether `blocker` blocked `blocked` (that direction only). */
  isBlocked(blocker: number, blocked: number): Promise<boolean>;
  /** The users `blocker` blocked, most recent block first (then by user id). */
  blockedBy(blocker: number): Promise<BlockedUserRecord[]>;
  /** Ids of the users in a block with `userId`, in either direction, ascending: whom presence must not cross. */
  blockedEither(userId: number): Promise<number[]>;
}

/** A single-use invite code as stored: only the SHA-256 of the code, never the code. */
export interface InviteRecord {
  /** SHA-256 of the normalised code, 32 bytes. */
  codeHash: Uint8Array;
  createdAt: number;
  /** The code works while `now < expiresAt`. */
  expiresAt: number;
  /** When it was used to create an account; null while unused. */
  usedAt: number | null;
  /** The account it created; null while unused (or once that account is gone). */
  usedBy: number | null;
}

/** Invite codes (PROTOCOL.md §10.2). */
export interface InviteRepository {
  /** Stores a new unused invite. Throws StoreError for a hash that is not 32 bytes, exists, or expires by `createdAt`. */
  create(codeHash: Uint8Array, createdAt: number, expiresAt: number): Promise<InviteRecord>;
  /** The invite with this hash if it can still be used at `now` (unused and `now < expiresAt`), else undefined. */
  findUsable(codeHash: Uint8Array, now: number): Promise<InviteRecord | undefined>;
  /**
   * Marks the invite used by `userId` at `at` if it is still usable then. Returns whether it was: false for an
   * unknown, used or expired code, so two registrations can never both consume one code. Call it in the transaction
   * that creates the user, and throw to roll the user back when it returns false.
   */
  consume(codeHash: Uint8Array, userId: number, at: number): Promise<boolean>;
}

/** A remembered device ("stay signed in"): the public half of a key pair its client keeps. */
export interface DeviceRecord {
  /** Issued by the store; never reused for another device, even after this one is deleted. */
  id: number;
  userId: number;
  /** What the user calls the device, as the client gave it. */
  name: string;
  /** The device's public key as the client sent it; opaque bytes to the store. */
  publicKey: Uint8Array;
  createdAt: number;
  /** When the device last logged in or resumed; `createdAt` until then. */
  lastUsedAt: number;
}

/** What `DeviceRepository.create` needs. */
export interface NewDevice {
  userId: number;
  name: string;
  publicKey: Uint8Array;
  createdAt: number;
}

/** Remembered devices. A device goes with its user. */
export interface DeviceRepository {
  /**
   * Stores a device with a fresh id and `lastUsedAt = createdAt`. Throws DeviceKeyTakenError (naming the device that
   * has it) when another device has the same public key; StoreError for a missing user, an empty name or an empty key.
   */
  create(device: NewDevice): Promise<DeviceRecord>;
  findById(id: number): Promise<DeviceRecord | undefined>;
  /** The user's devices ordered by id (oldest first). */
  listFor(userId: number): Promise<DeviceRecord[]>;
  /** Sets `lastUsedAt`. Throws RecordNotFoundError when `id` names no device (e.g. it was revoked meanwhile). */
  touch(id: number, at: number): Promise<void>;
  /**
   * Deletes the device if it belongs to `userId`. Returns whether a row went: false for an unknown id or another
   * user's device, which is left alone.
   */
  delete(id: number, userId: number): Promise<boolean>;
}

/** A conversation (PROTOCOL.md §14.1): the pair of a direct one, or the room of a room's. */
export interface ConversationRecord {
  id: number;
  kind: "direct" | "room";
  /** The room, for a room's conversation; null for a direct one. */
  roomId: number | null;
  /** A direct conversation's pair, smaller id first; null for a room's. */
  userA: number | null;
  userB: number | null;
  /** The sequence number of the last message; 0 while there is none. */
  lastSeq: number;
  /** When the last message was stored; null while there is none. */
  lastAt: number | null;
  createdAt: number;
}

/** A member of a conversation. */
export interface ConversationMemberRecord {
  conversationId: number;
  userId: number;
  /** The member sees the messages after this one only: 0 for a direct conversation, the last seq at joining a room. */
  joinedSeq: number;
  /** How far the member read; never past the conversation's `lastSeq`. */
  readSeq: number;
  joinedAt: number;
}

/** A stored message. The store never reads `body`: codec bytes that the messages service wrote. */
export interface MessageRecord {
  conversationId: number;
  seq: number;
  /** Null for a line the server wrote, or once the sender's account is gone. */
  senderId: number | null;
  clientId: string | null;
  at: number;
  /** Null once recalled: the content is deleted. */
  body: Uint8Array | null;
  recalledAt: number | null;
}

/** What `ConversationRepository.append` stores; the store gives it its sequence number. */
export interface NewMessage {
  senderId: number | null;
  /** The sender's id for it (PROTOCOL.md §14.3); with a sender, a repeat of it is not stored again. */
  clientId: string | null;
  at: number;
  body: Uint8Array;
  /** SHA-256 of each blob the message references, recorded for `referencesBlob`. */
  blobs?: readonly Uint8Array[];
  /**
   * Sent as a member: the append is refused with NotMemberError unless `senderId` is a member of the conversation
   * when it is stored, checked in the append's own transaction. A membership that ends after the sender was checked
   * but before the commit (an unfriend, a block, a leave, a removal) stops the message (PROTOCOL.md §14.3).
   */
  asMember?: boolean;
}

/** What `append` did: stored the message, or found it stored already (same conversation, sender and client id). */
export interface AppendResult {
  message: MessageRecord;
  /** True when the message was stored before: nothing new was written, and nothing should be delivered again. */
  duplicate: boolean;
  /**
   * The conversation's members (ids ascending) when the message was stored or found, read in the same transaction:
   * whom to deliver it to, without another read. In a group commit it is read once per conversation and batch.
   */
  members: number[];
}

/** A conversation and one user's membership of it, read together (`ConversationRepository.withMember`). */
export interface ConversationWithMember {
  conversation: ConversationRecord;
  /** The user's membership, or undefined when they are not a member. */
  member: ConversationMemberRecord | undefined;
}

/** One conversation of a user, as their list shows it. */
export interface ConversationListing {
  conversation: ConversationRecord;
  /** The room's name, for a room's conversation; null for a direct one. */
  roomName: string | null;
  member: ConversationMemberRecord;
  /** Messages after the read position (and after joining) from other users, not recalled. */
  unread: number;
  /** The last message the member may see, or null. */
  last: MessageRecord | null;
}

/** Which messages `page` answers: see `ConversationRepository.page`. */
export interface PageOptions {
  /** Only messages with a smaller seq. */
  before?: number;
  /** Only messages with a larger seq, and page forward from it. */
  after?: number;
  /** Only messages with a larger seq, whatever the direction: a room member's `joinedSeq`. */
  floor?: number;
  /** Most messages answered, from 1. */
  limit: number;
}

/** A page of messages, ascending by seq, and whether more lie further in the direction of paging. */
export interface MessagePage {
  messages: MessageRecord[];
  hasMore: boolean;
}

/**
 * Conversations, their members and messages (PROTOCOL.md §14). Failed constraints (a missing user or room) throw
 * StoreError. On the store (not in a transaction), `append` calls made in the same tick are committed together in one
 * transaction (group commit), each resolving once that transaction is committed; in a transaction, `append` writes
 * through it like any other call.
 */
export interface ConversationRepository {
  /** The direct conversation of the pair, made (at `at`, without members) if they never had one. `a !== b`. */
  directFor(a: number, b: number, at: number): Promise<ConversationRecord>;
  /** The room's conversation, made (at `at`, without members) if it has none. */
  forRoom(roomId: number, at: number): Promise<ConversationRecord>;
  findById(id: number): Promise<ConversationRecord | undefined>;
  /**
   * The conversation and the user's membership in one read (what every operation naming a conversation checks
   * first), or undefined when the conversation does not exist.
   */
  withMember(conversationId: number, userId: number): Promise<ConversationWithMember | undefined>;
  /**
   * Makes the user a member, with nothing unread: `readSeq` is the last seq now, and so is `joinedSeq` for a room's
   * conversation (0 for a direct one, whose history is the pair's). Idempotent: a member stays as they are. Throws
   * RecordNotFoundError for an unknown conversation.
   */
  addMember(conversationId: number, userId: number, at: number): Promise<void>;
  /** Returns whether the user was a member. Their messages stay. */
  removeMember(conversationId: number, userId: number): Promise<boolean>;
  /** The membership, or undefined. */
  member(conversationId: number, userId: number): Promise<ConversationMemberRecord | undefined>;
  isMember(conversationId: number, userId: number): Promise<boolean>;
  /** Ids of the members, ascending. */
  membersOf(conversationId: number): Promise<number[]>;
  /** The user's conversations, most recent message first (those without one last, newest first). */
  listFor(userId: number): Promise<ConversationListing[]>;
  /** One conversation as `listFor` shows it, or undefined when the user is not a member. */
  listingFor(conversationId: number, userId: number): Promise<ConversationListing | undefined>;
  /**
   * Stores a message with the next seq and raises the conversation's `lastSeq` and `lastAt`, in one transaction. With
   * a sender and a client id already stored for them in this conversation, stores nothing and answers the stored one
   * (`duplicate`). Throws RecordNotFoundError for an unknown conversation, and NotMemberError for a message sent
   * `asMember` by someone who is not a member (checked before the client id, and atomically with the insert).
   */
  append(conversationId: number, message: NewMessage): Promise<AppendResult>;
  /** The message at `seq`, or undefined. */
  message(conversationId: number, seq: number): Promise<MessageRecord | undefined>;
  /**
   * Messages ascending by seq, all within `floor < seq < before` (each bound when given). With `after`, the first
   * `limit` with `seq > after`, and `hasMore` when more follow; without it, the last `limit`, and `hasMore` when more
   * lie before them.
   */
  page(conversationId: number, options: PageOptions): Promise<MessagePage>;
  /**
   * Moves the member's read position forward to `seq`, never back and never past `lastSeq`. Returns the position now,
   * or undefined when the user is not a member.
   */
  markRead(conversationId: number, userId: number, seq: number): Promise<number | undefined>;
  /**
   * Recalls the message at `seq` if `senderId` sent it and it is not recalled yet: deletes its body and blob
   * references, sets `recalledAt`. Returns the message as it is now, or undefined when nothing was recalled.
   */
  recall(conversationId: number, seq: number, senderId: number, at: number): Promise<MessageRecord | undefined>;
  /**
   * Whether the user is a member of a conversation with a message they may see (after their `joinedSeq`), not
   * recalled, that references the blob.
   */
  referencesBlob(userId: number, sha256: Uint8Array): Promise<boolean>;
}

/** The repositories, one per aggregate: what a store and a transaction both offer. */
export interface Repositories {
  readonly users: UserRepository;
  readonly friends: FriendRepository;
  readonly rooms: RoomRepository;
  readonly invites: InviteRepository;
  readonly devices: DeviceRepository;
  readonly blobs: BlobRepository;
  readonly conversations: ConversationRepository;
}

/**
 * The repositories inside one transaction. Use it only while the function given to `transaction` runs: afterwards
 * (and while a nested transaction of it is open) its methods throw StoreError.
 */
export interface Transaction extends Repositories {
  /**
   * A nested transaction (a savepoint): `fn`'s writes are kept if it resolves and undone if it rejects, which
   * leaves the enclosing transaction open and its earlier writes in place. The rejection is passed on unchanged.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** An open store; one serves one process. */
export interface Store extends Repositories {
  /**
   * Runs `fn` in one transaction: its writes through `tx` all commit when its promise resolves, or none do when it
   * rejects, and the same rejection is passed on.
   *
   * Transactions run one at a time, and a call on the store (not on a `tx`) made while one is open waits until it
   * ends: it sees the state before or after the transaction, never its uncommitted writes, and its own writes are
   * never undone by another's rollback.
   *
   * Inside `fn`, use `tx`. Calling the store itself from `fn` while its transaction is open would wait for that very
   * transaction, so it throws TypeError instead. Keep `fn` short: every other store call waits for it.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** The schema version after migrations. */
  readonly version: number;
  /**
   * Waits for calls and transactions already begun, then closes. Later calls throw StoreError; closing again is
   * harmless. Calling it from inside a transaction throws TypeError, as it would wait for itself.
   */
  close(): Promise<void>;
}
