// Migration 1: accounts, social graph, rooms, messages, read state and blobs.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Creates the initial schema. Every table is STRICT so a wrongly typed value
 * (a fractional timestamp, a number where text belongs) fails instead of
 * being silently coerced. Messages have no deletion path: every message is
 * kept, so `messages.sender_id` deliberately has no ON DELETE action.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { initial } from "./001_initial.ts";
 * const db = new DatabaseSync(":memory:");
 * initial.up(db);
 * ```
 */
export const initial: Migration = {
  version: 1,
  name: "initial",
  up(db: DatabaseSync): void {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL UNIQUE,
        nickname TEXT NOT NULL,
        registration_record BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE friend_requests (
        id INTEGER PRIMARY KEY,
        from_user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        to_user INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'deferred')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (from_user, to_user),
        CHECK (from_user <> to_user)
      ) STRICT;
      -- openRequestsFor(): requests to a user, oldest first.
      CREATE INDEX friend_requests_to_user ON friend_requests (to_user, created_at);

      -- One row per friendship, smaller id first, so (a, b) and (b, a) cannot both exist.
      CREATE TABLE friendships (
        user_a INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        user_b INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_a, user_b),
        CHECK (user_a < user_b)
      ) STRICT;
      -- The primary key serves lookups by user_a; this one serves user_b.
      CREATE INDEX friendships_user_b ON friendships (user_b, user_a);

      CREATE TABLE rooms (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('group', 'lobby')),
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE room_members (
        room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      ) STRICT;
      -- roomsOf() and contactsOf() start from a user.
      CREATE INDEX room_members_user ON room_members (user_id, room_id);

      CREATE TABLE blobs (
        id INTEGER PRIMARY KEY,
        sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),
        mime TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size = length(data)),
        data BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      -- A message goes to a room or to one recipient, never both; text has a body, images and files a blob.
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        room_id INTEGER REFERENCES rooms(id),
        sender_id INTEGER NOT NULL REFERENCES users(id),
        recipient_id INTEGER REFERENCES users(id),
        kind TEXT NOT NULL CHECK (kind IN ('text', 'image', 'file')),
        body TEXT,
        blob_id INTEGER REFERENCES blobs(id),
        sent_at INTEGER NOT NULL,
        CHECK ((room_id IS NULL) <> (recipient_id IS NULL)),
        CHECK (CASE kind WHEN 'text' THEN body IS NOT NULL AND blob_id IS NULL ELSE blob_id IS NOT NULL END)
      ) STRICT;
      CREATE INDEX messages_room ON messages (room_id, id);
      CREATE INDEX messages_direct_out ON messages (sender_id, recipient_id, id);
      CREATE INDEX messages_direct_in ON messages (recipient_id, sender_id, id);

      -- conversation names a room or a direct chat (the format is the message service's).
      CREATE TABLE read_state (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        conversation TEXT NOT NULL,
        last_read_message_id INTEGER NOT NULL,
        PRIMARY KEY (user_id, conversation)
      ) STRICT;
    `);
  },
};
