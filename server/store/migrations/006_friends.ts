// Migration 5: a note on friend requests, and blocks.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Adds `friend_requests.note` (PROTOCOL.md §12.2: what the sender tells the recipient; NULL for none, so every
 * request from before has none) and creates `blocks`: one row per user who blocked another, gone with either user.
 * A block works both ways in effect, but it is one user's decision, so it is one directed row; `blocks_blocked`
 * serves "did anyone I am about to reach block me", the primary key the other direction.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * import { friends } from "./006_friends.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db, 5);
 * friends.up(db);
 * ```
 */
export const friends: Migration = {
  version: 6,
  name: "friends",
  up(db: DatabaseSync): void {
    db.exec(`
      ALTER TABLE friend_requests ADD COLUMN note TEXT;

      CREATE TABLE blocks (
        blocker INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        blocked INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (blocker, blocked),
        CHECK (blocker <> blocked)
      ) STRICT;
      CREATE INDEX blocks_blocked ON blocks (blocked, blocker);
    `);
  },
};
