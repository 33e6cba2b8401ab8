// The SQLite rooms repository: rooms, their members and owner, public rooms, room codes by hash and the lobby
// (migration 8), run by the SQLite store (sqlite.ts), which prepares these statements with its own.

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { RecordNotFoundError, StoreError } from "./errors.ts";
import { ids, integer, integerOrNull, oneOf, returned, type Row, text } from "./_sqlite_rows.ts";
import type { PublicRoomListing, RoomMemberRecord, RoomRecord, RoomRepository } from "./types_rooms.ts";

/** A room's columns, its owner (the member whose role is `owner`) included. */
const ROOM = `rooms.id, rooms.name, rooms.kind, rooms.public, rooms.created_by, rooms.created_at,
  (SELECT owners.user_id FROM room_members AS owners WHERE owners.room_id = rooms.id AND owners.role = 'owner')
    AS owner_id`;

/**
 * The rooms repository's statements, prepared once per connection; their names are unique among the store's.
 *
 * @param db The store's connection, migrated.
 * @returns The statements by name.
 */
export function prepareRoomStatements(db: DatabaseSync) {
  return {
    roomsOf: db.prepare(
      `SELECT ${ROOM} FROM rooms JOIN room_members ON room_members.room_id = rooms.id
       WHERE room_members.user_id = :userId ORDER BY rooms.id`,
    ),
    insertRoom: db.prepare(
      `INSERT INTO rooms (name, kind, created_by, created_at, public) VALUES (:name, :kind, :createdBy, :at, :public)
       RETURNING id`,
    ),
    roomById: db.prepare(`SELECT ${ROOM} FROM rooms WHERE id = :id`),
    theLobby: db.prepare(`SELECT ${ROOM} FROM rooms WHERE kind = 'lobby'`),
    // ON CONFLICT DO NOTHING, not INSERT OR IGNORE: OR IGNORE would also swallow CHECK and NOT NULL failures, and a
    // second owner (the partial unique index on room_id) must fail rather than vanish.
    insertRoomMember: db.prepare(
      `INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES (:roomId, :userId, :role, :at)
       ON CONFLICT (room_id, user_id) DO NOTHING`,
    ),
    deleteRoomDeparture: db.prepare("DELETE FROM room_departures WHERE room_id = :roomId AND user_id = :userId"),
    insertRoomDeparture: db.prepare(
      `INSERT INTO room_departures (room_id, user_id, left_at) VALUES (:roomId, :userId, :at)
       ON CONFLICT (room_id, user_id) DO UPDATE SET left_at = excluded.left_at`,
    ),
    roomDeparture: db.prepare("SELECT 1 AS yes FROM room_departures WHERE room_id = :roomId AND user_id = :userId"),
    roomMember: db.prepare("SELECT * FROM room_members WHERE room_id = :roomId AND user_id = :userId"),
    deleteRoomMember: db.prepare("DELETE FROM room_members WHERE room_id = :roomId AND user_id = :userId"),
    roomMembersOf: db.prepare("SELECT * FROM room_members WHERE room_id = :roomId ORDER BY user_id"),
    roomMemberCount: db.prepare("SELECT count(*) AS n FROM room_members WHERE room_id = :roomId"),
    // DISTINCT: a user who shares two rooms appears once.
    roomCoMemberIdsOf: db.prepare(
      `SELECT DISTINCT other.user_id AS id FROM room_members AS mine
       JOIN room_members AS other ON other.room_id = mine.room_id
       WHERE mine.user_id = :userId AND other.user_id <> :userId
       ORDER BY id`,
    ),
    renameRoom: db.prepare("UPDATE rooms SET name = :name WHERE id = :id"),
    demoteRoomOwner: db.prepare("UPDATE room_members SET role = 'member' WHERE room_id = :roomId AND role = 'owner'"),
    promoteRoomOwner: db.prepare(
      "UPDATE room_members SET role = 'owner' WHERE room_id = :roomId AND user_id = :userId",
    ),
    setRoomInviteCode: db.prepare("UPDATE rooms SET invite_code_hash = :codeHash WHERE id = :id"),
    roomByInviteCode: db.prepare(`SELECT ${ROOM} FROM rooms WHERE invite_code_hash = :codeHash`),
    publicRooms: db.prepare(
      `SELECT ${ROOM},
         (SELECT count(*) FROM room_members AS m WHERE m.room_id = rooms.id) AS member_count,
         EXISTS (SELECT 1 FROM room_members AS m WHERE m.room_id = rooms.id AND m.user_id = :userId) AS is_member
       FROM rooms WHERE rooms.public = 1 AND rooms.kind = 'group'
       ORDER BY member_count DESC, rooms.id LIMIT :limit`,
    ),
    deleteRoom: db.prepare("DELETE FROM rooms WHERE id = :id"),
    // Only messages that still show it: a recalled one no longer does.
    lobbyReferencesBlob: db.prepare(
      `SELECT 1 AS yes FROM message_blobs
       JOIN messages ON messages.conversation_id = message_blobs.conversation_id AND messages.seq = message_blobs.seq
       JOIN conversations ON conversations.id = message_blobs.conversation_id
       JOIN rooms ON rooms.id = conversations.room_id
       WHERE rooms.kind = 'lobby' AND message_blobs.sha256 = :sha256 AND messages.recalled_at IS NULL LIMIT 1`,
    ),
  } satisfies Record<string, StatementSync>;
}

