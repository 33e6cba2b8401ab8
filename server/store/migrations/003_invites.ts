// Migration 3: single-use invite codes, stored only as SHA-256 hashes.

import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Creates `invites`. A code is never stored, only its SHA-256 (32 bytes), so a copy of the database cannot be used
 * to register. A row is used once: `used_at` and `used_by` are set together, by the transaction that creates the
 * account. `used_by` becomes NULL if that account is ever deleted, while `used_at` keeps the code spent.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { migrate } from "./mod.ts";
 * import { invites } from "./003_invites.ts";
 * const db = new DatabaseSync(":memory:");
 * migrate(db, 2);
 * invites.up(db);
 * ```
 */
export const invites: Migration = {
  version: 3,
  name: "invites",
  up(db: DatabaseSync): void {
    db.exec(`
      CREATE TABLE invites (
        code_hash BLOB PRIMARY KEY CHECK (length(code_hash) = 32),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        used_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        CHECK (expires_at > created_at),
        CHECK (used_at IS NOT NULL OR used_by IS NULL)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
