// Migration 8: public rooms, room codes by hash, one owner per room, and the one lobby every user is in.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Prepares `rooms` and `room_members` for PROTOCOL.md §13:
 *
 * - `rooms.public`: 1 for a room listed by `list_public_rooms` and open to `join_room`; existing rooms stay private.
 * - `rooms.invite_code_hash`: the SHA-256 of the room's current code, or NULL for none. Only the hash is stored, as for
 *   account invites, and it is unique (a partial index, as `ALTER TABLE` cannot add a UNIQUE column), so a code names
 *   one room.
 * - One owner per room, `room_members.role = 'owner'`, kept by a partial unique index. A room of before with several
 *   owners keeps the one with the smallest id as owner (no version wrote any, so this is only for safety).
 * - `room_departures`: who left a room (or was removed) and when, until they join again; so a former member is told
 *   "no longer allowed" rather than "no such room" (§13.1). Gone with the room or the user.
 * - The lobby: exactly one room of kind `lobby`, public, made now if there is none (the oldest one stays the lobby if
 *   there were several; the others become groups). Every user is in it without a row: its member rows from before
 *   are dropped, so it makes nobody a co-member of anybody (presence, §10.5) and no user's list shows it twice.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * import { rooms } from "./008_rooms.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db, rooms.version - 1);
 * rooms.up(db);
 * ```
 */
export const rooms: Migration = {
  version: 8,
  name: "rooms",
  up(db: DatabaseSync): void {
    db.exec(`
      ALTER TABLE rooms ADD COLUMN public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1));
      ALTER TABLE rooms ADD COLUMN invite_code_hash BLOB CHECK (invite_code_hash IS NULL OR length(invite_code_hash) = 32);
      -- findByInviteCode(): a code names one room.
      CREATE UNIQUE INDEX rooms_invite_code ON rooms (invite_code_hash) WHERE invite_code_hash IS NOT NULL;

      UPDATE room_members SET role = 'member'
      WHERE role = 'owner' AND user_id > (
        SELECT min(owners.user_id) FROM room_members AS owners
        WHERE owners.room_id = room_members.room_id AND owners.role = 'owner'
      );
      CREATE UNIQUE INDEX room_members_owner ON room_members (room_id) WHERE role = 'owner';

      CREATE TABLE room_departures (
        room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        left_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      ) STRICT, WITHOUT ROWID;

      UPDATE rooms SET kind = 'group'
      WHERE kind = 'lobby' AND id > (SELECT min(id) FROM rooms WHERE kind = 'lobby');
      INSERT INTO rooms (name, kind, created_by, created_at)
      SELECT 'Lobby', 'lobby', NULL, CAST(strftime('%s', 'now') AS INTEGER) * 1000
      WHERE NOT EXISTS (SELECT 1 FROM rooms WHERE kind = 'lobby');
      UPDATE rooms SET public = 1 WHERE kind = 'lobby';
      DELETE FROM room_members WHERE room_id IN (SELECT id FROM rooms WHERE kind = 'lobby');
      CREATE UNIQUE INDEX rooms_one_lobby ON rooms (kind) WHERE kind = 'lobby';
    `);
  },
};
