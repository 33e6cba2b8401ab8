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
  createdAt: number;
  updatedAt: number;
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
   * Stores a pending request. Throws FriendRequestExistsError (carrying the existing id) when the pair already has
   * a request in that direction, whatever its status; StoreError for a request to oneself or a missing user.
   */
  createFriendRequest(fromUser: number, toUser: number, at: number): Promise<FriendRequestRecord>;
  /** Sets status and updatedAt only. Throws RecordNotFoundError when `id` names no request. */
  setFriendRequestStatus(id: number, status: FriendRequestRecord["status"], at: number): Promise<void>;
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

/** The repositories, one per aggregate: what a store and a transaction both offer. */
export interface Repositories {
  readonly users: UserRepository;
  readonly friends: FriendRepository;
  readonly rooms: RoomRepository;
  readonly invites: InviteRepository;
  readonly devices: DeviceRepository;
  readonly blobs: BlobRepository;
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
