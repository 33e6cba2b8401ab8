// Migration 6: conversations, their members with read positions, messages, and the blobs messages reference.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Creates the tables of PROTOCOL.md §14:
 *
 * - `conversations`: a direct one names its pair (`user_a < user_b`, unique, so a pair has one conversation for
 *   good) and no room; a room's names its room (unique) and no pair. `last_seq` is the sequence of its last message,
 *   raised in the transaction that stores the next one, so sequence numbers have no gaps.
 * - `conversation_members`: who may read and post, from which sequence on (`joined_seq`: a room's member sees only
 *   what came after), and how far they read.
 * - `messages`: keyed by (conversation, seq). The body is codec bytes the store never reads; a recall deletes it
 *   (NULL) and sets `recalled_at`, and the CHECK keeps the two together. A sender who is gone leaves NULL. The partial
 *   unique index makes a client's message id name one message of its sender in a conversation (idempotent sends).
 * - `message_blobs`: which blobs a message references, so a download can be authorised without reading bodies; gone
 *   with its message. `message_blobs_sha256` answers "who may read this blob".
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * import { conversations } from "./007_conversations.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec("PRAGMA foreign_keys = ON");
 * migrate(db, 6);
 * conversations.up(db);
 * ```
 */
export const conversations: Migration = {
  version: 7,
  name: "conversations",
  up(db: DatabaseSync): void {
    db.exec(`
      CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('direct', 'room')),
        room_id INTEGER UNIQUE REFERENCES rooms(id) ON DELETE CASCADE,
        user_a INTEGER REFERENCES users(id) ON DELETE CASCADE,
        user_b INTEGER REFERENCES users(id) ON DELETE CASCADE,
        last_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
        last_at INTEGER,
        created_at INTEGER NOT NULL,
        UNIQUE (user_a, user_b),
        CHECK (CASE kind
          WHEN 'direct' THEN room_id IS NULL AND user_a IS NOT NULL AND user_b IS NOT NULL AND user_a < user_b
          ELSE room_id IS NOT NULL AND user_a IS NULL AND user_b IS NULL
        END)
      ) STRICT;

      CREATE TABLE conversation_members (
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        joined_seq INTEGER NOT NULL DEFAULT 0 CHECK (joined_seq >= 0),
        read_seq INTEGER NOT NULL DEFAULT 0 CHECK (read_seq >= 0),
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      ) STRICT;
      -- listFor(): a user's conversations.
      CREATE INDEX conversation_members_user ON conversation_members (user_id, conversation_id);

      CREATE TABLE messages (
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL CHECK (seq >= 1),
        sender_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        client_id TEXT CHECK (client_id <> ''),
        at INTEGER NOT NULL,
        body BLOB,
        recalled_at INTEGER,
        PRIMARY KEY (conversation_id, seq),
        CHECK ((body IS NULL) = (recalled_at IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX messages_client ON messages (conversation_id, sender_id, client_id)
        WHERE client_id IS NOT NULL;

      CREATE TABLE message_blobs (
        conversation_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
        PRIMARY KEY (conversation_id, seq, sha256),
        FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX message_blobs_sha256 ON message_blobs (sha256);
    `);
  },
};
