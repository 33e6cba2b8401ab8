// Records and the repository of rooms and their members (the async contract; PROTOCOL.md §13). A room's messages are
// in its conversation, which the conversations repository keeps.

/** A chat room: a user-made group or the one lobby. */
export interface RoomRecord {
  id: number;
  name: string;
  kind: "group" | "lobby";
  /** Listed by `list_public_rooms` and open to `join_room`; the lobby is public. */
  public: boolean;
  /** The member whose role is `owner`; null for the lobby, and for a room between its making and its owner's joining. */
  ownerId: number | null;
  /** Null for rooms made by the server (the lobby) or whose creator is gone. */
  createdBy: number | null;
  createdAt: number;
}

/** A user's membership of a room. The lobby has none: every user is in it. */
export interface RoomMemberRecord {
  roomId: number;
  userId: number;
  /** `admin` is known to the schema and unused. */
  role: "owner" | "admin" | "member";
  joinedAt: number;
}

/** A public room as `listPublic` finds it for one user. */
export interface PublicRoomListing {
  room: RoomRecord;
  memberCount: number;
  /** Whether the user asking is a member. */
  member: boolean;
}

/**
 * Rooms and their members. Failed constraints (a missing user or room, an unknown kind or role, a second owner of a
 * room, a second lobby) throw StoreError.
 */
export interface RoomRepository {
  /** Rooms the user is a member of, ordered by id; never the lobby, which has no member rows. */
  roomsOf(userId: number): Promise<RoomRecord[]>;
  /**
   * Stores a room without members (`ownerId` null until an owner is added). The database holds one lobby, made by its
   * migration, so `kind` "lobby" throws StoreError.
   */
  createRoom(
    name: string,
    kind: "group" | "lobby",
    createdBy: number | null,
    at: number,
    isPublic?: boolean,
  ): Promise<RoomRecord>;
  findById(id: number): Promise<RoomRecord | undefined>;
  /** The lobby. Throws StoreError if the database has none (its migration makes it). */
  lobby(): Promise<RoomRecord>;
  /**
   * Idempotent: an existing membership keeps its role and join time. A user who had left is no longer a former member.
   */
  addMember(roomId: number, userId: number, role: RoomMemberRecord["role"], at: number): Promise<void>;
  /** The membership, or undefined. */
  member(roomId: number, userId: number): Promise<RoomMemberRecord | undefined>;
  /**
   * Ends the membership, whatever its role, and records the user as a former member who left at `at`; returns whether
   * there was a membership (nothing is recorded otherwise).
   */
  removeMember(roomId: number, userId: number, at: number): Promise<boolean>;
  /** Whether the user left the room (or was removed) and has not joined it again. */
  hasLeft(roomId: number, userId: number): Promise<boolean>;
  /** The room's members ordered by user id; empty for an unknown room. */
  membersOf(roomId: number): Promise<RoomMemberRecord[]>;
  /** How many members the room has. */
  memberCount(roomId: number): Promise<number>;
  /** Distinct ids of the users who share at least one room with `userId`, excluding `userId`, ascending. */
  coMemberIdsOf(userId: number): Promise<number[]>;
  /** Renames the room. Throws RecordNotFoundError when `roomId` names no room. */
  rename(roomId: number, name: string): Promise<void>;
  /**
   * Makes the member `userId` the owner, and the owner before (if any) a member, at once. Throws RecordNotFoundError
   * when `userId` is not a member of the room.
   */
  transferOwnership(roomId: number, userId: number): Promise<void>;
  /**
   * Sets the SHA-256 of the room's code (null: no code); the code before stops naming it. Throws RecordNotFoundError
   * when `roomId` names no room, StoreError for a hash that is not 32 bytes or is another room's.
   */
  setInviteCode(roomId: number, codeHash: Uint8Array | null): Promise<void>;
  /** The room whose current code hashes to `codeHash`, or undefined. */
  findByInviteCode(codeHash: Uint8Array): Promise<RoomRecord | undefined>;
  /** Public groups (not the lobby), most members first, then by id, at most `limit`; `member` is `userId`'s. */
  listPublic(userId: number, limit: number): Promise<PublicRoomListing[]>;
  /**
   * Whether a message of the lobby's conversation that is not recalled references the blob: such a blob is readable by
   * everyone, as the lobby is.
   */
  lobbyReferencesBlob(sha256: Uint8Array): Promise<boolean>;
  /** Deletes the room with its members (and, by the schema, its conversation); returns whether there was one. */
  delete(roomId: number): Promise<boolean>;
}