/** The statements of {@linkcode prepareRoomStatements}. */
export type RoomStatements = ReturnType<typeof prepareRoomStatements>;

/** How the store runs one operation of this repository (under its lock, or inside a transaction). */
type Run = <T>(action: string, fn: (statements: RoomStatements) => T) => Promise<T>;

function flag(row: Row, column: string): boolean {
  const value = integer(row, column);
  if (value !== 0 && value !== 1) throw new StoreError(`Unexpected value in column ${column}: ${value}`);
  return value === 1;
}

function toRoom(row: Row): RoomRecord {
  return {
    id: integer(row, "id"),
    name: text(row, "name"),
    kind: oneOf(row, "kind", ["group", "lobby"]),
    public: flag(row, "public"),
    ownerId: integerOrNull(row, "owner_id"),
    createdBy: integerOrNull(row, "created_by"),
    createdAt: integer(row, "created_at"),
  };
}

function toMember(row: Row): RoomMemberRecord {
  return {
    roomId: integer(row, "room_id"),
    userId: integer(row, "user_id"),
    role: oneOf(row, "role", ["owner", "admin", "member"]),
    joinedAt: integer(row, "joined_at"),
  };
}

function changed(result: { changes: number | bigint }): boolean {
  return Number(result.changes) > 0;
}

/**
 * The rooms repository over the SQLite store's connection.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from "./sqlite.ts";
 * const store = openSqliteStore(":memory:");
 * (await store.rooms.lobby()).kind; // "lobby"
 * await store.close();
 * ```
 */
export class SqliteRoomRepository implements RoomRepository {
  readonly #run: Run;

  /** @param run Runs one operation's statements: the store's lock, or the open transaction. */
  constructor(run: Run) {
    this.#run = run;
  }

  roomsOf(userId: number): Promise<RoomRecord[]> {
    return this.#run("list rooms", (s) => s.roomsOf.all({ userId }).map(toRoom));
  }

