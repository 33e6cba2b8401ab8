// Records and repository interfaces of the Mimi store; implementations (e.g. SQLite) live beside it.

/** A registered account as stored. Timestamps are milliseconds since the Unix epoch. */
export interface UserRecord {
  id: number;
  /** The username as the user typed it (display form). */
  username: string;
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
  /** Throws UsernameTakenError when usernameKey exists (case-insensitive uniqueness is the caller's key normalisation + the UNIQUE index). */
  create(user: NewUser): UserRecord;
  findByKey(usernameKey: string): UserRecord | undefined;
  findById(id: number): UserRecord | undefined;
  setNickname(id: number, nickname: string): void;
  setRegistrationRecord(id: number, record: Uint8Array): void;
  setFont(id: number, family: string | null, size: number | null): void;
  setLastSeen(id: number, at: number): void;
}

/** A chat room: a user-made group or the shared lobby. */
export interface RoomRecord {
  id: number;
  name: string;
  kind: "group" | "lobby";
  /** Null for rooms made by the server (the lobby) or whose creator is gone. */
  createdBy: number | null;
  createdAt: number;
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

/** Friendships, rooms and friend requests. Failed constraints (e.g. a missing user) throw StoreError. */
export interface SocialRepository {
  /** Friends of a user (both directions of a friendship), ordered by id. */
  friendsOf(userId: number): UserRecord[];
  /** Rooms the user is a member of, ordered by id. */
  roomsOf(userId: number): RoomRecord[];
  /** Friend requests TO the user with status pending or deferred, oldest first. */
  openRequestsFor(userId: number): FriendRequestRecord[];
  /** Distinct ids of users who are friends of `userId` or share at least one room with them, excluding `userId`. */
  contactsOf(userId: number): number[];
  /** Idempotent; stores (min, max). A friendship with oneself throws StoreError. */
  addFriendship(a: number, b: number, at: number): void;
  createRoom(name: string, kind: "group" | "lobby", createdBy: number | null, at: number): RoomRecord;
  /** Idempotent: an existing membership keeps its role and join time. */
  addMember(roomId: number, userId: number, role: "owner" | "admin" | "member", at: number): void;
  /** Throws FriendRequestExistsError (carrying the existing id) when the pair already has a request. */
  createFriendRequest(fromUser: number, toUser: number, at: number): FriendRequestRecord;
  /** Throws RecordNotFoundError when `id` names no request. */
  setFriendRequestStatus(id: number, status: FriendRequestRecord["status"], at: number): void;
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
  create(codeHash: Uint8Array, createdAt: number, expiresAt: number): InviteRecord;
  /** The invite with this hash if it can still be used at `now` (unused and `now < expiresAt`), else undefined. */
  findUsable(codeHash: Uint8Array, now: number): InviteRecord | undefined;
  /**
   * Marks the invite used by `userId` at `at` if it is still usable then. Returns whether it was: false for an
   * unknown, used or expired code, so two registrations can never both consume one code. Call it in the transaction
   * that creates the user, and throw to roll the user back when it returns false.
   */
  consume(codeHash: Uint8Array, userId: number, at: number): boolean;
}

/** An open store. All methods are synchronous; one store serves one process. */
export interface Store {
  readonly users: UserRepository;
  readonly social: SocialRepository;
  readonly invites: InviteRepository;
  /**
   * Runs fn in one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on throw).
   * Nested calls become savepoints. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T;
  /** The schema version after migrations. */
  readonly version: number;
  close(): void;
}
