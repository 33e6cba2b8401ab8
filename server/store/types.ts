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

/** An open store. All methods are synchronous; one store serves one process. */
export interface Store {
  readonly users: UserRepository;
  readonly social: SocialRepository;
  /**
   * Runs fn in one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on throw).
   * Nested calls become savepoints. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T;
  /** The schema version after migrations. */
  readonly version: number;
  close(): void;
}