  createRoom(
    name: string,
    kind: "group" | "lobby",
    createdBy: number | null,
    at: number,
    isPublic = false,
  ): Promise<RoomRecord> {
    return this.#run("create room", (s) => {
      const inserted = returned(s.insertRoom.get({ name, kind, createdBy, at, public: isPublic ? 1 : 0 }));
      const row = s.roomById.get({ id: integer(inserted, "id") });
      if (row === undefined) throw new StoreError("A room just made cannot be read back");
      return toRoom(row);
    });
  }

  findById(id: number): Promise<RoomRecord | undefined> {
    return this.#run("find room", (s) => {
      const row = s.roomById.get({ id });
      return row === undefined ? undefined : toRoom(row);
    });
  }

  lobby(): Promise<RoomRecord> {
    return this.#run("find the lobby", (s) => {
      const row = s.theLobby.get();
      if (row === undefined) throw new StoreError("The database has no lobby");
      return toRoom(row);
    });
  }

  addMember(roomId: number, userId: number, role: RoomMemberRecord["role"], at: number): Promise<void> {
    return this.#run("add room member", (s) => {
      // Both run at once under the same lock; the second cannot fail where the first succeeded.
      s.insertRoomMember.run({ roomId, userId, role, at });
      s.deleteRoomDeparture.run({ roomId, userId });
    });
  }

  member(roomId: number, userId: number): Promise<RoomMemberRecord | undefined> {
    return this.#run("find room member", (s) => {
      const row = s.roomMember.get({ roomId, userId });
      return row === undefined ? undefined : toMember(row);
    });
  }

  removeMember(roomId: number, userId: number, at: number): Promise<boolean> {
    return this.#run("remove room member", (s) => {
      if (!changed(s.deleteRoomMember.run({ roomId, userId }))) return false;
      s.insertRoomDeparture.run({ roomId, userId, at });
      return true;
    });
  }

  hasLeft(roomId: number, userId: number): Promise<boolean> {
    return this.#run("find room departure", (s) => s.roomDeparture.get({ roomId, userId }) !== undefined);
  }

  membersOf(roomId: number): Promise<RoomMemberRecord[]> {
    return this.#run("list room members", (s) => s.roomMembersOf.all({ roomId }).map(toMember));
  }

  memberCount(roomId: number): Promise<number> {
    return this.#run("count room members", (s) => {
      return integer(returned(s.roomMemberCount.get({ roomId })), "n");
    });
  }

  coMemberIdsOf(userId: number): Promise<number[]> {
    return this.#run(
      "list room co-members",
      (s) => ids(s.roomCoMemberIdsOf.all({ userId })),
    );
  }

  rename(roomId: number, name: string): Promise<void> {
    return this.#run("rename room", (s) => {
      if (!changed(s.renameRoom.run({ id: roomId, name }))) throw new RecordNotFoundError("rooms", roomId);
    });
  }

  transferOwnership(roomId: number, userId: number): Promise<void> {
    return this.#run("hand a room over", (s) => {
      // Checked first, so a refused handover leaves the owner in place: both updates run under one lock, but only a
      // transaction would undo the first if the second changed nothing.
      if (s.roomMember.get({ roomId, userId }) === undefined) throw new RecordNotFoundError("room_members", userId);
      s.demoteRoomOwner.run({ roomId });
      s.promoteRoomOwner.run({ roomId, userId });
    });
  }

  setInviteCode(roomId: number, codeHash: Uint8Array | null): Promise<void> {
    return this.#run("set room code", (s) => {
      if (!changed(s.setRoomInviteCode.run({ id: roomId, codeHash }))) throw new RecordNotFoundError("rooms", roomId);
    });
  }

  findByInviteCode(codeHash: Uint8Array): Promise<RoomRecord | undefined> {
    return this.#run("find room by code", (s) => {
      const row = s.roomByInviteCode.get({ codeHash });
      return row === undefined ? undefined : toRoom(row);
    });
  }

  listPublic(userId: number, limit: number): Promise<PublicRoomListing[]> {
    return this.#run("list public rooms", (s) =>
      s.publicRooms.all({ userId, limit }).map((row) => ({
        room: toRoom(row),
        memberCount: integer(row, "member_count"),
        member: flag(row, "is_member"),
      })));
  }

  lobbyReferencesBlob(sha256: Uint8Array): Promise<boolean> {
    return this.#run("find a lobby message's blob", (s) => s.lobbyReferencesBlob.get({ sha256 }) !== undefined);
  }

  delete(roomId: number): Promise<boolean> {
    return this.#run("delete room", (s) => changed(s.deleteRoom.run({ id: roomId })));
  }
}
